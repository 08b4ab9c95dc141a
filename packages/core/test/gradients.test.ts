/**
 * Gradients of the ops training uses, on wasm and cpu, registered as @trimod/core registers them:
 * tfjs's own (tfjs-setup), and ours (src/kernels/gradients) for the kernels tfjs has none for or
 * a wrong one. Checked wasm against cpu (same numbers up to float32 rounding) and cpu against
 * numeric central differences (the gradient is right, not merely the same on both backends), so
 * the cases guard tfjs's gradients as well as ours. Every gradient of ours must be exercised by
 * some case here.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../src/tfjs-setup';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'node:path';
import { SeededRandom } from '../src/random';
import { registerTrainingKernels } from '../src/kernels';
import { trainingGradientConfigs } from '../src/kernels/gradients';

type Domain = 'any' | 'positive';

interface GradCase {
  name: string;
  /** Shapes of the differentiated inputs. */
  shapes: number[][];
  /** 'positive' keeps inputs in [0.5, 2] (log, sqrt, division, ...). One entry per input or one for all. */
  domain?: Domain | Domain[];
  /** The function; must return a scalar. Constant tensors it needs are made inside. */
  f: (...xs: tf.Tensor[]) => tf.Scalar;
  /** Looser numeric tolerance for functions with large second derivatives. */
  numericTol?: number;
}

/** A fixed random weighting, so each output element gets a different upstream gradient. */
function weightedSum(y: tf.Tensor, seed = 7): tf.Scalar {
  const w = tf.tensor(new SeededRandom(seed).uniformArray(y.size, 1), y.shape, 'float32');
  return tf.sum(tf.mul(tf.cast(y, 'float32'), w));
}

/**
 * Input values on a 1/16 grid, shifted by a different fraction for each input: no value sits
 * within 1/64 of 0, of +-0.5 or of a value of another input, so kinks (relu, abs, clip, max,
 * maximum, top-k ties) are always farther away than the finite-difference step.
 */
function inputValues(shape: number[], index: number, domain: Domain, rng: SeededRandom): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const shift = [0.5, 0.75, 0.25][index % 3];
  const grid = rng.shuffle(Array.from({ length: 48 }, (_, j) => (j - 24 + shift) / 16));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    // Beyond 48 values, repeat the grid one unit higher: still distinct, still off the kinks.
    const v = grid[i % 48] + Math.floor(i / 48);
    out[i] = domain === 'positive' ? 0.5 + (v + 1.5) / 2 : v;
  }
  return out;
}

const ints = (values: number[], shape?: number[]) => tf.tensor(values, shape ?? [values.length], 'int32');

const CASES: GradCase[] = [
  // Element-wise arithmetic, with broadcasting.
  { name: 'add / sub with broadcast', shapes: [[2, 3], [3]], f: (a, b) => weightedSum(tf.sub(tf.add(a, b), tf.mul(b, 2))) },
  { name: 'mul with broadcast', shapes: [[2, 3], [2, 1]], f: (a, b) => weightedSum(tf.mul(a, b)) },
  { name: 'div', shapes: [[2, 3], [2, 3]], domain: ['any', 'positive'], f: (a, b) => weightedSum(tf.div(a, b)) },
  { name: 'addN', shapes: [[2, 2], [2, 2]], f: (a, b) => weightedSum(tf.addN([a, b, a])) },
  { name: 'maximum / minimum with broadcast', shapes: [[2, 3], [3]], f: (a, b) => weightedSum(tf.add(tf.maximum(a, b), tf.mul(tf.minimum(a, b), 3))) },
  { name: 'squared difference', shapes: [[2, 3], [2, 3]], f: (a, b) => weightedSum(tf.squaredDifference(a, b)) },
  { name: 'pow', shapes: [[2, 3], [2, 3]], domain: 'positive', f: (a, b) => weightedSum(tf.pow(a, b)) },
  { name: 'prelu', shapes: [[2, 3], [3]], domain: ['any', 'positive'], f: (x, alpha) => weightedSum(tf.prelu(x, alpha)) },
  // Unary functions.
  { name: 'neg / abs / sign', shapes: [[2, 4]], f: (x) => weightedSum(tf.add(tf.neg(tf.abs(x)), tf.mul(tf.sign(x), x))) },
  { name: 'square / sqrt', shapes: [[2, 4]], domain: 'positive', f: (x) => weightedSum(tf.add(tf.square(x), tf.sqrt(x))) },
  { name: 'rsqrt / reciprocal', shapes: [[2, 4]], domain: 'positive', f: (x) => weightedSum(tf.add(tf.rsqrt(x), tf.reciprocal(x))) },
  { name: 'exp / log / log1p', shapes: [[2, 4]], domain: 'positive', f: (x) => weightedSum(tf.add(tf.exp(x), tf.add(tf.log(x), tf.log1p(x)))) },
  { name: 'sigmoid', shapes: [[3, 4]], f: (x) => weightedSum(tf.sigmoid(x)) },
  { name: 'tanh', shapes: [[3, 4]], f: (x) => weightedSum(tf.tanh(x)) },
  { name: 'relu / relu6 / leakyRelu', shapes: [[3, 4]], f: (x) => weightedSum(tf.add(tf.relu(x), tf.add(tf.relu6(tf.mul(x, 5)), tf.leakyRelu(x, 0.3)))) },
  { name: 'elu / softplus', shapes: [[3, 4]], f: (x) => weightedSum(tf.add(tf.elu(x), tf.softplus(x))) },
  { name: 'sin / cos', shapes: [[3, 4]], f: (x) => weightedSum(tf.add(tf.sin(x), tf.cos(x))) },
  { name: 'clipByValue', shapes: [[3, 4]], f: (x) => weightedSum(tf.clipByValue(x, -0.5, 0.5)) },
  { name: 'cast / identity (clone)', shapes: [[2, 3]], f: (x) => weightedSum(tf.clone(tf.cast(x, 'float32'))) },
  { name: 'dropout (fixed-seed mask via mul)', shapes: [[4, 5]], f: (x) => weightedSum(tf.dropout(x, 0.5, undefined, 42)) },
  // Layout.
  { name: 'reshape / expandDims / squeeze', shapes: [[2, 6]], f: (x) => weightedSum(tf.squeeze(tf.expandDims(tf.reshape(x, [3, 4]), 1))) },
  { name: 'transpose', shapes: [[2, 3, 4]], f: (x) => weightedSum(tf.transpose(x, [2, 0, 1])) },
  { name: 'reverse', shapes: [[2, 3, 2]], f: (x) => weightedSum(tf.reverse(x, [1])) },
  { name: 'slice', shapes: [[3, 4, 2]], f: (x) => weightedSum(tf.slice(x, [1, 0, 1], [2, -1, 1])) },
  { name: 'pad', shapes: [[2, 3]], f: (x) => weightedSum(tf.pad(x, [[1, 0], [2, 1]])) },
  { name: 'concat', shapes: [[2, 3], [2, 2]], f: (a, b) => weightedSum(tf.concat([a, b, a], 1)) },
  { name: 'split', shapes: [[2, 6]], f: (x) => weightedSum(tf.mul(tf.split(x, [2, 4], 1)[1], 2)) },
  { name: 'stack / unstack', shapes: [[3, 2], [3, 2]], f: (a, b) => weightedSum(tf.unstack(tf.stack([a, b], 1), 2)[1]) },
  { name: 'tile', shapes: [[2, 3]], f: (x) => weightedSum(tf.tile(x, [2, 3])) },
  // Reductions and normalisations.
  { name: 'sum / mean', shapes: [[3, 4]], f: (x) => weightedSum(tf.add(tf.sum(x, 1), tf.mean(x, 1))) },
  { name: 'max / min', shapes: [[3, 4]], f: (x) => weightedSum(tf.add(tf.max(x, 1), tf.sum(tf.min(x, 0, true)))) },
  { name: 'logSumExp', shapes: [[3, 5]], f: (x) => weightedSum(tf.logSumExp(x, -1)) },
  { name: 'softmax', shapes: [[3, 5]], f: (x) => weightedSum(tf.softmax(x)) },
  { name: 'logSoftmax', shapes: [[3, 5]], f: (x) => weightedSum(tf.logSoftmax(x)) },
  {
    name: 'softmax cross-entropy loss',
    shapes: [[4, 3]],
    f: (logits) => tf.losses.softmaxCrossEntropy(tf.oneHot(ints([0, 2, 1, 2]), 3), logits) as tf.Scalar,
  },
  { name: 'cumsum', shapes: [[2, 4]], f: (x) => weightedSum(tf.cumsum(x, 1)) },
  // Products and convolutions.
  { name: 'matMul 2-D with transposes', shapes: [[3, 4], [5, 4]], f: (a, b) => weightedSum(tf.matMul(a, b, false, true)) },
  { name: 'matMul batched', shapes: [[2, 3, 4], [2, 4, 2]], f: (a, b) => weightedSum(tf.matMul(a, b)) },
  { name: 'matMul batched, transposed a', shapes: [[2, 4, 3], [2, 4, 2]], f: (a, b) => weightedSum(tf.matMul(a, b, true, false)) },
  { name: 'matMul with a broadcast batch', shapes: [[2, 3, 4], [1, 4, 2]], f: (a, b) => weightedSum(tf.matMul(a, b)) },
  {
    name: 'conv1d, same padding (hashtag segmenter CNN)',
    shapes: [[2, 6, 3], [3, 3, 4]],
    f: (x, filter) => weightedSum(tf.conv1d(x as tf.Tensor3D, filter as tf.Tensor3D, 1, 'same')),
  },
  {
    name: 'conv2d, stride 2, valid padding',
    shapes: [[1, 5, 5, 2], [2, 2, 2, 3]],
    f: (x, filter) => weightedSum(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 2, 'valid')),
  },
  { name: 'maxPool / avgPool', shapes: [[1, 4, 4, 2]], f: (x) => tf.add(weightedSum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')), weightedSum(tf.avgPool(x as tf.Tensor4D, 2, 1, 'same'), 8)) },
  // Indexing and selection.
  { name: 'gather (embedding lookup, repeated ids)', shapes: [[5, 3]], f: (table) => weightedSum(tf.gather(table, ints([4, 1, 1, 0, 4, 4], [2, 3]))) },
  { name: 'gather on an inner axis', shapes: [[2, 4, 3]], f: (x) => weightedSum(tf.gather(x, ints([3, 0, 3]), 1)) },
  { name: 'gather with batchDims 1', shapes: [[2, 4, 3]], f: (x) => weightedSum(tf.gather(x, ints([1, 1, 2, 3, 0, 3], [2, 3]), 1, 1)) },
  {
    name: 'where / select with a mask computed from the input',
    shapes: [[3, 4], [3, 4]],
    f: (a, b) => weightedSum(tf.where(tf.logicalOr(tf.greater(a, 0), tf.lessEqual(b, -1)), tf.mul(a, 2), b)),
  },
  { name: 'topk values', shapes: [[3, 5]], f: (x) => weightedSum(tf.topk(x, 2).values) },
  {
    name: 'oneHot(argMax) and comparisons carry no gradient',
    shapes: [[3, 4]],
    f: (x) => {
      const picked = tf.cast(tf.oneHot(tf.argMax(x, -1), 4), 'float32');
      const flags = tf.cast(tf.logicalAnd(tf.notEqual(x, 0), tf.logicalNot(tf.equal(x, 1))), 'float32');
      const ranks = tf.add(tf.cast(tf.greaterEqual(x, 0), 'float32'), tf.cast(tf.less(x, -1), 'float32'));
      const rounded = tf.add(tf.add(tf.floor(x), tf.ceil(x)), tf.add(tf.round(x), tf.step(x)));
      const tests = tf.cast(tf.logicalOr(tf.isNaN(x), tf.logicalOr(tf.isInf(x), tf.isFinite(x))), 'float32');
      const likes = tf.add(tf.zerosLike(x), tf.onesLike(x));
      const argMin = tf.cast(tf.argMin(x, 0), 'float32');
      return weightedSum(tf.add(tf.mul(x, tf.add(picked, tf.add(flags, ranks))), tf.add(tf.add(rounded, tests), tf.add(likes, tf.sum(argMin)))));
    },
  },
];

const BACKENDS = ['cpu', 'wasm'] as const;

function makeInputs(c: GradCase): Float32Array[] {
  const rng = new SeededRandom(c.name.length * 101 + 17);
  return c.shapes.map((shape, i) => {
    const domain = Array.isArray(c.domain) ? c.domain[i] : (c.domain ?? 'any');
    return inputValues(shape, i, domain, rng);
  });
}

/** c.f's value (as a one-element row) and analytic gradients at `values` on the current backend. */
function analyticGradients(c: GradCase, values: Float32Array[]): number[][] {
  return tf.tidy(() => {
    const xs = values.map((v, i) => tf.tensor(v, c.shapes[i], 'float32'));
    const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => c.f(...args))(xs);
    return [[value.dataSync()[0]], ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

/** Central differences of c.f (evaluated on cpu in float32) for every input element. */
function numericGradients(c: GradCase, values: Float32Array[], eps = 2e-3): number[][] {
  const evalAt = (vs: Float32Array[]) =>
    tf.tidy(() => c.f(...vs.map((v, i) => tf.tensor(v, c.shapes[i], 'float32'))).dataSync()[0]);
  return values.map((v, which) => {
    const grad: number[] = [];
    for (let k = 0; k < v.length; k++) {
      const plus = values.map((u) => u.slice());
      const minus = values.map((u) => u.slice());
      plus[which][k] += eps;
      minus[which][k] -= eps;
      grad.push((evalAt(plus) - evalAt(minus)) / (2 * eps));
    }
    return grad;
  });
}

function expectClose(got: number[][], want: number[][], atol: number, rtol: number, what: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(g.length).toBe(want[i].length);
    g.forEach((v, k) => {
      const tol = atol + rtol * Math.abs(want[i][k]);
      if (!(Math.abs(v - want[i][k]) <= tol)) {
        throw new Error(`${what}: input ${i} element ${k}: got ${v}, want ${want[i][k]} (tolerance ${tol})`);
      }
    });
  });
}

const kernelsRun = new Set<string>();

beforeAll(async () => {
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  registerTrainingKernels();
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
});

describe.each(CASES)('gradient of $name', (c) => {
  const values = makeInputs(c);
  const results: Partial<Record<(typeof BACKENDS)[number], number[][]>> = {};

  test.each(BACKENDS)('runs on %s', async (backend) => {
    await tf.setBackend(backend);
    const profile = await tf.profile(() => {
      results[backend] = analyticGradients(c, values);
    });
    profile.kernelNames.forEach((k) => kernelsRun.add(k));
    expect(results[backend]?.length).toBe(c.shapes.length + 1);
  });

  test('wasm matches cpu (value and gradients)', () => {
    expectClose(results.wasm!, results.cpu!, 1e-4, 1e-4, `${c.name}: wasm vs cpu`);
  });

  test('cpu matches central differences', async () => {
    await tf.setBackend('cpu');
    const tol = c.numericTol ?? 1e-2;
    expectClose(results.cpu!.slice(1), numericGradients(c, values), tol, tol, `${c.name}: analytic vs numeric`);
  });
});

describe('coverage and hygiene', () => {
  test('every gradient we register is exercised by a case above', () => {
    const untested = trainingGradientConfigs.map((g) => g.kernelName).filter((k) => !kernelsRun.has(k));
    expect(untested).toEqual([]);
  });

  /** A tiny tagger: embedding lookup, GRU-style gates, dense layer, softmax cross-entropy. */
  function tinyTagger(seed: number) {
    const rng = new SeededRandom(seed);
    const table = tf.variable(tf.tensor2d(rng.normalArray(20 * 4, 0.5), [20, 4]));
    const kernel = tf.variable(tf.tensor2d(rng.normalArray(4 * 3, 0.5), [4, 3]));
    const ids = ints([1, 5, 5, 19, 0, 3], [2, 3]);
    const labels = tf.oneHot(ints([0, 2, 1, 1, 0, 2]), 3);
    const loss = () =>
      tf.tidy(() => {
        const h = tf.tanh(tf.reshape(tf.gather(table, ids), [6, 4]));
        const z = tf.sigmoid(h);
        return tf.losses.softmaxCrossEntropy(labels, tf.matMul(tf.mul(z, h), kernel)) as tf.Scalar;
      });
    return { table, kernel, loss, dispose: () => tf.dispose([table, kernel, ids, labels]) };
  }

  const OPTIMIZERS: Record<string, () => tf.Optimizer> = {
    adam: () => tf.train.adam(0.05),
    sgd: () => tf.train.sgd(0.5),
    momentum: () => tf.train.momentum(0.2, 0.9),
    rmsprop: () => tf.train.rmsprop(0.05),
  };

  test.each(Object.keys(OPTIMIZERS))('%s steps on wasm give the weights they give on cpu, and leak nothing', async (name) => {
    const weights: Record<string, number[][]> = {};
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const model = tinyTagger(3);
      const optimizer = OPTIMIZERS[name]();
      const step = () => optimizer.minimize(model.loss, true)?.dispose();
      step();
      const before = Array.from(model.table.dataSync());
      const tensors = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(tensors);
      const after = Array.from(model.table.dataSync());
      // Rows looked up changed; a row never looked up (row 7) did not.
      expect(after.slice(5 * 4, 6 * 4)).not.toEqual(before.slice(5 * 4, 6 * 4));
      expect(after.slice(7 * 4, 8 * 4)).toEqual(before.slice(7 * 4, 8 * 4));
      weights[backend] = [after, Array.from(model.kernel.dataSync())];
      optimizer.dispose();
      model.dispose();
    }
    expectClose(weights.wasm, weights.cpu, 1e-4, 1e-4, `${name}: wasm vs cpu weights`);
  });

  test('repeated tf.grads calls on wasm leak no tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([[0.5, -1], [2, 0.25]]);
    const run = () => tf.dispose(tf.grads((a: tf.Tensor) => tf.sum(tf.softmax(tf.matMul(a, a))))([x]));
    run();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(tensors);
    x.dispose();
  });
});
