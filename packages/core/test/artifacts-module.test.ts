import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Through the package's public faces (@trimod/core and its artifacts subpath), so the exports are covered too.
import { ArtifactError, loadModule, registerClass, saveModule, SeededRandom, type JsonObject, type Saveable } from '@trimod/core';
import { assignWeights, loadArtifact, saveArtifact } from '@trimod/core/artifacts';

/** A tiny dense layer: y = x·kernel + bias, plus an int32 step counter, to exercise mixed dtypes. */
class TinyDense implements Saveable {
  readonly className = 'test.TinyDense';
  readonly kernel: tf.Variable; // [inputDim, units]
  readonly bias: tf.Variable; // [units]
  readonly step: tf.Variable; // [] int32

  constructor(readonly config: { inputDim: number; units: number; seed: number }) {
    const rng = new SeededRandom(config.seed);
    // tidy drops the initial values; variables survive it.
    this.kernel = tf.tidy(() => tf.variable(tf.tensor2d(rng.normalArray(config.inputDim * config.units, 0.5), [config.inputDim, config.units])));
    this.bias = tf.tidy(() => tf.variable(tf.tensor1d(rng.normalArray(config.units, 0.1))));
    this.step = tf.tidy(() => tf.variable(tf.scalar(0, 'int32')));
  }

  getConfig(): JsonObject {
    return { ...this.config };
  }

  namedWeights(): Record<string, tf.Variable> {
    return { 'dense/kernel': this.kernel, 'dense/bias': this.bias, 'dense/step': this.step };
  }

  /** x: [B, inputDim] → [B, units] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(x, this.kernel), this.bias));
  }

  dispose(): void {
    for (const v of Object.values(this.namedWeights())) v.dispose();
  }
}

registerClass('test.TinyDense', (config) => new TinyDense(config as { inputDim: number; units: number; seed: number }));

let root: string;
let n = 0;
const freshDir = (): string => join(root, `m${++n}`);

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'trimod-artifact-module-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('saveModule / loadModule', () => {
  it('rebuilds the class through the registry with the saved weights, not fresh ones', async () => {
    const dir = freshDir();
    const original = new TinyDense({ inputDim: 3, units: 2, seed: 7 });
    tf.tidy(() => original.step.assign(tf.scalar(41, 'int32')));
    await saveModule(original, dir, { metadata: { epochs: 3 }, extraFiles: { 'notes.txt': 'hi' } });

    const loaded = await loadModule<TinyDense>(dir);
    expect(loaded).toBeInstanceOf(TinyDense);
    expect(loaded.getConfig()).toEqual({ inputDim: 3, units: 2, seed: 7 });
    expect(loaded.step.dataSync()[0]).toBe(41);
    expect(loaded.step.dtype).toBe('int32');
    const x = tf.tensor2d([[1, -2, 0.5]]);
    const [yOrig, yLoaded] = [original.apply(x), loaded.apply(x)];
    expect(Array.from(yLoaded.dataSync())).toEqual(Array.from(yOrig.dataSync()));

    const artifact = await loadArtifact(dir);
    expect(artifact.metadata).toEqual({ epochs: 3 });
    expect(await artifact.readExtraFile('notes.txt')).toBe('hi');
    for (const t of Object.values(artifact.weights)) t.dispose();
    tf.dispose([x, yOrig, yLoaded]);
    original.dispose();
    loaded.dispose();
  });

  it('a config that no longer matches the weights names the weight, both shapes and the file', async () => {
    const dir = freshDir();
    const m = new TinyDense({ inputDim: 2, units: 3, seed: 1 });
    await saveModule(m, dir);
    m.dispose();
    const jsonPath = join(dir, 'model.json');
    const json = JSON.parse(await readFile(jsonPath, 'utf8'));
    json.config.units = 4;
    await writeFile(jsonPath, JSON.stringify(json));

    const before = tf.memory().numTensors;
    const err = (await loadModule(dir).catch((e: unknown) => e)) as ArtifactError;
    expect(err).toBeInstanceOf(ArtifactError);
    expect(err.message).toBe(
      [
        '2 weight problems:',
        `  - ${jsonPath}: weight "dense/kernel" has shape [2,3] but the model expects [2,4]`,
        `  - ${jsonPath}: weight "dense/bias" has shape [3] but the model expects [4]`,
      ].join('\n'),
    );
    expect(err.path).toBe(jsonPath);
    // The half-built module's variables were disposed with the failed load.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an unregistered class is named', async () => {
    const dir = freshDir();
    await saveArtifact(dir, { className: 'test.Nope', config: {}, weights: {} });
    await expect(loadModule(dir)).rejects.toMatchObject({
      code: 'unknown-class',
      message: expect.stringMatching(/model\.json: cannot rebuild "test\.Nope": createFromConfig: no class registered as "test\.Nope"/),
    });
  });

  it('missing and extra weights are refused', async () => {
    const m = new TinyDense({ inputDim: 2, units: 2, seed: 3 });
    const weights: Record<string, tf.Tensor> = { ...m.namedWeights() };
    const dirExtra = freshDir();
    const extra = tf.zeros([1]);
    await saveArtifact(dirExtra, { className: m.className, config: m.getConfig(), weights: { ...weights, 'dense/extra': extra } });
    await expect(loadModule(dirExtra)).rejects.toMatchObject({ code: 'extra-weight', message: expect.stringMatching(/weight "dense\/extra" \(shape \[1\], dtype float32\) is not a weight of the model/) });

    const dirMissing = freshDir();
    delete weights['dense/step'];
    await saveArtifact(dirMissing, { className: m.className, config: m.getConfig(), weights });
    await expect(loadModule(dirMissing)).rejects.toMatchObject({ code: 'missing-weight', message: expect.stringMatching(/weight "dense\/step" is missing \(the model expects shape \[\], dtype int32\)/) });
    extra.dispose();
    m.dispose();
  });

  it('assignWeights assigns nothing unless every weight matches', () => {
    const m = new TinyDense({ inputDim: 2, units: 2, seed: 5 });
    const kernelBefore = Array.from(m.kernel.dataSync());
    const weights = { 'dense/kernel': tf.ones([2, 2]), 'dense/bias': tf.ones([2]), 'dense/step': tf.scalar(1) };
    expect(() => assignWeights(m, weights, 'ckpt')).toThrow('ckpt: weight "dense/step" has dtype float32 but the model expects int32');
    expect(Array.from(m.kernel.dataSync())).toEqual(kernelBefore);

    weights['dense/step'].dispose();
    weights['dense/step'] = tf.scalar(9, 'int32');
    assignWeights(m, weights, 'ckpt');
    tf.dispose(Object.values(weights));
    // The variables keep their own reference, so disposing the inputs does not break them.
    expect(Array.from(m.kernel.dataSync())).toEqual([1, 1, 1, 1]);
    expect(m.step.dataSync()[0]).toBe(9);
    m.dispose();
  });

  it('does not leak tensors across repeated loads', async () => {
    const dir = freshDir();
    const m = new TinyDense({ inputDim: 4, units: 3, seed: 9 });
    await saveModule(m, dir, { float16: true });
    m.dispose();
    const cycle = async (): Promise<void> => (await loadModule<TinyDense>(dir)).dispose();
    await cycle();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await cycle();
    expect(tf.memory().numTensors).toBe(before);
  });
});
