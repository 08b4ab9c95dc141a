import * as tf from '@tensorflow/tfjs-core';
import { beamSearch, greedyDecode } from '../src/decoder/search';
import { END, PAD, START, UNK } from '../src/decoder/vocab';
import { talkative, tinyDecoder, tinyRegions, useCpu } from './helpers';

beforeAll(useCpu);

describe('greedy and beam decoding (tiny random decoder)', () => {
  it.each([false, true])('beam search with width 1 is greedy decoding (deep output: %s)', async (deepOutput) => {
    for (const seed of [3, 8, 21]) {
      const dec = talkative(tinyDecoder({ seed, maxWords: 8, deepOutput }));
      const regions = tinyRegions(3, 4, 6, seed);
      const greedy = await greedyDecode(dec, regions);
      expect(greedy.some((g) => g.ids.length > 2)).toBe(true); // non-trivial captions, not just <end>
      const beam = await beamSearch(dec, regions, { beamWidth: 1 });
      expect(beam.map((b) => b[0].ids)).toEqual(greedy.map((g) => g.ids));
      beam.forEach((b, i) => expect(b[0].logProb).toBeCloseTo(greedy[i].logProb, 4));
      regions.dispose();
      dec.dispose();
    }
  });

  it('returns at most k finished beams per image, best first, each ending with <end>', async () => {
    const dec = talkative(tinyDecoder({ seed: 5, maxWords: 6 }));
    const regions = tinyRegions(2, 4, 6, 9);
    const beams = await beamSearch(dec, regions, { beamWidth: 4 });
    expect(beams).toHaveLength(2);
    for (const list of beams) {
      expect(list.length).toBeGreaterThan(0);
      expect(list.length).toBeLessThanOrEqual(4);
      for (let i = 1; i < list.length; i++) expect(list[i - 1].score).toBeGreaterThanOrEqual(list[i].score);
      for (const h of list) {
        expect(h.ids[h.ids.length - 1]).toBe(END);
        expect(h.ids.length).toBeLessThanOrEqual(6 + 1);
      }
    }
    regions.dispose();
    dec.dispose();
  });

  it('a wider beam never finds a worse best caption than greedy (by log-probability)', async () => {
    const dec = talkative(tinyDecoder({ seed: 11, maxWords: 6 }));
    const regions = tinyRegions(4, 4, 6, 2);
    const greedy = await greedyDecode(dec, regions);
    const beam = await beamSearch(dec, regions, { beamWidth: 5 });
    beam.forEach((b, i) => expect(b[0].logProb).toBeGreaterThanOrEqual(greedy[i].logProb - 1e-4));
    regions.dispose();
    dec.dispose();
  });

  it('never writes <unk>, <pad> or <start>, even when the model prefers them', async () => {
    const dec = tinyDecoder({ seed: 2, maxWords: 5 });
    const bias = dec.namedWeights()['out/bias'];
    const values = Float32Array.from(bias.dataSync());
    values[UNK] = values[PAD] = values[START] = 5;
    values[END] = -2;
    bias.assign(tf.tensor1d(values));
    const regions = tinyRegions(2, 4, 6);
    const greedy = await greedyDecode(dec, regions);
    const beam = await beamSearch(dec, regions, { beamWidth: 3 });
    const ids = [...greedy.flatMap((h) => h.ids), ...beam.flat().flatMap((h) => h.ids)];
    expect(ids.length).toBeGreaterThan(4);
    for (const banned of [UNK, PAD, START]) expect(ids).not.toContain(banned);
    regions.dispose();
    dec.dispose();
  });

  it('stops at maxWords with a forced <end>', async () => {
    const dec = tinyDecoder({ seed: 4 });
    const regions = tinyRegions(2, 4, 6);
    const hyps = await greedyDecode(dec, regions, 2);
    for (const h of hyps) {
      expect(h.ids.length).toBeLessThanOrEqual(3);
      expect(h.ids[h.ids.length - 1]).toBe(END);
    }
    regions.dispose();
    dec.dispose();
  });

  it('leaks no tensors across repeated greedy and beam decoding', async () => {
    const dec = tinyDecoder({ seed: 6 });
    const regions = tinyRegions(2, 4, 6);
    await greedyDecode(dec, regions);
    await beamSearch(dec, regions, { beamWidth: 3 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      await greedyDecode(dec, regions);
      await beamSearch(dec, regions, { beamWidth: 3 });
    }
    expect(tf.memory().numTensors).toBe(before);
    await expect(beamSearch(dec, regions, { beamWidth: 0 })).rejects.toThrow(/beamWidth must be a positive integer, got 0/);
    regions.dispose();
    dec.dispose();
  });
});
