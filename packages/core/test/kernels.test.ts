/**
 * The kernels registerTrainingKernels adds: UnsortedSegmentSum (cpu and wasm) against a plain JS
 * reference, the wasm Conv2DBackpropFilter against the cpu backend's, and no leaks of tensors or
 * backend buffers across repeated calls.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'node:path';
import { SeededRandom } from '../src/random';
import { registerTrainingKernels } from '../src/kernels';
import { accumulateSegments, unsortedSegmentSumShape } from '../src/kernels/unsorted-segment-sum';
import { filterGradientWasm, type BackpropFilterArgs } from '../src/kernels/conv2d-backprop-filter-wasm';
import type { WasmBackendView } from '../src/kernels/backend-views';

const BACKENDS = ['cpu', 'wasm'] as const;

beforeAll(async () => {
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  registerTrainingKernels();
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
});

/** Plain JS UnsortedSegmentSum: what TensorFlow documents, written the obvious way. */
function referenceSegmentSum(x: number[], ids: number[], numSegments: number): number[] {
  const rowSize = x.length / ids.length;
  const out = new Array<number>(numSegments * rowSize).fill(0);
  ids.forEach((s, i) => {
    if (s < 0 || s >= numSegments) return;
    for (let k = 0; k < rowSize; k++) out[s * rowSize + k] += x[i * rowSize + k];
  });
  return out;
}

interface SegmentCase {
  name: string;
  xShape: number[];
  idsShape: number[];
  numSegments: number;
  dtype: 'float32' | 'int32';
}

const SEGMENT_CASES: SegmentCase[] = [
  { name: 'embedding-like rows, repeated ids', xShape: [12, 5], idsShape: [12], numSegments: 7, dtype: 'float32' },
  { name: 'int32 values', xShape: [9, 3], idsShape: [9], numSegments: 4, dtype: 'int32' },
  { name: '2-D ids over [B, T, D]', xShape: [3, 4, 2], idsShape: [3, 4], numSegments: 6, dtype: 'float32' },
  { name: 'scalar rows (1-D x)', xShape: [10], idsShape: [10], numSegments: 3, dtype: 'float32' },
  { name: 'more segments than ids (empty segments stay 0)', xShape: [4, 3], idsShape: [4], numSegments: 20, dtype: 'int32' },
];

function segmentInputs(c: SegmentCase, seed: number): { x: number[]; ids: number[] } {
  const rng = new SeededRandom(seed);
  const size = c.xShape.reduce((a, b) => a * b, 1);
  const x = Array.from({ length: size }, () => (c.dtype === 'int32' ? rng.int(21) - 10 : rng.normal()));
  const numIds = c.idsShape.reduce((a, b) => a * b, 1);
  // Draw ids from a few segments only, so repeats are certain and some segments stay empty.
  const ids = Array.from({ length: numIds }, () => rng.int(Math.min(c.numSegments, 3)) * 2 % c.numSegments);
  return { x, ids };
}

describe('UnsortedSegmentSum', () => {
  describe.each(BACKENDS)('on %s', (backend) => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    test.each(SEGMENT_CASES)('$name matches the JS reference', (c) => {
      const { x, ids } = segmentInputs(c, 11);
      const rowSize = x.length / ids.length;
      const expected = referenceSegmentSum(x, ids, c.numSegments);
      // The op's typing says 1-D ids; the kernel (like TensorFlow's) takes any prefix of x's shape.
      const idsTensor = () => {
        const t: tf.Tensor = tf.tensor(ids, c.idsShape, 'int32');
        return t as tf.Tensor1D;
      };
      const result = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor(x, c.xShape, c.dtype), idsTensor(), c.numSegments));
      expect(result.dtype).toBe(c.dtype);
      expect(result.shape).toEqual([c.numSegments, ...c.xShape.slice(c.idsShape.length)]);
      const got = Array.from(result.dataSync());
      result.dispose();
      expect(got).toHaveLength(c.numSegments * rowSize);
      if (c.dtype === 'int32') expect(got).toEqual(expected);
      else got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    });

    test('a repeated id accumulates every row it names', () => {
      const out = tf.tidy(() =>
        tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]), tf.tensor1d([2, 0, 2, 2], 'int32'), 3),
      );
      expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 13, 16]);
      out.dispose();
    });

    test('repeated calls leak neither tensors nor backend buffers', () => {
      const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
      const ids = tf.tensor1d([1, 1, 0], 'int32');
      const run = () => tf.tidy(() => tf.sum(tf.unsortedSegmentSum(x, ids, 2)).dataSync());
      run();
      const tensors = tf.memory().numTensors;
      const buffers = tf.engine().backend.numDataIds();
      for (let i = 0; i < 3; i++) run();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.engine().backend.numDataIds()).toBe(buffers);
      tf.dispose([x, ids]);
    });
  });

  test('the wasm and cpu kernels agree on random float32 input', async () => {
    const { x, ids } = segmentInputs(SEGMENT_CASES[0], 5);
    const results: number[][] = [];
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const out = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d(x, [12, 5]), tf.tensor1d(ids, 'int32'), 7));
      results.push(Array.from(out.dataSync()));
      out.dispose();
    }
    results[1].forEach((v, i) => expect(v).toBeCloseTo(results[0][i], 5));
  });

  test('the shared accumulator drops ids outside [0, numSegments), as TensorFlow does', () => {
    const out = new Float32Array(4);
    accumulateSegments([1, 2, 3, 4, 5, 6, 7, 8], [0, -1, 1, 2], 2, 2, out);
    expect(Array.from(out)).toEqual([1, 2, 5, 6]);
  });

  test('bad shapes and segment counts are named in the error', () => {
    expect(() => unsortedSegmentSumShape([4, 3], [3], 2)).toThrow(/segmentIds shape \[3\] must be a prefix of x shape \[4,3\]/);
    expect(() => unsortedSegmentSumShape([4, 3], [4], -1)).toThrow(/numSegments must be a non-negative integer, got -1/);
    expect(unsortedSegmentSumShape([2, 3, 5], [2, 3], 7)).toEqual([7, 5]);
  });
});

describe('Conv2DBackpropFilter on wasm', () => {
  interface ConvCase {
    name: string;
    xShape: [number, number, number, number];
    filterShape: [number, number, number, number];
    strides: [number, number];
    pad: 'same' | 'valid';
  }
  const CONV_CASES: ConvCase[] = [
    { name: 'conv1d-like, same padding', xShape: [2, 1, 7, 3], filterShape: [1, 3, 3, 4], strides: [1, 1], pad: 'same' },
    { name: '2-D, valid padding', xShape: [2, 5, 6, 2], filterShape: [3, 2, 2, 3], strides: [1, 1], pad: 'valid' },
    { name: '2-D, stride 2, same padding', xShape: [1, 7, 5, 3], filterShape: [3, 3, 3, 2], strides: [2, 2], pad: 'same' },
  ];

  function convInputs(c: ConvCase, seed: number) {
    const rng = new SeededRandom(seed);
    const info = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad);
    const x = Array.from(rng.normalArray(c.xShape.reduce((a, b) => a * b, 1), 1));
    const dy = Array.from(rng.normalArray(info.outShape.reduce((a, b) => a * b, 1), 1));
    return { x, dy, dyShape: info.outShape };
  }

  function filterGradOn(c: ConvCase, x: number[], dy: number[], dyShape: number[]): number[] {
    return tf.tidy(() => {
      const out = tf.engine().runKernel(
        tf.Conv2DBackpropFilter,
        { x: tf.tensor4d(x, c.xShape), dy: tf.tensor(dy, dyShape) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape },
      ) as tf.Tensor;
      expect(out.shape).toEqual(c.filterShape);
      return Array.from(out.dataSync());
    });
  }

  test.each(CONV_CASES)('$name matches the cpu kernel', async (c) => {
    const { x, dy, dyShape } = convInputs(c, 3);
    await tf.setBackend('cpu');
    const expected = filterGradOn(c, x, dy, dyShape);
    await tf.setBackend('wasm');
    const got = filterGradOn(c, x, dy, dyShape);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  test('splitting the patch matrix into chunks gives the same result and frees every chunk', async () => {
    const c = CONV_CASES[2];
    const { x, dy, dyShape } = convInputs(c, 4);
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendView;
    const xT = tf.tensor4d(x, c.xShape);
    const dyT = tf.tensor(dy, dyShape);
    const attrs: BackpropFilterArgs['attrs'] = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape };
    const read = (info: tf.TensorInfo) => {
      const values = Array.from(backend.typedArrayFromHeap(info));
      backend.disposeData(info.dataId);
      return values;
    };
    const whole = read(filterGradientWasm(backend, xT, dyT, attrs));
    const buffers = tf.engine().backend.numDataIds();
    // 27 patch values per output pixel: 40 values per chunk means one pixel at a time.
    const chunked = read(filterGradientWasm(backend, xT, dyT, attrs, 40));
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    chunked.forEach((v, i) => expect(v).toBeCloseTo(whole[i], 4));
    tf.dispose([xT, dyT]);
  });

  test('NCHW input is refused with a clear error', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 2, 3, 3]);
    const dy = tf.zeros([1, 2, 3, 3]);
    expect(() =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 2, 2] }),
    ).toThrow(/NCHW is not supported/);
    tf.dispose([x, dy]);
  });
});

describe('OneHot on wasm', () => {
  test.each(['float32', 'int32'] as const)('writes %s values, with a row of offValue for out-of-range ids', async (dtype) => {
    await tf.setBackend('wasm');
    const out = tf.tidy(() => tf.oneHot(tf.tensor2d([[2, 0], [5, -1]], [2, 2], 'int32'), 3, 4, -1, dtype));
    expect(out.dtype).toBe(dtype);
    expect(out.shape).toEqual([2, 2, 3]);
    expect(Array.from(out.dataSync())).toEqual([-1, -1, 4, 4, -1, -1, -1, -1, -1, -1, -1, -1]);
    out.dispose();
  });
});

describe('GatherV2 on wasm', () => {
  interface GatherCase {
    name: string;
    xShape: number[];
    indices: number[];
    indicesShape: number[];
    axis: number;
    batchDims: number;
    dtype: 'float32' | 'int32' | 'bool';
  }
  const GATHER_CASES: GatherCase[] = [
    { name: 'embedding lookup', xShape: [6, 4], indices: [5, 0, 0, 3, 5, 2], indicesShape: [2, 3], axis: 0, batchDims: 0, dtype: 'float32' },
    { name: 'inner axis', xShape: [2, 4, 3], indices: [3, 0, 3], indicesShape: [3], axis: 1, batchDims: 0, dtype: 'int32' },
    { name: 'batchDims 1, rows of 3 (wrong in tfjs-backend-wasm 4.22)', xShape: [2, 4, 3], indices: [1, 1, 2, 3, 0, 3], indicesShape: [2, 3], axis: 1, batchDims: 1, dtype: 'float32' },
    { name: 'batchDims 1, last axis', xShape: [2, 3, 4], indices: [0, 3, 2, 1], indicesShape: [2, 2], axis: 2, batchDims: 1, dtype: 'int32' },
    { name: 'bool values', xShape: [3, 2], indices: [2, 2, 0], indicesShape: [3], axis: 0, batchDims: 0, dtype: 'bool' },
  ];

  /** Plain JS gather: output [...batch, ...outer, ...indices after batch, ...inner]. */
  function referenceGather(c: GatherCase, x: number[]): number[] {
    const prod = (d: number[]) => d.reduce((a, b) => a * b, 1);
    const batch = prod(c.xShape.slice(0, c.batchDims));
    const outer = prod(c.xShape.slice(c.batchDims, c.axis));
    const dim = c.xShape[c.axis];
    const inner = prod(c.xShape.slice(c.axis + 1));
    const perBatch = c.indices.length / batch;
    const out: number[] = [];
    for (let b = 0; b < batch; b++)
      for (let o = 0; o < outer; o++)
        for (let j = 0; j < perBatch; j++)
          for (let k = 0; k < inner; k++) out.push(x[((b * outer + o) * dim + c.indices[b * perBatch + j]) * inner + k]);
    return out;
  }

  test.each(GATHER_CASES)('$name matches the JS reference and the cpu backend', async (c) => {
    const size = c.xShape.reduce((a, b) => a * b, 1);
    const x = Array.from({ length: size }, (_, i) => (c.dtype === 'bool' ? i % 2 : i * 3 - 7));
    const results: number[][] = [];
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const out = tf.tidy(() =>
        tf.gather(tf.tensor(x, c.xShape, c.dtype), tf.tensor(c.indices, c.indicesShape, 'int32'), c.axis, c.batchDims),
      );
      expect(out.dtype).toBe(c.dtype);
      results.push(Array.from(out.dataSync()));
      out.dispose();
    }
    expect(results[1]).toEqual(referenceGather(c, x));
    expect(results[0]).toEqual(results[1]);
  });

  test('an out-of-range index is named in the error and frees the output', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([3, 2]);
    const ids = tf.tensor1d([0, 3], 'int32');
    const buffers = tf.engine().backend.numDataIds();
    expect(() => tf.gather(x, ids)).toThrow(/index value 3 is not in \[0, 2\]/);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    tf.dispose([x, ids]);
  });
});
