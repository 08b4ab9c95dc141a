import * as tf from '@tensorflow/tfjs-core';
import { CRF } from '../src';
import { useCpu } from './fixtures';

beforeAll(useCpu);

describe('clear errors for bad input', () => {
  let crf: CRF;
  let emissions: tf.Tensor3D;
  beforeAll(() => {
    crf = new CRF({ numTags: 3 });
    emissions = tf.zeros([2, 3, 3]) as tf.Tensor3D;
  });
  afterAll(() => {
    emissions.dispose();
    crf.dispose();
  });
  const tags = [
    [0, 1, 2],
    [0, 1, 2],
  ];

  test('a mask that is not a prefix of ones names the row and position', async () => {
    const mask = tf.tensor2d([
      [1, 1, 1],
      [1, 0, 1],
    ]);
    const message = /mask row 1 is not a prefix of ones: position 2 is 1 after padding at position 1/;
    expect(() => crf.logLikelihood(emissions, tags, mask)).toThrow(message);
    expect(() => crf.marginals(emissions, mask)).toThrow(message);
    expect(() => crf.decodeSync(emissions, mask)).toThrow(message);
    await expect(crf.decode(emissions, mask)).rejects.toThrow(message);
    mask.dispose();
  });

  test('a row with no token is named', async () => {
    const mask = [
      [0, 0, 0],
      [1, 1, 0],
    ];
    expect(() => crf.logLikelihood(emissions, tags, mask)).toThrow(/CRF.logLikelihood: mask row 0 has no token/);
    await expect(crf.decode(emissions, mask)).rejects.toThrow(/CRF.decode: mask row 0 has no token/);
  });

  test('mask values other than 0/1 and masks of the wrong shape', () => {
    expect(() => crf.logPartition(emissions, [[1, 1, 1], [1, 0.5, 0]])).toThrow(/mask row 1 has value 0.5 at position 1/);
    const wrong = tf.ones([2, 4]);
    expect(() => crf.logPartition(emissions, wrong)).toThrow(/mask must have shape \[B, T\] = \[2, 3\] like emissions, got \[2, 4\]/);
    wrong.dispose();
    expect(() => crf.logPartition(emissions, [[1, 1, 1]])).toThrow(/mask must be a tensor or 2 rows/);
    expect(() => crf.logPartition(emissions, [[1, 1, 1], [1, 1]])).toThrow(/mask row 1 must have 3 entries/);
  });

  test('boolean and int32 masks are accepted', () => {
    const asBool = tf.tensor2d([[true, true, false], [true, false, false]], undefined, 'bool');
    const asInt = tf.tensor2d([[1, 1, 0], [1, 0, 0]], undefined, 'int32');
    const a = crf.logPartition(emissions, asBool);
    const b = crf.logPartition(emissions, asInt);
    // With all-zero emissions and these lengths, the two must agree exactly.
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([asBool, asInt, a, b]);
  });

  test('emissions of the wrong rank, width, dtype or size', () => {
    const rank2 = tf.zeros([2, 3]);
    expect(() => crf.logPartition(rank2 as unknown as tf.Tensor3D)).toThrow(/emissions must have shape \[B, T, 3\], got \[2, 3\]/);
    const wide = tf.zeros([2, 3, 4]) as tf.Tensor3D;
    expect(() => crf.marginals(wide)).toThrow(/emissions have 4 scores per token but the CRF has numTags = 3/);
    const ints = tf.zeros([2, 3, 3], 'int32') as tf.Tensor3D;
    expect(() => crf.decodeSync(ints)).toThrow(/emissions must be float32, got int32/);
    const noSteps = tf.zeros([2, 0, 3]) as tf.Tensor3D;
    expect(() => crf.decodeSync(noSteps)).toThrow(/no time steps/);
    const noRows = tf.zeros([0, 3, 3]) as tf.Tensor3D;
    expect(() => crf.decodeSync(noRows)).toThrow(/empty batch/);
    tf.dispose([rank2, wide, ints, noSteps, noRows]);
  });

  test('tags out of range at a real token are named; anything goes at padding', () => {
    const mask = [
      [1, 1, 1],
      [1, 1, 0],
    ];
    expect(() => crf.logLikelihood(emissions, [[0, 1, 3], [0, 1, 2]], mask)).toThrow(/tags row 0 position 2 is 3; tags must be integers in \[0, 3\)/);
    expect(() => crf.logLikelihood(emissions, [[0, 1, 2], [0, 1.5, 2]], mask)).toThrow(/tags row 1 position 1 is 1.5/);
    const ll = crf.logLikelihood(emissions, [[0, 1, 2], [0, 1, -7]], mask);
    expect(Number.isFinite(ll.dataSync()[0])).toBe(true);
    ll.dispose();
    const shortTags = tf.zeros([2, 2], 'int32');
    expect(() => crf.logLikelihood(emissions, shortTags, mask)).toThrow(/tags must have shape \[B, T\] = \[2, 3\]/);
    shortTags.dispose();
  });

  test('bad options and constructor arguments', async () => {
    expect(() => crf.logLikelihood(emissions, tags, null, { reduction: 'avg' as 'sum' })).toThrow(/unknown reduction "avg"/);
    await expect(crf.decode(emissions, null, { topK: 0 })).rejects.toThrow(/topK must be a positive integer, got 0/);
    expect(() => new CRF({ numTags: 0 })).toThrow(/numTags must be a positive integer, got 0/);
    expect(() => new CRF({ numTags: 2.5 })).toThrow(/numTags must be a positive integer/);
  });
});
