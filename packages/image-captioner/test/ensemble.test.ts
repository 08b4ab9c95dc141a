import * as tf from '@tensorflow/tfjs-core';
import { DecoderEnsemble } from '../src/decoder/ensemble';
import { beamSearch, greedyDecode, sampleCaptions } from '../src/decoder/search';
import { CaptionDecoder } from '../src/decoder/decoder';
import { CaptionVocab, START } from '../src/decoder/vocab';
import { TINY_WORDS, talkative, tinyConfig, tinyDecoder, tinyRegions, useCpu } from './helpers';

/** One step of every member from <start>, by hand: the members' next-word probabilities [N, V] each. */
function firstStepProbabilities(members: CaptionDecoder[], regions: tf.Tensor3D): number[][][] {
  return members.map((m) =>
    tf.tidy(() => {
      const ctx = m.prepare(regions);
      const prev = tf.tensor1d(new Array(regions.shape[0]).fill(START), 'int32');
      return tf.softmax(m.nextScores(prev, ctx.h0, ctx.keys, ctx.values).scores).arraySync() as number[][];
    }),
  );
}

beforeAll(useCpu);

describe('DecoderEnsemble', () => {
  it('scores the next word by the mean of its members\' probabilities (different sizes and weights)', () => {
    const members = [tinyDecoder({ seed: 3 }), tinyDecoder({ seed: 4, hiddenDim: 5, attentionDim: 3, contextDim: 9, deepOutput: true })];
    const ensemble = new DecoderEnsemble(members);
    const regions = tinyRegions(2, 4, 6, 7);
    const expected = firstStepProbabilities(members, regions);
    const got = tf.tidy(() => {
      const ctx = ensemble.prepare(regions);
      expect(ctx.keys.shape).toEqual([2, 4, 4 + 3]);
      expect(ctx.values.shape).toEqual([2, 4, 7 + 9]);
      expect(ctx.h0.shape).toEqual([2, 8 + 5]);
      const out = ensemble.nextScores(tf.tensor1d([START, START], 'int32'), ctx.h0, ctx.keys, ctx.values);
      expect(out.h.shape).toEqual([2, 13]);
      return tf.softmax(out.scores).arraySync() as number[][];
    });
    got.forEach((row, n) => row.forEach((p, v) => expect(p).toBeCloseTo((expected[0][n][v] + expected[1][n][v]) / 2, 5)));
    regions.dispose();
    ensemble.dispose();
  });

  it('of one decoder decodes exactly as that decoder (greedy, beam, sampling)', async () => {
    const dec = talkative(tinyDecoder({ seed: 8, maxWords: 8 }));
    const ensemble = new DecoderEnsemble([dec]);
    const regions = tinyRegions(3, 4, 6, 8);
    const alone = await greedyDecode(dec, regions);
    expect(alone.some((h) => h.ids.length > 2)).toBe(true);
    const joined = await greedyDecode(ensemble, regions);
    expect(joined.map((h) => h.ids)).toEqual(alone.map((h) => h.ids));
    joined.forEach((h, i) => expect(h.logProb).toBeCloseTo(alone[i].logProb, 4));
    const beams = [await beamSearch(dec, regions, { beamWidth: 3 }), await beamSearch(ensemble, regions, { beamWidth: 3 })];
    expect(beams[1].map((b) => b.map((h) => h.ids))).toEqual(beams[0].map((b) => b.map((h) => h.ids)));
    const samples = [await sampleCaptions(dec, regions, { samples: 2, seed: 5 }), await sampleCaptions(ensemble, regions, { samples: 2, seed: 5 })];
    expect(samples[1].map((s) => s.map((h) => h.ids))).toEqual(samples[0].map((s) => s.map((h) => h.ids)));
    regions.dispose();
    dec.dispose();
  });

  it('of two copies of a decoder decodes as that decoder', async () => {
    const a = talkative(tinyDecoder({ seed: 11, maxWords: 8 }));
    const copy = new CaptionDecoder(a.config, a.vocab, new Map((await a.toArrays()).map((w) => [w.name, w])));
    const regions = tinyRegions(6, 4, 6, 3);
    const twice = await beamSearch(new DecoderEnsemble([a, copy]), regions, { beamWidth: 3 });
    const once = await beamSearch(a, regions, { beamWidth: 3 });
    expect(twice.map((b) => b[0].ids)).toEqual(once.map((b) => b[0].ids));
    twice.forEach((b, i) => expect(b[0].logProb).toBeCloseTo(once[i][0].logProb, 4));
    copy.dispose();
    a.dispose();
    regions.dispose();
  });

  it('leaks no tensors while decoding', async () => {
    const ensemble = new DecoderEnsemble([talkative(tinyDecoder({ seed: 2 })), talkative(tinyDecoder({ seed: 6 }))]);
    const regions = tinyRegions(2, 4, 6, 4);
    await greedyDecode(ensemble, regions);
    const before = tf.memory().numTensors;
    await greedyDecode(ensemble, regions);
    await beamSearch(ensemble, regions, { beamWidth: 2 });
    await sampleCaptions(ensemble, regions, { samples: 2 });
    expect(tf.memory().numTensors).toBe(before);
    regions.dispose();
    ensemble.dispose();
  });

  it('refuses members with other vocabularies or region sizes, naming which', () => {
    const a = tinyDecoder();
    const otherWords = new CaptionDecoder(tinyConfig(), new CaptionVocab([...TINY_WORDS.slice(0, -1), 'blue']));
    const otherRegions = tinyDecoder({ regionDim: 9 });
    expect(() => new DecoderEnsemble([a, otherWords])).toThrow(/decoder 2 has another vocabulary/);
    expect(() => new DecoderEnsemble([a, otherRegions])).toThrow(/decoder 2 reads 9-d regions, decoder 1 6-d/);
    expect(() => new DecoderEnsemble([])).toThrow(/no decoders/);
    [a, otherWords, otherRegions].forEach((d) => d.dispose());
  });
});
