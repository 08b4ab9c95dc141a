import * as tf from '@tensorflow/tfjs-core';
import { sampleCaptions } from '../../../packages/image-captioner/src/decoder/search';
import { teacherForcedLoss } from '../../../packages/image-captioner/src/decoder/teacher-forcing';
import { END, PAD, START, UNK } from '../../../packages/image-captioner/src/decoder/vocab';
import { makeReward, selfCriticalBatch, type Reward } from '../src/self-critical';
import { tinyDecoder, tinyRegions, TINY_WORDS, useCpu } from '../../../packages/image-captioner/test/helpers';
import type { CaptionDecoder } from '../../../packages/image-captioner/src/decoder/decoder';

beforeAll(useCpu);

/** The decoder's first-word distribution for one image, with the ids decoding never writes removed. */
function firstWordProbabilities(dec: CaptionDecoder, regions: tf.Tensor3D, temperature = 1): number[] {
  return tf.tidy(() => {
    const ctx = dec.prepare(regions);
    const emb = dec.embedWords(tf.tensor1d([START], 'int32'));
    const out = dec.step(dec.embeddedGates(emb), ctx.h0, ctx.keys, ctx.values);
    const logits = Array.from(dec.classify(out.h, undefined, { context: out.context, emb }).dataSync());
    const e = logits.map((l, i) => ([PAD, START, UNK].includes(i) ? 0 : Math.exp(l / temperature)));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
}

describe('sampleCaptions', () => {
  it.each([1, 0.5])('draws words with the decoder\'s probabilities at temperature %s (3,000 one-word samples)', async (temperature) => {
    const dec = tinyDecoder({ seed: 4, maxWords: 1, deepOutput: true });
    const regions = tinyRegions(1, 4, 6, 5);
    const p = firstWordProbabilities(dec, regions, temperature);
    const [drawn] = await sampleCaptions(dec, regions, { samples: 3000, seed: 9, temperature });
    const freq = new Array<number>(p.length).fill(0);
    for (const h of drawn) {
      expect(h.ids).toHaveLength(1);
      freq[h.ids[0]] += 1 / drawn.length;
      expect(h.logProb).toBeCloseTo(Math.log(p[h.ids[0]]), 4);
    }
    p.forEach((pi, i) => expect(Math.abs(freq[i] - pi)).toBeLessThan(0.03));
    expect(freq[PAD] + freq[START] + freq[UNK]).toBe(0);
    regions.dispose();
    dec.dispose();
  });

  it('is reproducible by seed, gives each image its samples, and ends each with <end> or at maxWords; no leaks', async () => {
    const dec = tinyDecoder({ seed: 6, maxWords: 5 });
    const regions = tinyRegions(3, 4, 6, 2);
    const before = tf.memory().numTensors;
    const a = await sampleCaptions(dec, regions, { samples: 4, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    const again = await sampleCaptions(dec, regions, { samples: 4, seed: 1 });
    const other = await sampleCaptions(dec, regions, { samples: 4, seed: 2 });
    expect(again).toEqual(a);
    expect(other.flat().map((h) => h.ids)).not.toEqual(a.flat().map((h) => h.ids));
    expect(a).toHaveLength(3);
    for (const h of a.flat()) {
      expect(h.ids.length).toBeLessThanOrEqual(5);
      if (h.ids.length < 5) expect(h.ids[h.ids.length - 1]).toBe(END);
      expect(h.ids.slice(0, -1)).not.toContain(END);
    }
    await expect(sampleCaptions(dec, regions, { samples: 0 })).rejects.toThrow(/positive integer/);
    await expect(sampleCaptions(dec, regions, { temperature: 0 })).rejects.toThrow(/temperature must be positive/);
    regions.dispose();
    dec.dispose();
  });
});

describe('teacherForcedLoss with caption weights', () => {
  const captions = [
    [START, 4, 5, 6, END],
    [START, 10, END],
    [START, 5, END],
  ];

  it('weights each caption\'s tokens: all 1 is the plain loss; otherwise the weighted sum over all tokens', () => {
    const dec = tinyDecoder({ dropout: 0 });
    const regions = tinyRegions(2, 3, 6);
    const imageOf = [0, 1, 0];
    const loss = (weights?: number[]) => tf.tidy(() => teacherForcedLoss(dec, { regions, imageOf, captions, weights }).dataSync()[0]);
    expect(loss([1, 1, 1])).toBeCloseTo(loss(), 6);
    const perCaption = captions.map((c, i) =>
      tf.tidy(() => teacherForcedLoss(dec, { regions: tf.slice(regions, imageOf[i], 1) as tf.Tensor3D, imageOf: [0], captions: [c] }).dataSync()[0]),
    );
    const tokens = captions.reduce((n, c) => n + c.length - 1, 0);
    const expected = (2 * perCaption[0] * 4 + 0 * perCaption[1] * 2 - 1 * perCaption[2] * 2) / tokens;
    expect(loss([2, 0, -1])).toBeCloseTo(expected, 5);
    expect(() => loss([1, 1])).toThrow(/3 captions but 2 weights/);
    // Temperature: the loss of the policy softmax(scores / T); T = 1 is the plain loss.
    const tempered = (temperature: number) => tf.tidy(() => teacherForcedLoss(dec, { regions, imageOf, captions, temperature }).dataSync()[0]);
    expect(tempered(1)).toBeCloseTo(loss(), 6);
    const [oneCaption] = captions;
    const manual = tf.tidy(() => {
      const ctx = dec.prepare(tf.slice(regions, 0, 1) as tf.Tensor3D);
      let h = ctx.h0;
      let total = 0;
      for (let t = 0; t + 1 < oneCaption.length; t++) {
        const emb = dec.embedWords(tf.tensor1d([oneCaption[t]], 'int32'));
        const out = dec.step(dec.embeddedGates(emb), h, ctx.keys, ctx.values);
        h = out.h;
        total -= tf.logSoftmax(tf.div(dec.classify(h), 0.5)).dataSync()[oneCaption[t + 1]];
      }
      return total / (oneCaption.length - 1);
    });
    const single = tf.tidy(() => teacherForcedLoss(dec, { regions: tf.slice(regions, 0, 1) as tf.Tensor3D, imageOf: [0], captions: [oneCaption], temperature: 0.5 }).dataSync()[0]);
    expect(single).toBeCloseTo(manual, 5);
    expect(tempered(0.5)).not.toBeCloseTo(loss(), 2);
    regions.dispose();
    dec.dispose();
  });
});

describe('selfCriticalBatch', () => {
  const dogs: Reward = (c) => c.filter((w) => w === 'dog').length;

  it('samples k captions per image, longest first, weighted by reward minus the mean of the image\'s other samples', async () => {
    const dec = tinyDecoder({ seed: 2, maxWords: 6 });
    const regions = tinyRegions(2, 4, 6, 3);
    const { batch, meanReward } = await selfCriticalBatch(dec, regions, [[['a']], [['a']]], dogs, { samples: 5, seed: 11 });
    expect(batch.regions).toBe(regions);
    expect(batch.captions).toHaveLength(10);
    expect(batch.imageOf.filter((i) => i === 0)).toHaveLength(5);
    for (let i = 1; i < 10; i++) expect(batch.captions[i].length).toBeLessThanOrEqual(batch.captions[i - 1].length);
    for (const c of batch.captions) expect(c[0]).toBe(START);
    // The leave-one-out baseline makes each image's weights sum to zero.
    for (const image of [0, 1]) {
      const sum = batch.weights!.filter((_, j) => batch.imageOf[j] === image).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum)).toBeLessThan(1e-9);
    }
    const rewards = batch.captions.map((c) => dogs(dec.vocab.decode(c).split(' ').filter(Boolean), []));
    expect(meanReward).toBeCloseTo(rewards.reduce((a, b) => a + b, 0) / 10, 12);
    await expect(selfCriticalBatch(dec, regions, [[], []], dogs, { samples: 1, seed: 1 })).rejects.toThrow(/at least 2 samples/);
    regions.dispose();
    dec.dispose();
  });

  it('adds the images\' human captions at a fixed weight (mixed objective), and checks they match the images', async () => {
    const dec = tinyDecoder({ seed: 2, maxWords: 6 });
    const regions = tinyRegions(2, 4, 6, 3);
    const human = [[[START, 4, 5, END]], [[START, 10, 6, 7, 8, 9, END], [START, 5, END]]];
    const { batch } = await selfCriticalBatch(dec, regions, [[['a']], [['a']]], dogs, { samples: 3, seed: 4, humanCaptions: human, humanWeight: 0.3 });
    expect(batch.captions).toHaveLength(6 + 3);
    // Sampled rows weigh a multiple of 1/2 here (integer rewards, two others in the baseline).
    const humanRows = batch.captions.map((c, j) => ({ c, j })).filter(({ j }) => batch.weights![j] === 0.3);
    expect(humanRows.map(({ c, j }) => [batch.imageOf[j], c])).toEqual([
      [1, human[1][0]],
      [0, human[0][0]],
      [1, human[1][1]],
    ]);
    await expect(selfCriticalBatch(dec, regions, [[['a']], [['a']]], dogs, { samples: 3, seed: 4, humanCaptions: [[]] })).rejects.toThrow(/human captions for 1 images, regions for 2/);
    regions.dispose();
    dec.dispose();
  });

  it('training on its batches raises the mean reward (the policy gradient has the right sign)', async () => {
    const dec = tinyDecoder({ seed: 7, maxWords: 4, dropout: 0 });
    const regions = tinyRegions(2, 4, 6, 8);
    const refs = [[['a']], [['a']]];
    const opt = tf.train.adam(0.05);
    const rewards: number[] = [];
    for (let step = 0; step < 15; step++) {
      const { batch, meanReward } = await selfCriticalBatch(dec, regions, refs, dogs, { samples: 8, seed: step + 1 });
      rewards.push(meanReward);
      tf.tidy(() => {
        opt.minimize(() => teacherForcedLoss(dec, batch), false, dec.trainableVariables());
      });
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // A caption holds at most 4 words: from under one "dog" per caption to nearly all dogs.
    expect(rewards[0]).toBeLessThan(1);
    expect(mean(rewards.slice(-5))).toBeGreaterThan(3);
    opt.dispose();
    regions.dispose();
    dec.dispose();
  });

  it('makes CIDEr-D and BLEU rewards from the training references, and refuses other names', () => {
    const refs = [[['a', 'dog', 'runs']], [['a', 'man', 'runs']]];
    expect(makeReward('cider', refs)(['a', 'dog', 'runs'], refs[0])).toBeGreaterThan(makeReward('cider', refs)(['a', 'man', 'runs'], refs[0]));
    expect(makeReward('bleu', refs)(['a', 'dog', 'runs'], refs[0])).toBeCloseTo(1, 12);
    expect(() => makeReward('rouge' as never, refs)).toThrow(/unknown reward "rouge"/);
    expect(TINY_WORDS).toContain('dog');
  });
});
