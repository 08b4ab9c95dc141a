import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@trimod/core';
import { CRF } from '../src';
import * as brute from './brute-force';
import { randomizeWeights, randomProblem, useCpu } from './fixtures';

beforeAll(useCpu);

const K = 3;
const T = 4;
const B = 4;
const TRIALS = 5;

/** Runs `check` on TRIALS random problems (each with fresh random weights) from one seed. */
function eachProblem(seed: number, check: (crf: CRF, tables: brute.Tables, p: ReturnType<typeof randomProblem>) => void | Promise<void>) {
  return async () => {
    const random = new SeededRandom(seed);
    for (let trial = 0; trial < TRIALS; trial++) {
      const crf = new CRF({ numTags: K });
      const tables = randomizeWeights(crf, random);
      await check(crf, tables, randomProblem(random, B, T, K));
      crf.dispose();
    }
  };
}

function expectClose(actual: number[], expected: number[], digits: number) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], digits));
}

describe('CRF against brute-force enumeration', () => {
  test(
    'log partition equals the log-sum-exp over every sequence',
    eachProblem(1, (crf, tables, p) => {
      const logZ = tf.tidy(() => crf.logPartition(tf.tensor3d(p.emissions), tf.tensor2d(p.mask)).arraySync());
      expectClose(logZ, brute.logPartition(tables, p.emissions, p.lengths), 4);
    }),
  );

  test(
    'log-likelihood per row and every reduction',
    eachProblem(2, (crf, tables, p) => {
      const expected = brute.logLikelihood(tables, p.emissions, p.tags, p.lengths);
      const ll = (reduction: 'none' | 'sum' | 'mean' | 'tokenMean') =>
        tf.tidy(() => crf.logLikelihood(tf.tensor3d(p.emissions), tf.tensor2d(p.tags, undefined, 'int32'), tf.tensor2d(p.mask), { reduction }).arraySync());
      const sum = expected.reduce((a, b) => a + b, 0);
      const tokens = p.lengths.reduce((a, b) => a + b, 0);
      expectClose(ll('none') as number[], expected, 4);
      expect(ll('sum')).toBeCloseTo(sum, 3);
      expect(ll('mean')).toBeCloseTo(sum / B, 4);
      expect(ll('tokenMean')).toBeCloseTo(sum / tokens, 4);
    }),
  );

  test(
    'Viterbi returns the highest-scoring sequence of each row length',
    eachProblem(3, async (crf, tables, p) => {
      const best = brute.rankedPaths(tables, p.emissions, p.lengths).map((paths) => paths[0].tags);
      const emissions = tf.tensor3d(p.emissions);
      const mask = tf.tensor2d(p.mask);
      expect(await crf.decode(emissions, mask)).toEqual(best);
      expect(crf.decodeSync(emissions, mask)).toEqual(best);
      tf.dispose([emissions, mask]);
    }),
  );

  test(
    'top-k returns the k best sequences in order with their scores',
    eachProblem(4, async (crf, tables, p) => {
      const ranked = brute.rankedPaths(tables, p.emissions, p.lengths);
      const emissions = tf.tensor3d(p.emissions);
      for (const k of [1, 2, 5]) {
        const paths = await crf.decode(emissions, p.mask, { topK: k });
        paths.forEach((row, b) => {
          const expected = ranked[b].slice(0, k);
          // A row of length L has only K^L sequences; top-k returns no more than exist.
          expect(row).toHaveLength(expected.length);
          expect(row.map((x) => x.tags)).toEqual(expected.map((x) => x.tags));
          expectClose(row.map((x) => x.score), expected.map((x) => x.score), 4);
        });
      }
      emissions.dispose();
    }),
  );

  test('top-k with k larger than the number of sequences returns all of them, best first', async () => {
    const random = new SeededRandom(5);
    const crf = new CRF({ numTags: 2 });
    const tables = randomizeWeights(crf, random);
    const p = randomProblem(random, 1, 3, 2);
    const emissions = tf.tensor3d(p.emissions);
    const [row] = await crf.decode(emissions, null, { topK: 20 });
    const ranked = brute.rankedPaths(tables, p.emissions, [3])[0];
    expect(row.map((x) => x.tags)).toEqual(ranked.map((x) => x.tags));
    expect(row).toHaveLength(8);
    emissions.dispose();
    crf.dispose();
  });

  test(
    'marginals sum to 1 at real tokens, are 0 at padding and equal brute-force marginals',
    eachProblem(6, (crf, tables, p) => {
      const probs = tf.tidy(() => crf.marginals(tf.tensor3d(p.emissions), tf.tensor2d(p.mask)).arraySync());
      const expected = brute.marginals(tables, p.emissions, p.lengths, T);
      probs.forEach((row, b) =>
        row.forEach((dist, t) => {
          const total = dist.reduce((a, c) => a + c, 0);
          expect(total).toBeCloseTo(t < p.lengths[b] ? 1 : 0, 5);
          expectClose(dist, expected[b][t], 5);
        }),
      );
    }),
  );

  test('a single tag: every sequence is certain', async () => {
    const crf = new CRF({ numTags: 1 });
    const emissions = tf.tensor3d([[[3], [-2], [5]], [[1], [0], [0]]]);
    const mask = [
      [1, 1, 1],
      [1, 1, 0],
    ];
    const ll = crf.logLikelihood(emissions, [[0, 0, 0], [0, 0, 0]], mask, { reduction: 'none' });
    expectClose(Array.from(ll.dataSync()), [0, 0], 5);
    expect(await crf.decode(emissions, mask)).toEqual([[0, 0, 0], [0, 0]]);
    const probs = crf.marginals(emissions, mask);
    expect(probs.arraySync()).toEqual([[[1], [1], [1]], [[1], [1], [0]]]);
    tf.dispose([emissions, ll, probs]);
    crf.dispose();
  });

  test('length-1 sequences: log-likelihood, decode and marginals', async () => {
    const random = new SeededRandom(7);
    const crf = new CRF({ numTags: K });
    const tables = randomizeWeights(crf, random);
    const p = randomProblem(random, 3, 1, K);
    const emissions = tf.tensor3d(p.emissions);
    const ll = tf.tidy(() => crf.logLikelihood(emissions, p.tags, null, { reduction: 'none' }).arraySync());
    expectClose(ll as number[], brute.logLikelihood(tables, p.emissions, p.tags, p.lengths), 5);
    expect(await crf.decode(emissions)).toEqual(brute.rankedPaths(tables, p.emissions, p.lengths).map((x) => x[0].tags));
    const probs = tf.tidy(() => crf.marginals(emissions).arraySync());
    expect(probs[0][0].reduce((a, c) => a + c, 0)).toBeCloseTo(1, 5);
    emissions.dispose();
    crf.dispose();
  });
});
