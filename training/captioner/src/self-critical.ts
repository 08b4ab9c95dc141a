/**
 * Self-critical sequence training (Rennie et al., 2017), the batch side: draw k captions per
 * image from the decoder, score each against the image's references, and weight each sampled
 * caption's log-likelihood by its reward minus the mean reward of the image's other samples
 * (the baseline of Luo, 2020, which needs no extra greedy decode). Minimising the weighted
 * teacher-forced loss on the samples is then the policy gradient of the expected reward.
 *
 * Optionally the images' human captions join the batch with a fixed weight: the mixed
 * objective of Paulus et al. (2018), which keeps the language fluent while the reward pulls.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { sentenceBleu } from '../../../packages/image-captioner/src/bleu';
import { CiderD } from '../../../packages/image-captioner/src/cider';
import type { CaptionDecoder } from '../../../packages/image-captioner/src/decoder/decoder';
import { sampleCaptions } from '../../../packages/image-captioner/src/decoder/search';
import type { CaptionBatch } from '../../../packages/image-captioner/src/decoder/teacher-forcing';
import { captionWords, START } from '../../../packages/image-captioner/src/decoder/vocab';

export type RewardKind = 'cider' | 'bleu';

/** reward(candidate words, references' words) → a number, higher is better. */
export type Reward = (candidate: readonly string[], references: readonly (readonly string[])[]) => number;

/** CIDEr-D with document frequencies from the training references, or smoothed sentence BLEU-4. */
export function makeReward(kind: RewardKind, trainReferences: readonly (readonly (readonly string[])[])[]): Reward {
  if (kind === 'bleu') return (c, r) => sentenceBleu(c, r);
  if (kind === 'cider') {
    const cider = new CiderD(trainReferences);
    return (c, r) => cider.score(c, r);
  }
  throw new Error(`unknown reward ${JSON.stringify(kind)}: use cider or bleu`);
}

export interface SelfCriticalOptions {
  /** Captions drawn per image (at least 2). */
  samples: number;
  seed: number;
  /** Sampling temperature; the batch trains the policy at this temperature too. Default 1. */
  temperature?: number;
  /** Encoded human captions (`<start> .. <end>`) of each image, trained on with `humanWeight`. */
  humanCaptions?: readonly (readonly number[])[][];
  humanWeight?: number;
}

export interface SelfCriticalBatch {
  batch: CaptionBatch;
  meanReward: number;
}

/**
 * regions [I, R, D] of images whose references are `references[i]` (tokenised) → a weighted
 * caption batch of I × samples sampled captions (regions not copied: the caller still owns them).
 */
export async function selfCriticalBatch(
  decoder: CaptionDecoder,
  regions: tf.Tensor3D,
  references: readonly (readonly (readonly string[])[])[],
  reward: Reward,
  opts: SelfCriticalOptions,
): Promise<SelfCriticalBatch> {
  const { samples, seed } = opts;
  if (samples < 2) throw new Error('self-critical training needs at least 2 samples per image (each is judged against the others)');
  const drawn = await sampleCaptions(decoder, regions, { samples, seed, temperature: opts.temperature });
  const rows: { image: number; ids: number[]; weight: number }[] = [];
  let total = 0;
  drawn.forEach((hyps, image) => {
    const rewards = hyps.map((h) => reward(captionWords(decoder.vocab.decode(h.ids)), references[image]));
    const sum = rewards.reduce((a, b) => a + b, 0);
    total += sum;
    hyps.forEach((h, j) => {
      const baseline = (sum - rewards[j]) / (samples - 1);
      rows.push({ image, ids: [START, ...h.ids], weight: rewards[j] - baseline });
    });
  });
  if (opts.humanCaptions !== undefined) {
    if (opts.humanCaptions.length !== drawn.length) throw new Error(`selfCriticalBatch: human captions for ${opts.humanCaptions.length} images, regions for ${drawn.length}`);
    const weight = opts.humanWeight ?? 1;
    opts.humanCaptions.forEach((caps, image) => caps.forEach((ids) => rows.push({ image, ids: [...ids], weight })));
  }
  rows.sort((a, b) => b.ids.length - a.ids.length);
  return {
    batch: { regions, imageOf: rows.map((r) => r.image), captions: rows.map((r) => r.ids), weights: rows.map((r) => r.weight), temperature: opts.temperature },
    meanReward: total / (drawn.length * samples),
  };
}
