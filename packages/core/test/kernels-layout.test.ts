/**
 * The cpu Slice, SplitV, Unpack and Transpose kernels registerTrainingKernels puts in place of
 * tfjs-backend-cpu's: against an element-by-element JS reference on random shapes, boxes and
 * permutations (float32, int32, bool; strings for slice), against the wasm backend, and for leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'node:path';
import { SeededRandom } from '../src/random';
import { registerTrainingKernels } from '../src/kernels';
import { sliceCpuConfig, transposeCpuConfig } from '../src/kernels/layout-cpu';
import { copySlice, copyTransposed } from '../src/kernels/strided-copy';

beforeAll(async () => {
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  registerTrainingKernels();
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
});

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function stridesOf(shape: readonly number[]): number[] {
  return shape.map((_, i) => sizeOf(shape.slice(i + 1)));
}

function locOf(index: number, shape: readonly number[]): number[] {
  return stridesOf(shape).map((s, d) => Math.floor(index / s) % shape[d]);
}

/** Slice, one element at a time. */
function referenceSlice<T>(values: T[], shape: number[], begin: number[], size: number[]): T[] {
  const strides = stridesOf(shape);
  return Array.from({ length: sizeOf(size) }, (_, i) => {
    const loc = locOf(i, size);
    return values[loc.reduce((sum, l, d) => sum + (l + begin[d]) * strides[d], 0)];
  });
}

/** Transpose, one element at a time: out axis i is in axis perm[i]. */
function referenceTranspose<T>(values: T[], shape: number[], perm: number[]): T[] {
  const outShape = perm.map((p) => shape[p]);
  const strides = stridesOf(shape);
  return Array.from({ length: values.length }, (_, i) => {
    const outLoc = locOf(i, outShape);
    return values[outLoc.reduce((sum, l, d) => sum + l * strides[perm[d]], 0)];
  });
}

interface Box {
  shape: number[];
  begin: number[];
  size: number[];
}

function randomBox(rng: SeededRandom): Box {
  const rank = 1 + rng.int(4);
  const shape = Array.from({ length: rank }, () => 1 + rng.int(5));
  const begin = shape.map((d) => rng.int(d));
  const size = shape.map((d, i) => 1 + rng.int(d - begin[i]));
  return { shape, begin, size };
}

function randomPerm(rank: number, rng: SeededRandom): number[] {
  return rng.shuffle(Array.from({ length: rank }, (_, i) => i));
}

const numbers = (n: number, rng: SeededRandom) => Array.from({ length: n }, () => rng.int(1000) - 500);

describe('block copies', () => {
  test('copySlice matches the element-by-element reference on 200 random boxes', () => {
    const rng = new SeededRandom(1);
    for (let t = 0; t < 200; t++) {
      const { shape, begin, size } = randomBox(rng);
      const values = numbers(sizeOf(shape), rng);
      const out = new Float32Array(sizeOf(size));
      copySlice(Float32Array.from(values), shape, begin, size, out);
      expect(Array.from(out)).toEqual(referenceSlice(values, shape, begin, size));
    }
  });

  test('copyTransposed matches the element-by-element reference on 200 random permutations', () => {
    const rng = new SeededRandom(2);
    for (let t = 0; t < 200; t++) {
      const shape = Array.from({ length: 1 + rng.int(5) }, () => 1 + rng.int(4));
      const perm = randomPerm(shape.length, rng);
      const values = numbers(sizeOf(shape), rng);
      const out = new Int32Array(values.length);
      copyTransposed(Int32Array.from(values), shape, perm, out);
      expect(Array.from(out)).toEqual(referenceTranspose(values, shape, perm));
    }
  });

  test('scalars and empty boxes', () => {
    const out = new Float32Array(1);
    copySlice(Float32Array.of(7), [], [], [], out);
    expect(out[0]).toBe(7);
    const untouched = Float32Array.of(-1);
    copySlice(Float32Array.of(1, 2, 3), [3], [1], [0], untouched);
    expect(untouched[0]).toBe(-1);
  });
});

describe('cpu layout kernels', () => {
  beforeEach(async () => {
    await tf.setBackend('cpu');
  });

  test('are the ones registered on cpu', () => {
    expect(tf.getKernel(tf.Slice, 'cpu')?.kernelFunc).toBe(sliceCpuConfig.kernelFunc);
    expect(tf.getKernel(tf.Transpose, 'cpu')?.kernelFunc).toBe(transposeCpuConfig.kernelFunc);
  });

  test.each(['float32', 'int32', 'bool'] as const)('tf.slice and tf.transpose on %s match the reference', (dtype) => {
    const rng = new SeededRandom(3);
    for (let t = 0; t < 40; t++) {
      const { shape, begin, size } = randomBox(rng);
      const raw = numbers(sizeOf(shape), rng).map((v) => (dtype === 'bool' ? Number(v > 0) : v));
      const perm = randomPerm(shape.length, rng);
      const [sliced, transposed] = tf.tidy(() => {
        const x = tf.tensor(raw, shape, dtype);
        return [Array.from(tf.slice(x, begin, size).dataSync()), Array.from(tf.transpose(x, perm).dataSync())];
      });
      expect(sliced).toEqual(referenceSlice(raw, shape, begin, size));
      expect(transposed).toEqual(referenceTranspose(raw, shape, perm));
    }
  });

  test('tf.slice of strings, and a size of -1 meaning "to the end"', () => {
    const words = ['a', 'bb', 'ccc', 'dd', 'e', 'ff'];
    const out = tf.tidy(() => tf.slice(tf.tensor2d(words, [2, 3], 'string'), [0, 1], [2, -1]));
    expect(out.shape).toEqual([2, 2]);
    expect(out.dataSync()).toEqual(['bb', 'ccc', 'e', 'ff']);
    out.dispose();
  });

  test('tf.split and tf.unstack give the same pieces as on wasm', async () => {
    const rng = new SeededRandom(4);
    const values = numbers(3 * 4 * 6, rng);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor3d(values, [3, 4, 6]);
        const pieces = [...tf.split(x, [1, 3, 2], 2), ...tf.split(x, 2, 1), ...tf.unstack(x, 1), ...tf.unstack(x, 0)];
        return pieces.map((p) => ({ shape: p.shape, values: Array.from(p.dataSync()) }));
      });
    const onCpu = run();
    await tf.setBackend('wasm');
    const onWasm = run();
    expect(onCpu).toEqual(onWasm);
    expect(onCpu.map((p) => p.shape)).toEqual([
      [3, 4, 1], [3, 4, 3], [3, 4, 2], [3, 2, 6], [3, 2, 6], [3, 6], [3, 6], [3, 6], [3, 6], [4, 6], [4, 6], [4, 6],
    ]);
  });

  test('repeated calls leak neither tensors nor cpu buffers', () => {
    const x = tf.tensor3d(numbers(2 * 3 * 4, new SeededRandom(5)), [2, 3, 4]);
    const run = () =>
      tf.tidy(() => {
        const parts = [...tf.unstack(x, 1), ...tf.split(x, 2, 2), tf.slice(x, [0, 1, 1], [2, 2, 2]), tf.transpose(x, [2, 0, 1])];
        return parts.reduce((sum, p) => sum + tf.sum(p).dataSync()[0], 0);
      });
    const first = run();
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) expect(run()).toBe(first);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    x.dispose();
  });
});
