import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ArtifactError, loadArtifact, saveArtifact, type ModelJson } from '../src/artifacts';

let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'trimod-artifacts-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
const freshDir = (): string => join(root, `m${++counter}`);

async function readModelJson(dir: string): Promise<ModelJson> {
  return JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelJson;
}

function disposeAll(weights: Record<string, tf.Tensor>): void {
  for (const t of Object.values(weights)) t.dispose();
}

describe('saveArtifact / loadArtifact round trip', () => {
  it('restores class name, config, metadata, extra files and weights with their dtypes and values', async () => {
    const dir = freshDir();
    const weights = {
      'enc/kernel': tf.tensor2d([[1.5, -2.25, 3], [0.125, 1e-8, -7e6]]),
      'enc/ids': tf.tensor1d([3, -1, 2147483647, 0], 'int32'),
      'enc/flags': tf.tensor1d([true, false, true], 'bool'),
      'enc/scale': tf.scalar(0.5),
    };
    await saveArtifact(dir, {
      className: 'test.Thing',
      config: { units: 3, names: ['a', 'b'], nested: { on: true, off: null } },
      metadata: { f1: 0.71, tfjs: '4.22.0' },
      weights,
      extraFiles: { 'vocab.json': '["<pad>","<unk>","héllo"]', 'raw.bin': new Uint8Array([0, 255, 7]) },
    });

    const loaded = await loadArtifact(dir);
    expect(loaded.className).toBe('test.Thing');
    expect(loaded.config).toEqual({ units: 3, names: ['a', 'b'], nested: { on: true, off: null } });
    expect(loaded.metadata).toEqual({ f1: 0.71, tfjs: '4.22.0' });
    expect(Object.keys(loaded.weights).sort()).toEqual(Object.keys(weights).sort());
    for (const [name, t] of Object.entries(weights)) {
      const got = loaded.weights[name];
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(Array.from(got.dataSync())).toEqual(Array.from(t.dataSync()));
    }
    expect(await loaded.readExtraFile('vocab.json')).toBe('["<pad>","<unk>","héllo"]');
    expect(Array.from(await loaded.readExtraFileBytes('raw.bin'))).toEqual([0, 255, 7]);

    const json = await readModelJson(dir);
    expect(json.format).toBe('trimod-model');
    expect(json.formatVersion).toBe(1);
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
    expect(json.weightsManifest[0].weights.map((w) => [w.name, w.dtype])).toEqual([
      ['enc/kernel', 'float32'],
      ['enc/ids', 'int32'],
      ['enc/flags', 'bool'],
      ['enc/scale', 'float32'],
    ]);
    expect(json.weightsManifest[0].byteLengths).toEqual([6 * 4 + 4 * 4 + 3 + 4]);
    expect(json.weightsManifest[0].sha256[0]).toMatch(/^[0-9a-f]{64}$/);
    disposeAll(weights);
    disposeAll(loaded.weights);
  });

  it('loads from a model.json path and from a file:// URL', async () => {
    const dir = freshDir();
    const w = tf.tensor1d([1, 2, 3]);
    await saveArtifact(dir, { className: 'X', config: {}, weights: { w } });
    for (const where of [join(dir, 'model.json'), pathToFileURL(dir).href]) {
      const loaded = await loadArtifact(where);
      expect(Array.from(loaded.weights.w.dataSync())).toEqual([1, 2, 3]);
      expect(loaded.metadata).toEqual({});
      disposeAll(loaded.weights);
    }
    w.dispose();
  });

  it('cuts weights into shards of at most shardBytes, a weight may straddle two shards', async () => {
    const dir = freshDir();
    const weights = {
      big: tf.tensor2d(Array.from({ length: 100 }, (_, i) => i / 7), [10, 10]),
      ids: tf.tensor1d([1, 2, 3, 4, 5, 6, 7], 'int32'),
    };
    await saveArtifact(dir, { className: 'X', config: {}, weights }, { shardBytes: 64 });
    const json = await readModelJson(dir);
    const total = 400 + 28;
    const count = Math.ceil(total / 64);
    expect(json.weightsManifest[0].paths).toEqual(Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`));
    for (const [i, p] of json.weightsManifest[0].paths.entries()) {
      const size = (await stat(join(dir, p))).size;
      expect(size).toBe(json.weightsManifest[0].byteLengths[i]);
      expect(size).toBeLessThanOrEqual(64);
    }
    const loaded = await loadArtifact(dir);
    expect(Array.from(loaded.weights.big.dataSync())).toEqual(Array.from(weights.big.dataSync()));
    expect(Array.from(loaded.weights.ids.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7]);
    disposeAll(weights);
    disposeAll(loaded.weights);
  });

  it('uses 4 MiB shards by default', async () => {
    const dir = freshDir();
    const n = 1_200_000; // 4.8 MB of float32
    const big = tf.fill([n], 0.25);
    await saveArtifact(dir, { className: 'X', config: {}, weights: { big } });
    const json = await readModelJson(dir);
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expect(json.weightsManifest[0].byteLengths).toEqual([4 * 1024 * 1024, n * 4 - 4 * 1024 * 1024]);
    big.dispose();
  });

  it('reports progress from 0 to 1, once per shard', async () => {
    const dir = freshDir();
    const w = tf.tensor1d(Array.from({ length: 40 }, (_, i) => i));
    await saveArtifact(dir, { className: 'X', config: {}, weights: { w } }, { shardBytes: 32 });
    const seen: number[] = [];
    const loaded = await loadArtifact(dir, { onProgress: (f) => seen.push(f) });
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.length).toBeGreaterThanOrEqual(5 + 1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    disposeAll(loaded.weights);
    w.dispose();
  });

  it('saves a model without weights', async () => {
    const dir = freshDir();
    await saveArtifact(dir, { className: 'Rules', config: { k: 1 }, weights: {} });
    const loaded = await loadArtifact(dir);
    expect(loaded.weights).toEqual({});
    expect(await readdir(dir)).toEqual(['model.json']);
  });

  it('rejects bad inputs before writing anything', async () => {
    const dir = freshDir();
    const disposed = tf.scalar(1);
    disposed.dispose();
    const f16 = tf.tensor1d([1, 70000]);
    const cases: Array<[() => Promise<void>, RegExp]> = [
      [() => saveArtifact(dir, { className: 'X', config: {}, weights: { w: disposed } }), /weight "w" was already disposed/],
      [() => saveArtifact(dir, { className: 'X', config: { lr: NaN }, weights: {} }), /config\.lr is NaN/],
      [() => saveArtifact(dir, { className: 'X', config: {}, weights: {}, extraFiles: { '../evil': 'x' } }), /plain file name/],
      [() => saveArtifact(dir, { className: 'X', config: {}, weights: {}, extraFiles: { 'model.json': 'x' } }), /plain file name/],
      [() => saveArtifact(dir, { className: 'X', config: {}, weights: { w: f16 } }, { float16: true }), /70000 .*float16 range/],
    ];
    for (const [run, message] of cases) {
      const err = await run().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ArtifactError);
      expect((err as Error).message).toMatch(message);
    }
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
    f16.dispose();
  });
});

describe('float16 storage', () => {
  it('stores float32 weights in half the bytes and loads them back as float32 within float16 precision', async () => {
    const dir = freshDir();
    const values = Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 5 === 0 ? 1e-5 : 0));
    const weights = { w: tf.tensor2d(values, [8, 8]), ids: tf.tensor1d([5, 6], 'int32') };
    await saveArtifact(dir, { className: 'X', config: {}, weights }, { float16: true });

    const json = await readModelJson(dir);
    expect(json.weightsManifest[0].weights[0]).toEqual({ name: 'w', shape: [8, 8], dtype: 'float32', quantization: { dtype: 'float16' } });
    expect(json.weightsManifest[0].weights[1]).toEqual({ name: 'ids', shape: [2], dtype: 'int32' });
    expect(json.weightsManifest[0].byteLengths).toEqual([64 * 2 + 2 * 4]);

    const loaded = await loadArtifact(dir);
    expect(loaded.weights.w.dtype).toBe('float32');
    const got = loaded.weights.w.dataSync();
    values.forEach((v, i) => {
      // float16 keeps 11 significant bits: relative error ≤ 2^-11, absolute 2^-25 near zero.
      expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
    });
    expect(got.some((g, i) => g !== Math.fround(values[i]))).toBe(true);
    expect(Array.from(loaded.weights.ids.dataSync())).toEqual([5, 6]);
    disposeAll(weights);
    disposeAll(loaded.weights);
  });
});

describe('tensor bookkeeping', () => {
  it('does not leak tensors across repeated saves and loads', async () => {
    const dir = freshDir();
    const w = tf.tensor2d([[1, 2], [3, 4]]);
    const cycle = async (): Promise<void> => {
      await saveArtifact(dir, { className: 'X', config: {}, weights: { w } }, { float16: true, shardBytes: 4 });
      const loaded = await loadArtifact(dir);
      disposeAll(loaded.weights);
    };
    await cycle();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await cycle();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
