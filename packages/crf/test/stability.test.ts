import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF } from '../src';
import { randomizeWeights, randomProblem, useCpu } from './fixtures';

beforeAll(useCpu);

const allFinite = (t: tf.Tensor) => Array.from(t.dataSync()).every(Number.isFinite);

describe('numerical stability in float32', () => {
  test.each([
    ['unconstrained', false],
    ['BIO-constrained, constrainTraining', true],
  ])('emissions of ±1e4 give finite likelihood, gradients, marginals and a decode (%s)', async (_name, constrained) => {
    const labels = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
    const random = new SeededRandom(21);
    const crf = new CRF({
      numTags: labels.length,
      constraints: constrained ? allowedTransitions('BIO', labels) : null,
      constrainTraining: constrained,
    });
    randomizeWeights(crf, random);
    const p = randomProblem(random, 4, 6, labels.length);
    // Extremes: every emission is +1e4 or -1e4, with ties between tags.
    const extremes = p.emissions.map((row) => row.map((tok) => tok.map((v) => (v > 0 ? 1e4 : -1e4))));
    const emissions = tf.tensor3d(extremes);
    const loss = (e: tf.Tensor) => tf.neg(crf.logLikelihood(e as tf.Tensor3D, p.tags, p.mask, { reduction: 'mean' })) as tf.Scalar;
    const { value, grads } = tf.variableGrads(() => loss(emissions), crf.trainableVariables());
    const emissionGrad = tf.grad(loss)(emissions);
    expect(allFinite(value)).toBe(true);
    expect(allFinite(emissionGrad)).toBe(true);
    for (const g of Object.values(grads)) expect(allFinite(g)).toBe(true);
    const logZ = crf.logPartition(emissions, p.mask);
    expect(allFinite(logZ)).toBe(true);
    const probs = crf.marginals(emissions, p.mask);
    expect(allFinite(probs)).toBe(true);
    const sums = tf.sum(probs, 2).arraySync() as number[][];
    sums.forEach((row, b) => row.forEach((s, t) => expect(s).toBeCloseTo(t < p.lengths[b] ? 1 : 0, 4)));
    const paths = await crf.decode(emissions, p.mask, { topK: 3 });
    for (const row of paths) for (const path of row) expect(Number.isFinite(path.score)).toBe(true);
    tf.dispose([emissions, value, emissionGrad, logZ, probs, ...Object.values(grads)]);
    crf.dispose();
  });

  test('a large emission gap gives a log-likelihood near 0 for the winning path, not NaN', () => {
    const crf = new CRF({ numTags: 2 });
    // Tag 0 wins each of the 3 tokens by 2e4.
    const emissions = tf.tensor3d([[[1e4, -1e4], [1e4, -1e4], [1e4, -1e4]]]);
    const ll = crf.logLikelihood(emissions, [[0, 0, 0]]);
    expect(ll.dataSync()[0]).toBeCloseTo(0, 2);
    tf.dispose([emissions, ll]);
    crf.dispose();
  });
});
