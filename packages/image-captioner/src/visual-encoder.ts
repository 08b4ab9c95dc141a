import * as tf from '@tensorflow/tfjs-core';
import {
  checkAtMost,
  MAX_LAYER_SIZE,
  newVariable,
  glorotLimit,
  registerClass,
  SeededRandom,
  type EncodeOptions,
  type JsonObject,
  type ModalityEncoder,
  type SetFeatures,
} from '@trimod/core';
import type { CaptionDecoder } from './decoder/decoder';
import { CaptionVocab, captionWords } from './decoder/vocab';
import type { RegionFeatures } from './objects/pool';
import type { DetectedObject } from './objects/types';

/**
 * What one post contributes visually. Any part may be missing: a post with a caption but no
 * image (Twitter-2017 ships captions.json instead of images) has only `caption`.
 */
export interface VisualSample {
  regions?: RegionFeatures;
  objects?: DetectedObject[];
  caption?: string;
}

export interface VisualEncoderConfig {
  outputDim: number;
  /** D of the backbone regions (and of object features). */
  regionDim: number;
  /** Size of the decoder's word embeddings. */
  embedDim: number;
  /** The decoder's vocabulary (id → word), so caption words map to its embeddings. */
  vocab: string[];
  maxCaptionWords: number;
  seed: number;
}

/** Set members are tagged by kind with a learned offset, so later layers can tell them apart. */
const KIND = { region: 0, object: 1, word: 2 } as const;

/**
 * The visual modality for TriMod: regions, detected objects and caption words of each post
 * as one set [B, N, D] with a mask. Regions and object features go through one projection,
 * caption words through the captioner's (frozen) word embeddings and a second projection.
 */
export class VisualEncoder implements ModalityEncoder<(VisualSample | null | undefined)[], SetFeatures> {
  readonly className = 'VisualEncoder';
  readonly outputDim: number;
  private readonly vocab: CaptionVocab;
  private readonly w: Record<string, tf.Variable>;

  constructor(readonly config: VisualEncoderConfig) {
    const { outputDim, regionDim, embedDim, vocab, seed } = config;
    // The config comes from model.json (input): sizes are checked before anything is allocated.
    for (const key of ['outputDim', 'regionDim', 'embedDim', 'maxCaptionWords'] as const) {
      const v = config[key];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`VisualEncoder: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
      checkAtMost('VisualEncoder', key, v, MAX_LAYER_SIZE);
    }
    if (!Array.isArray(vocab) || vocab.some((w) => typeof w !== 'string')) throw new Error('VisualEncoder: "vocab" must be an array of words');
    this.outputDim = outputDim;
    this.vocab = new CaptionVocab(vocab);
    const rng = new SeededRandom(seed);
    const dense = (rows: number, cols: number) => rng.uniformArray(rows * cols, glorotLimit(rows, cols));
    encoderCount += 1;
    const name = (n: string) => `visualEncoder${encoderCount}/${n}`;
    this.w = {
      // Frozen: copied from the caption decoder (`fromDecoder`) or restored from a saved model.
      'wordEmbedding': newVariable(rng.uniformArray(vocab.length * embedDim, 0.1), [vocab.length, embedDim], false, name('wordEmbedding')),
      'region/kernel': newVariable(dense(regionDim, outputDim), [regionDim, outputDim], true, name('region/kernel')),
      'region/bias': newVariable(null, [outputDim], true, name('region/bias')),
      'word/kernel': newVariable(dense(embedDim, outputDim), [embedDim, outputDim], true, name('word/kernel')),
      'word/bias': newVariable(null, [outputDim], true, name('word/bias')),
      'kind': newVariable(rng.normalArray(3 * outputDim, 0.02), [3, outputDim], true, name('kind')),
    };
  }

  /** A VisualEncoder whose word embeddings are the decoder's. */
  static fromDecoder(decoder: CaptionDecoder, opts: { outputDim: number; maxCaptionWords?: number; seed?: number }): VisualEncoder {
    const enc = new VisualEncoder({
      outputDim: opts.outputDim,
      regionDim: decoder.config.regionDim,
      embedDim: decoder.config.embedDim,
      vocab: [...decoder.vocab.words],
      maxCaptionWords: opts.maxCaptionWords ?? 24,
      seed: opts.seed ?? 1,
    });
    enc.w['wordEmbedding'].assign(decoder.embedding);
    return enc;
  }

  getConfig(): JsonObject {
    return { ...this.config } as unknown as JsonObject;
  }

  namedWeights(): Record<string, tf.Variable> {
    return { ...this.w };
  }

  trainableVariables(): tf.Variable[] {
    return Object.values(this.w).filter((v) => v.trainable);
  }

  /**
   * batch: one VisualSample (or null for a post without any visual input) per post →
   * features [B, N, D] and mask [B, N], N = the largest member count in the batch (at least 1).
   */
  encode(batch: (VisualSample | null | undefined)[], opts: EncodeOptions): SetFeatures {
    void opts; // no dropout here: the fusion layer regularises the fused features
    const { regionDim } = this.config;
    const D = this.outputDim;
    // Host-side layout: for each post, which rows of the region / word tables it owns.
    const regionRows: Float32Array[] = [];
    const regionKinds: number[] = [];
    const wordIds: number[] = [];
    const wordKinds: number[] = [];
    const plan: { regions: [number, number]; words: [number, number] }[] = [];
    batch.forEach((sample, b) => {
      const r0 = regionKinds.length;
      const w0 = wordIds.length;
      if (sample?.regions) {
        const rf = sample.regions;
        if (rf.dim !== regionDim) throw new Error(`VisualEncoder: post ${b} has ${rf.dim}-d regions, expected ${regionDim}-d`);
        if (rf.values.length !== rf.count * rf.dim) throw new Error(`VisualEncoder: post ${b} regions hold ${rf.values.length} values, not ${rf.count} x ${rf.dim}`);
        regionRows.push(rf.values);
        for (let i = 0; i < rf.count; i++) regionKinds.push(KIND.region);
      }
      for (const o of sample?.objects ?? []) {
        if (o.feature.length !== regionDim) throw new Error(`VisualEncoder: post ${b} object "${o.label}" has a ${o.feature.length}-d feature, expected ${regionDim}-d`);
        regionRows.push(o.feature);
        regionKinds.push(KIND.object);
        // The object's label enters as a word too ("dog" next to the dog's pooled regions).
        wordIds.push(this.vocab.id(o.label.toLowerCase()));
        wordKinds.push(KIND.object);
      }
      if (sample?.caption) {
        for (const word of captionWords(sample.caption).slice(0, this.config.maxCaptionWords)) {
          wordIds.push(this.vocab.id(word));
          wordKinds.push(KIND.word);
        }
      }
      plan.push({ regions: [r0, regionKinds.length], words: [w0, wordIds.length] });
    });
    const counts = plan.map((p) => p.regions[1] - p.regions[0] + p.words[1] - p.words[0]);
    const n = Math.max(1, ...counts);
    const mask = new Float32Array(batch.length * n);
    counts.forEach((c, b) => mask.fill(1, b * n, b * n + c));
    return tf.tidy(() => {
      const kind = this.w['kind'];
      const regions =
        regionKinds.length > 0
          ? tf.add(
              tf.add(tf.matMul(tf.tensor2d(concatRows(regionRows, regionKinds.length * regionDim), [regionKinds.length, regionDim]), this.w['region/kernel']), this.w['region/bias']),
              tf.gather(kind, tf.tensor1d(regionKinds, 'int32')),
            )
          : null;
      const words =
        wordIds.length > 0
          ? tf.add(
              tf.add(tf.matMul(tf.gather(this.w['wordEmbedding'], tf.tensor1d(wordIds, 'int32')), this.w['word/kernel']), this.w['word/bias']),
              tf.gather(kind, tf.tensor1d(wordKinds, 'int32')),
            )
          : null;
      // Per post: its rows of each table, then zero padding; slice / concat have gradients on every backend.
      const rows = plan.map((p, b) => {
        const parts: tf.Tensor2D[] = [];
        if (regions && p.regions[1] > p.regions[0]) parts.push(tf.slice(regions as tf.Tensor2D, [p.regions[0], 0], [p.regions[1] - p.regions[0], D]));
        if (words && p.words[1] > p.words[0]) parts.push(tf.slice(words as tf.Tensor2D, [p.words[0], 0], [p.words[1] - p.words[0], D]));
        if (counts[b] < n) parts.push(tf.zeros([n - counts[b], D]));
        return parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      });
      return { features: tf.stack(rows) as tf.Tensor3D, mask: tf.tensor2d(mask, [batch.length, n]) };
    });
  }

  dispose(): void {
    for (const v of Object.values(this.w)) v.dispose();
  }
}

let encoderCount = 0;

function concatRows(parts: Float32Array[], total: number): Float32Array {
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

registerClass('VisualEncoder', (config) => new VisualEncoder(config as unknown as VisualEncoderConfig));
