import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF, FORBIDDEN_SCORE } from '../src';
import { penaltyArrays } from '../src/constraints';
import { lengthsFromMaskValues } from '../src/inputs';
import { forwardBackwardMarginals } from '../src/marginals';
import { emissionSteps, stepMasks } from '../src/steps';
import { viterbiBacktrack, viterbiForward } from '../src/viterbi';
import * as brute from './brute-force';
import { randomizeWeights, randomProblem, useCpu } from './fixtures';

/**
 * CRF.decode and (without a gradient tape, on cpu and wasm) CRF.marginals run on typed arrays
 * (array-inference.ts). They must give what the tensor recursions give: the same paths and
 * scores, the same probabilities to float32 precision, on both backends; and marginals must stay
 * differentiable under a tape.
 */

const labels = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];

/** The tensor recursions, as CRF.decode / CRF.marginals ran them before (constraints as FORBIDDEN_SCORE). */
function tensorPath(crf: CRF, emissions: tf.Tensor3D, mask: number[][]): { tags: number[][]; scores: number[]; marginals: Float32Array } {
  const [B, T] = emissions.shape;
  const shape = lengthsFromMaskValues(mask.flat(), B, T, 'test');
  return tf.tidy(() => {
    const p = penaltyArrays(crf.constraints!, FORBIDDEN_SCORE);
    const scores = {
      transitions: tf.add(crf.transitions, tf.tensor2d(p.transitions, [crf.numTags, crf.numTags])) as tf.Tensor2D,
      start: tf.add(crf.startTransitions, tf.tensor1d(p.start)) as tf.Tensor1D,
      end: tf.add(crf.endTransitions, tf.tensor1d(p.end)) as tf.Tensor1D,
    };
    const v = viterbiForward(scores, emissionSteps(emissions, shape), stepMasks(shape, [crf.numTags]));
    const paths = viterbiBacktrack(v.pointers.dataSync(), v.final.dataSync(), shape, crf.numTags);
    let probs = forwardBackwardMarginals(scores, emissionSteps(emissions, shape), stepMasks(shape, [crf.numTags]));
    if (shape.maxLength < T) probs = tf.pad(probs, [[0, 0], [0, T - shape.maxLength], [0, 0]]);
    const zeroPadding = tf.tensor3d(mask.flat(), [B, T, 1]);
    return { tags: paths.map((x) => x.tags), scores: paths.map((x) => x.score), marginals: tf.mul(probs, zeroPadding).dataSync() as Float32Array };
  });
}

async function checkBackend(): Promise<void> {
  const random = new SeededRandom(17);
  const crf = new CRF({ numTags: labels.length, constraints: allowedTransitions('BIO', labels) });
  for (let trial = 0; trial < 4; trial++) {
    randomizeWeights(crf, random, 2);
    // Scale 6 makes near-ties and long forbidden stretches likely; a 60-step row covers length.
    const p = randomProblem(random, 5, trial === 0 ? 60 : 9, labels.length, 6);
    const emissions = tf.tensor3d(p.emissions);
    const want = tensorPath(crf, emissions, p.mask);

    expect(await crf.decode(emissions, p.mask)).toEqual(want.tags);
    expect(crf.decodeSync(emissions, p.mask)).toEqual(want.tags);
    // The best of the top-k paths (still on tensors) is the Viterbi path, with the same score.
    const top = await crf.decode(emissions, p.mask, { topK: 2 });
    top.forEach((row, b) => {
      expect(row[0].tags).toEqual(want.tags[b]);
      expect(row[0].score).toBeCloseTo(want.scores[b], 3);
    });

    const probs = crf.marginals(emissions, p.mask);
    const got = probs.dataSync();
    expect(got.length).toBe(want.marginals.length);
    let worst = 0;
    got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want.marginals[i]))));
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([emissions, probs]);
  }

  // Under a tape the marginals are the differentiable tensor version: a gradient flows to the
  // emissions (from arrays it could not), and it equals the tensor version's gradient.
  const p = randomProblem(random, 3, 6, labels.length, 2);
  const emissions = tf.tensor3d(p.emissions);
  const weights = tf.tensor3d(new SeededRandom(5).normalArray(3 * 6 * labels.length, 1), [3, 6, labels.length]);
  const grad = tf.grad((e: tf.Tensor) => tf.sum(tf.mul(crf.marginals(e as tf.Tensor3D, p.mask), weights)))(emissions);
  const [B, T] = emissions.shape;
  const shape = lengthsFromMaskValues(p.mask.flat(), B, T, 'test');
  const reference = tf.grad((e: tf.Tensor) => {
    const pen = penaltyArrays(crf.constraints!, FORBIDDEN_SCORE);
    const scores = {
      transitions: tf.add(crf.transitions, tf.tensor2d(pen.transitions, [crf.numTags, crf.numTags])) as tf.Tensor2D,
      start: tf.add(crf.startTransitions, tf.tensor1d(pen.start)) as tf.Tensor1D,
      end: tf.add(crf.endTransitions, tf.tensor1d(pen.end)) as tf.Tensor1D,
    };
    const probs = forwardBackwardMarginals(scores, emissionSteps(e as tf.Tensor3D, shape), stepMasks(shape, [crf.numTags]));
    return tf.sum(tf.mul(tf.mul(probs, tf.tensor3d(p.mask.flat(), [B, T, 1])), weights));
  })(emissions);
  expect(tf.sum(tf.abs(grad)).dataSync()[0]).toBeGreaterThan(0);
  const g = grad.dataSync();
  const r = reference.dataSync();
  g.forEach((v, i) => expect(Math.abs(v - r[i])).toBeLessThan(1e-5));
  tf.dispose([emissions, weights, grad, reference]);
  crf.dispose();
}

describe('CRF marginals in scaled probability space', () => {
  test('a row that underflows there is computed in log space instead, and the others in the batch are not affected', async () => {
    await useCpu();
    const crf = new CRF({ numTags: labels.length, constraints: allowedTransitions('BIO', labels) });
    randomizeWeights(crf, new SeededRandom(3), 1);
    const far = -2000;
    // Row 0: token 0 is surely O; token 1's best tag by 2000 nats is I-PER, which cannot follow O.
    // Every path the constraints allow then scores ~1000 below that tag, so each scaled
    // probability of token 1 underflows to 0: the scaled recursion must give up on this row.
    const row0 = [
      [0, far, far, far, far],
      [-1000, -1000, 0, -1000.5, far],
      [0, 0.5, 0.2, -0.3, 0.1],
    ];
    const row1 = [
      [0.3, -0.2, 0.1, 0.4, -0.5],
      [0.2, 0.1, -0.4, 0.3, 0.6],
      [0, 0, 0, 0, 0],
    ];
    const mask = [
      [1, 1, 1],
      [1, 1, 0],
    ];
    const emissions = tf.tensor3d([row0, row1]);
    // The reference: every tag sequence enumerated in float64 (forbidden steps at FORBIDDEN_SCORE).
    const pen = penaltyArrays(crf.constraints!, FORBIDDEN_SCORE);
    const K = labels.length;
    const transitions = crf.transitions.arraySync().map((r, i) => r.map((v, j) => v + pen.transitions[i * K + j]));
    const start = Array.from(crf.startTransitions.dataSync(), (v, j) => v + pen.start[j]);
    const end = Array.from(crf.endTransitions.dataSync(), (v, j) => v + pen.end[j]);
    const want = brute.marginals({ transitions, start, end }, [row0, row1], [3, 2], 3).flat(2);
    const got = crf.marginals(emissions, mask).dataSync();
    expect(Array.from(got).every(Number.isFinite)).toBe(true);
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));
    // Token 1 of row 0 is B-PER or B-LOC (O is there too, 1000 below I-PER like B-PER): real mass, summing to 1.
    const token1 = Array.from(got.subarray(5, 10));
    expect(token1.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(token1[2]).toBe(0);
    expect(Math.max(...token1)).toBeGreaterThan(0.2);
    tf.dispose(emissions);
    crf.dispose();
  });
});

describe('CRF inference on arrays', () => {
  test('cpu: decode and marginals equal the tensor recursions', async () => {
    await useCpu();
    await checkBackend();
  });

  test('wasm: decode and marginals equal the tensor recursions', async () => {
    setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    expect(await tf.setBackend('wasm')).toBe(true);
    await checkBackend();
    await useCpu();
  });
});
