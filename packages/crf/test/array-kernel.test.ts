import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF } from '../src';
import { arrayCrfUsable, setArrayCrfKernels } from '../src/array-kernels';
import { CRF_FORWARD } from '../src/webgpu/crf-webgpu';
import { randomizeWeights, randomProblem } from './fixtures';

/**
 * TrimodCrfForward on cpu and wasm (src/array-kernels.ts) against the tensor recursions it
 * replaces (the same CRF with the kernel switched off): log-likelihood, log Z without a tape,
 * and every gradient, for padded batches, one-token rows, a batch of one, with and without BIO
 * constraints in training.
 */
const labels = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-MISC', 'I-MISC'];

interface Outcome {
  perRow: number[];
  logZ: number[];
  grads: Record<string, number[]>;
  emissionGrad: number[];
  kernels: string[];
}

async function run(crf: CRF, p: ReturnType<typeof randomProblem>, kernel: boolean): Promise<Outcome> {
  const before = setArrayCrfKernels(kernel);
  try {
    const emissions = tf.tensor3d(p.emissions);
    const mask = tf.tensor2d(p.mask);
    const tags = tf.tensor2d(p.tags, undefined, 'int32');
    const rowWeights = tf.tensor1d(p.lengths.map((_, b) => 1 + b / 3));
    const loss = (e: tf.Tensor) => tf.neg(tf.sum(tf.mul(crf.logLikelihood(e as tf.Tensor3D, tags, mask, { reduction: 'none' }), rowWeights))) as tf.Scalar;
    let outcome: Omit<Outcome, 'kernels'> | undefined;
    const profile = await tf.profile(() => {
      const perRow = crf.logLikelihood(emissions, tags, mask, { reduction: 'none' });
      const logZ = crf.logPartition(emissions, mask);
      const { value, grads } = tf.variableGrads(() => loss(emissions), crf.trainableVariables());
      const emissionGrad = tf.grad(loss)(emissions);
      outcome = {
        perRow: Array.from(perRow.dataSync()),
        logZ: Array.from(logZ.dataSync()),
        grads: Object.fromEntries(Object.entries(crf.namedWeights()).map(([name, v]) => [name, Array.from(grads[v.name].dataSync())])),
        emissionGrad: Array.from(emissionGrad.dataSync()),
      };
      tf.dispose([perRow, logZ, value, emissionGrad, ...Object.values(grads)]);
    });
    tf.dispose([emissions, mask, tags, rowWeights]);
    return { ...outcome!, kernels: [...new Set(profile.kernels.map((k) => k.name))] };
  } finally {
    setArrayCrfKernels(before);
  }
}

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual).toHaveLength(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  // Not vacuous: the compared values are far from zero somewhere.
  expect({ what, scale: scale > 0.05 }).toEqual({ what, scale: true });
  const worst = Math.max(...actual.map((v, i) => Math.abs(v - expected[i]) / Math.max(1, Math.abs(expected[i]))));
  expect({ what, worst, ok: worst <= 2e-5 }).toEqual({ what, worst, ok: true });
}

const cases: Array<[string, number, number, number, boolean]> = [
  // name, seed, batch, steps, constrained training
  ['padded batch, unconstrained', 1, 6, 9, false],
  ['padded batch, BIO constraints in training', 2, 5, 12, true],
  ['a batch of one', 3, 1, 7, true],
  ['one-token rows', 4, 4, 1, false],
];

describe.each(['cpu', 'wasm'])('TrimodCrfForward on %s', (backend) => {
  beforeAll(async () => {
    tf.env().set('IS_TEST', true);
    if (backend === 'wasm') setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    expect(await tf.setBackend(backend)).toBe(true);
  });

  test.each(cases)('gives the tensor recursions’ log-likelihood, log Z and gradients: %s', async (_name, seed, batch, steps, constrained) => {
    const random = new SeededRandom(seed);
    const crf = new CRF({ numTags: labels.length, constraints: allowedTransitions('BIO', labels), constrainTraining: constrained });
    randomizeWeights(crf, random, 2);
    const p = randomProblem(random, batch, steps, labels.length, 3);
    // Valid BIO gold tags (B-/O only), so constrained training gives a normal-sized loss.
    p.tags = p.tags.map((row) => row.map((tag) => (tag % 2 === 1 ? tag : 0)));
    const numTensors = tf.memory().numTensors;
    const withKernel = await run(crf, p, true);
    const afterKernel = tf.memory().numTensors;
    const tensors = await run(crf, p, false);
    expect({ afterKernel, afterTensors: tf.memory().numTensors }).toEqual({ afterKernel: numTensors, afterTensors: numTensors });

    expect(withKernel.kernels).toContain(CRF_FORWARD);
    expect(tensors.kernels).not.toContain(CRF_FORWARD);
    expectClose(withKernel.perRow, tensors.perRow, 'log-likelihood per row');
    expectClose(withKernel.logZ, tensors.logZ, 'log Z');
    expectClose(withKernel.emissionGrad, tensors.emissionGrad, 'd/d emissions');
    for (const name of Object.keys(tensors.grads)) {
      // With one token per row no transition is taken: its gradient is exactly zero both ways.
      if (steps === 1 && name === 'transitions') expect(withKernel.grads[name].every((g, i) => g === 0 && tensors.grads[name][i] === 0)).toBe(true);
      else expectClose(withKernel.grads[name], tensors.grads[name], `d/d ${name}`);
    }
    // Padding's emissions get exactly zero gradient.
    const K = labels.length;
    p.lengths.forEach((length, b) => {
      for (let t = length; t < steps; t++) for (let j = 0; j < K; j++) expect(withKernel.emissionGrad[(b * steps + t) * K + j]).toBe(0);
    });
    crf.dispose();
  });

  test('says which input is wrong', () => {
    expect(arrayCrfUsable()).toBe(true);
    const emissions = tf.zeros([2, 3, 4]);
    const scores = { transitions: tf.zeros([4, 4]), start: tf.zeros([4]), end: tf.zeros([3]) };
    expect(() => tf.engine().runKernel(CRF_FORWARD, { emissions, ...scores }, { lengths: [3, 3], statistics: true })).toThrow(/start and end \[K\]; got \[2,3,4\], \[4,4\], \[4\], \[3\]/);
    scores.end.dispose();
    scores.end = tf.zeros([4]);
    expect(() => tf.engine().runKernel(CRF_FORWARD, { emissions, ...scores }, { lengths: [3, 4], statistics: true })).toThrow(/attrs.lengths must hold 2 integers in 1..3/);
    tf.dispose([emissions, ...Object.values(scores)]);
  });
});
