import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '../src/tfjs-setup';
import { initBackend } from '../src/backends';
import { adamUpdate, sumOfSquares, type AdamConstants } from '../src/kernels/adam';
import { fusedAdamStep, fusedSumOfSquares, hasFusedAdam } from '../src/kernels/adam-kernels';
import { adamImplementation, fusedAdamUpdate, setAdamJsOnly } from '../src/kernels/adam-module';
import { SeededRandom } from '../src/random';

const rng = new SeededRandom(7);
const values = (n: number, scale = 1) => Float32Array.from(rng.normalArray(n, scale));
const constants = (gradScale: number): AdamConstants => ({
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  // Step 3's bias corrections, as tfjs's float32 accBeta holds them.
  oneMinusAccBeta1: Math.fround(1 - Math.fround(Math.fround(Math.fround(0.9) * Math.fround(0.9)) * Math.fround(0.9))),
  oneMinusAccBeta2: Math.fround(1 - Math.fround(Math.fround(Math.fround(0.999) * Math.fround(0.999)) * Math.fround(0.999))),
  gradScale,
});

/** tfjs's AdamOptimizer.applyGradients for one variable, op for op (its source, with clipping's mul first). */
function tfjsAdam(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, grad: tf.Tensor, c: AdamConstants): tf.Tensor[] {
  return tf.tidy(() => {
    const g = c.gradScale === 1 ? grad : tf.mul(grad, tf.scalar(c.gradScale));
    const m1 = tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1));
    const v1 = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(g), 1 - c.beta2));
    const mHat = tf.div(m1, tf.scalar(c.oneMinusAccBeta1));
    const vHat = tf.div(v1, tf.scalar(c.oneMinusAccBeta2));
    const p1 = tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), c.epsilon)), -c.learningRate), p);
    return [p1, m1, v1];
  });
}

afterEach(() => setAdamJsOnly(false));

describe('the fused Adam update (arithmetic)', () => {
  // Longer than one chunk of the module (16,384) and not a multiple of 4: the SIMD loop, its
  // scalar tail and the chunking all run.
  const n = 40_003;
  const [p, m, g] = [values(n), values(n, 0.1), values(n)];
  const v = values(n, 0.01).map(Math.abs);

  it.each([1, 0.37])('the WebAssembly SIMD module and the JavaScript loop give the same bits (gradient scale %s)', (scale) => {
    expect(adamImplementation()).toEqual({ kind: 'wasm-simd', error: null });
    const out = () => [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    const simd = out();
    fusedAdamUpdate(p, m, v, g, constants(scale), simd[0], simd[1], simd[2]);
    const js = out();
    setAdamJsOnly(true);
    fusedAdamUpdate(p, m, v, g, constants(scale), js[0], js[1], js[2]);
    for (let k = 0; k < 3; k++) expect(Buffer.from(simd[k].buffer).equals(Buffer.from(js[k].buffer))).toBe(true);
    // And the update did something: the parameters moved by about the learning rate.
    expect(Math.abs(simd[0][5] - p[5])).toBeGreaterThan(1e-5);
    expect(Math.abs(simd[0][5] - p[5])).toBeLessThan(2e-2);
  });

  it('may write over its inputs (the outputs are the input arrays)', () => {
    const expected = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    adamUpdate(p, m, v, g, constants(1), expected[0], expected[1], expected[2]);
    const [p2, m2, v2] = [p.slice(), m.slice(), v.slice()];
    fusedAdamUpdate(p2, m2, v2, g, constants(1), p2, m2, v2);
    [p2, m2, v2].forEach((a, k) => expect(Buffer.from(a.buffer).equals(Buffer.from(expected[k].buffer))).toBe(true));
    expect(Buffer.from(p2.buffer).equals(Buffer.from(p.buffer))).toBe(false);
  });

  it('sums squares over several arrays in float64', () => {
    expect(sumOfSquares([Float32Array.from([3, 4]), Float32Array.from([12])])).toBe(169);
    expect(sumOfSquares([])).toBe(0);
  });
});

describe.each(['cpu', 'wasm'] as const)('the TrimodAdam and TrimodSumOfSquares kernels on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('are registered by initBackend', () => {
    expect(hasFusedAdam(backend)).toBe(true);
  });

  it.each([1, 0.25])("equal tfjs's Adam ops on the same backend (gradient scale %s), bit for bit", async (scale) => {
    const shape = [37, 11];
    const n = 37 * 11;
    const [p, m, g] = [tf.tensor(values(n), shape), tf.tensor(values(n, 0.1), shape), tf.tensor(values(n), shape)];
    const v = tf.tensor(values(n, 0.01).map(Math.abs), shape);
    const before = tf.memory().numTensors;
    const fused = fusedAdamStep(p, m, v, g, constants(scale));
    const reference = tfjsAdam(p, m, v, g, constants(scale));
    expect(tf.memory().numTensors).toBe(before + 6);
    for (let k = 0; k < 3; k++) {
      expect(fused[k].shape).toEqual(shape);
      expect(await fused[k].data()).toEqual(await reference[k].data());
    }
    tf.dispose([...fused, ...reference, p, m, v, g]);
  });

  it('gives the sum of squares of all its inputs as a float32 scalar', async () => {
    const a = tf.tensor([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor([0.5, -0.5]);
    const s = fusedSumOfSquares([a, b]);
    expect(s.shape).toEqual([]);
    expect(await s.data()).toEqual(Float32Array.from([30.5]));
    tf.dispose([a, b, s]);
  });

  it('refuses a non-float32 input or a size that differs from the param, by name', () => {
    const p = tf.zeros([4]);
    const i = tf.zeros([4], 'int32');
    const short = tf.zeros([3]);
    expect(() => fusedAdamStep(p, p, p, i, constants(1))).toThrow(/TrimodAdam: grad must be float32, got int32/);
    expect(() => fusedAdamStep(p, short, p, p, constants(1))).toThrow(/TrimodAdam: m has shape \[3\], param has \[4\]/);
    expect(() => fusedSumOfSquares([p, i])).toThrow(/TrimodSumOfSquares: input 1 must be float32/);
    tf.dispose([p, i, short]);
  });
});

/**
 * The WebAssembly bytes embedded in src/kernels/adam-wasm-bytes.ts must be what assembly/adam.ts
 * compiles to now (text-encoder's build script, which builds every kernel module, checks it).
 */
test('the committed Adam module matches its AssemblyScript source', () => {
  const script = path.resolve(__dirname, '../../text-encoder/scripts/build-wasm.mjs');
  const out = execFileSync(process.execPath, [script, '--check', 'adam'], { cwd: path.resolve(__dirname, '..'), encoding: 'utf8', timeout: 60000 });
  expect(out).toMatch(/adam-wasm-bytes.ts matches assembly\/adam.ts/);
});
