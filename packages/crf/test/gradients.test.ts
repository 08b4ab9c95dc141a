import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@trimod/core';
import { CRF } from '../src';
import * as brute from './brute-force';
import { randomizeWeights, randomProblem, useCpu } from './fixtures';

beforeAll(useCpu);

const K = 3;
const T = 4;
const B = 3;
const H = 1e-5;

/**
 * Central differences of Σ_b w_b · LL_b (brute force, float64) with respect to one number that
 * `poke` adds `delta` to. Per-row weights make a gradient that mixes rows up show.
 */
function numericGrad(objective: () => number, poke: (delta: number) => void): number {
  poke(H);
  const up = objective();
  poke(-2 * H);
  const down = objective();
  poke(H);
  return (up - down) / (2 * H);
}

describe('gradients of the log-likelihood', () => {
  test.each([1, 2, 3])('equal numeric differences of the brute-force log-likelihood (seed %i)', (seed) => {
    const random = new SeededRandom(seed);
    const crf = new CRF({ numTags: K });
    const tables = randomizeWeights(crf, random);
    const p = randomProblem(random, B, T, K);
    const rowWeights = Array.from({ length: B }, () => 0.5 + random.random());
    const objective = () =>
      brute.logLikelihood(tables, p.emissions, p.tags, p.lengths).reduce((acc, ll, b) => acc + rowWeights[b] * ll, 0);

    const emissions = tf.tensor3d(p.emissions);
    const weights = tf.tensor1d(rowWeights);
    const loss = (e: tf.Tensor) => tf.sum(tf.mul(crf.logLikelihood(e as tf.Tensor3D, p.tags, p.mask, { reduction: 'none' }), weights)) as tf.Scalar;
    const emissionGrad = tf.tidy(() => tf.grad(loss)(emissions).arraySync()) as number[][][];
    const { grads, value } = tf.variableGrads(() => loss(emissions), crf.trainableVariables());
    expect(value.dataSync()[0]).toBeCloseTo(objective(), 4);

    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < K; j++) {
          const expected = numericGrad(objective, (d) => (p.emissions[b][t][j] += d));
          // Padding gets exactly zero gradient (its emissions must not matter).
          if (t >= p.lengths[b]) expect(emissionGrad[b][t][j]).toBe(0);
          expect(emissionGrad[b][t][j]).toBeCloseTo(expected, 4);
        }
      }
    }
    const transitionGrad = grads[crf.transitions.name].arraySync() as number[][];
    const startGrad = grads[crf.startTransitions.name].arraySync() as number[];
    const endGrad = grads[crf.endTransitions.name].arraySync() as number[];
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        expect(transitionGrad[i][j]).toBeCloseTo(numericGrad(objective, (d) => (tables.transitions[i][j] += d)), 4);
      }
      expect(startGrad[i]).toBeCloseTo(numericGrad(objective, (d) => (tables.start[i] += d)), 4);
      expect(endGrad[i]).toBeCloseTo(numericGrad(objective, (d) => (tables.end[i] += d)), 4);
    }
    tf.dispose([emissions, weights, value, ...Object.values(grads)]);
    crf.dispose();
  });

  test('a few Adam steps on the negative log-likelihood raise the likelihood of the gold tags', () => {
    const random = new SeededRandom(9);
    const crf = new CRF({ numTags: K });
    const p = randomProblem(random, B, T, K);
    const emissions = tf.variable(tf.tensor3d(p.emissions));
    const optimizer = tf.train.adam(0.1);
    const nll = () => tf.neg(crf.logLikelihood(emissions, p.tags, p.mask, { reduction: 'mean' })) as tf.Scalar;
    const before = tf.tidy(() => nll().dataSync()[0]);
    for (let i = 0; i < 20; i++) optimizer.minimize(nll, true, [emissions, ...crf.trainableVariables()])?.dispose();
    const after = tf.tidy(() => nll().dataSync()[0]);
    expect(after).toBeLessThan(before - 1);
    optimizer.dispose();
    emissions.dispose();
    crf.dispose();
  });
});
