import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArtifactError,
  decodeFloat16,
  decodeWeightValues,
  dequantizeColumns,
  encodeArtifact,
  encodeFloat16,
  loadArtifact,
  openArtifact,
  quantizeColumns,
  saveArtifact,
  type WeightSpec,
} from '@trimod/core/artifacts';
import { ArtifactError as MainArtifactError } from '@trimod/core';

// Storage types of core's artifacts: float32, float16 and uint8 codes per column (the
// captioner's codec, now a storage type every package can use), and host arrays in and out.

let root: string;
let n = 0;
const freshDir = (): string => join(root, `m${++n}`);

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'trimod-artifact-storage-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Values whose columns have very different ranges, as trained matrices do. */
function matrix(rows: number, cols: number): Float32Array {
  const v = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) v[r * cols + c] = Math.sin(r * 7 + c * 3) * (c + 1) ** 2 * 0.01;
  return v;
}

describe('uint8 storage', () => {
  it('stores matrices as uint8 codes per column (within half a step of each column) and vectors as float16', async () => {
    const dir = freshDir();
    const kernel = matrix(40, 6);
    const bias = new Float32Array([0.5, -0.25, 1e-3]);
    await saveArtifact(
      dir,
      { className: 'X', config: {}, weights: { kernel: { shape: [40, 6], values: kernel }, bias: { shape: [3], values: bias }, ids: { shape: [2], values: new Int32Array([7, -3]) } } },
      { storage: 'uint8' },
    );
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const specs = json.weightsManifest[0].weights as WeightSpec[];
    expect(specs.map((s) => [s.name, s.dtype, s.quantization?.dtype ?? null])).toEqual([
      ['kernel', 'float32', 'uint8-column'],
      ['bias', 'float32', 'float16'],
      ['ids', 'int32', null],
    ]);
    // 8 header bytes per column + 1 per value; 2 per float16 value; 4 per int32.
    expect(json.weightsManifest[0].byteLengths.reduce((a: number, b: number) => a + b, 0)).toBe(8 * 6 + 240 + 3 * 2 + 2 * 4);

    const values = await (await openArtifact(dir)).readWeightValues();
    const got = values.kernel.values as Float32Array;
    expect(values.kernel.dtype).toBe('float32');
    for (let c = 0; c < 6; c++) {
      const col = Array.from({ length: 40 }, (_, r) => kernel[r * 6 + c]);
      const halfStep = (Math.max(...col) - Math.min(...col)) / 510;
      for (let r = 0; r < 40; r++) expect(Math.abs(got[r * 6 + c] - kernel[r * 6 + c])).toBeLessThanOrEqual(halfStep * 1.0001 + 1e-9);
    }
    expect(Array.from(values.ids.values)).toEqual([7, -3]);
    expect(Array.from(values.bias.values)).toEqual(Array.from(decodeFloat16(encodeFloat16(bias))));

    // The tensor path gives the same numbers.
    const loaded = await loadArtifact(dir);
    expect(Array.from(loaded.weights.kernel.dataSync())).toEqual(Array.from(got));
    tf.dispose(Object.values(loaded.weights));
  });

  it('keeps the stored bytes of quantizeColumns exactly, so a converted folder loads the same numbers', () => {
    const values = matrix(5, 3);
    const bytes = quantizeColumns(values, 3);
    const spec: WeightSpec = { name: 'w', shape: [5, 3], dtype: 'float32', quantization: { dtype: 'uint8-column' } };
    const decoded = decodeWeightValues(bytes, [spec], 'test');
    expect(Array.from(decoded.w.values)).toEqual(Array.from(dequantizeColumns(bytes, 3)));
  });

  it('writes weights given as stored bytes verbatim (converters copy quantized weights without re-encoding)', async () => {
    const dir = freshDir();
    const codes = quantizeColumns(matrix(5, 3), 3);
    const half = new Uint8Array(encodeFloat16(new Float32Array([1.5, -2])).buffer);
    await saveArtifact(dir, {
      className: 'X',
      config: {},
      weights: {
        w: { shape: [5, 3], dtype: 'float32', quantization: { dtype: 'uint8-column' }, bytes: codes },
        b: { shape: [2], dtype: 'float32', quantization: { dtype: 'float16' }, bytes: half },
      },
    });
    const shard = new Uint8Array(await readFile(join(dir, 'group1-shard1of1.bin')));
    expect(Array.from(shard)).toEqual([...codes, ...half]);
    const values = await (await openArtifact(dir)).readWeightValues();
    expect(Array.from(values.w.values)).toEqual(Array.from(dequantizeColumns(codes, 3)));
    expect(Array.from(values.b.values)).toEqual([1.5, -2]);
    await expect(
      encodeArtifact({ className: 'X', config: {}, weights: { w: { shape: [5, 3], dtype: 'float32', quantization: { dtype: 'uint8-column' }, bytes: codes.subarray(1) } } }),
    ).rejects.toThrow('weight "w": 38 bytes given, its shape and storage need 39');
  });

  it('a constant column decodes to its value exactly, its neighbour to within half a step', () => {
    const values = new Float32Array([2, 1, 2, 5, 2, 9]);
    const back = dequantizeColumns(quantizeColumns(values, 2), 2);
    expect([back[0], back[2], back[4]]).toEqual([2, 2, 2]);
    for (const i of [1, 3, 5]) expect(Math.abs(back[i] - values[i])).toBeLessThanOrEqual(8 / 510 + 1e-6);
  });

  it('refuses a uint8-column weight that is not a matrix, naming the field', async () => {
    const dir = freshDir();
    await saveArtifact(dir, { className: 'X', config: {}, weights: { w: { shape: [4, 2], values: matrix(4, 2) } } }, { storage: 'uint8' });
    const file = join(dir, 'model.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    json.weightsManifest[0].weights[0].shape = [8];
    await (await import('node:fs/promises')).writeFile(file, JSON.stringify(json));
    await expect(openArtifact(dir)).rejects.toThrow(/weightsManifest\[0\]\.weights\[0\]: uint8-column storage needs a matrix/);
  });

  it('refuses an unknown storage type', async () => {
    await expect(encodeArtifact({ className: 'X', config: {}, weights: {} }, { storage: 'int4' as never })).rejects.toThrow(/storage must be one of float32, float16, uint8/);
  });

  it('refuses host values that do not fill their shape, naming the weight', async () => {
    await expect(encodeArtifact({ className: 'X', config: {}, weights: { w: { shape: [2, 2], values: new Float32Array(3) } } })).rejects.toThrow(
      'weight "w": 3 values do not fill shape [2,2]',
    );
  });
});

describe('float16 decoding', () => {
  it('decodes every float16 bit pattern exactly as tfjs decodeWeights does (so models load the same numbers as before)', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const bytes = new Uint8Array(all.buffer);
    const spec = { name: 'h', shape: [65536], dtype: 'float32' as const, quantization: { dtype: 'float16' as const } };
    const ours = decodeWeightValues(bytes, [spec], 'test').h.values as Float32Array;
    const theirs = tf.io.decodeWeights(all.buffer, [spec]).h;
    const ref = theirs.dataSync() as Float32Array;
    theirs.dispose();
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(ref[i])) expect(Number.isNaN(ours[i])).toBe(true);
      else if (!Object.is(ours[i], ref[i])) throw new Error(`0x${i.toString(16)}: ours ${ours[i]}, tfjs ${ref[i]}`);
    }
  });
});

describe('ArtifactError', () => {
  it('is one class whether imported from @trimod/core or its artifacts subpath', async () => {
    const err = await loadArtifact(join(root, 'nowhere')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactError);
    expect(err).toBeInstanceOf(MainArtifactError);
    expect(new Error('x')).not.toBeInstanceOf(ArtifactError);
  });
});
