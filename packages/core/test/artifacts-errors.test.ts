import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactError, loadArtifact, saveArtifact, type ArtifactErrorCode, type ArtifactLoadOptions } from '../src/artifacts';

/*
 * Every way a saved model can be broken, each checked for its error class, code, the path it
 * names and a message that says what is wrong; and that a failed load leaves no tensors behind.
 */

let root: string;
let dir: string;
let n = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'trimod-artifact-errors-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// A fresh two-shard model for every test: w [2,3] float32 (24 bytes) + ids [4] int32 (16 bytes), 32-byte shards.
beforeEach(async () => {
  dir = join(root, `m${++n}`);
  const weights = { w: tf.tensor2d([[1, 2, 3], [4, 5, 6]]), ids: tf.tensor1d([1, 2, 3, 4], 'int32') };
  await saveArtifact(dir, { className: 'X', config: {}, weights, extraFiles: { 'labels.txt': 'PER\nLOC\n' } }, { shardBytes: 32 });
  for (const t of Object.values(weights)) t.dispose();
});

const modelJsonPath = (): string => join(dir, 'model.json');

async function editModelJson(edit: (json: Record<string, unknown>) => void): Promise<void> {
  const json = JSON.parse(await readFile(modelJsonPath(), 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(modelJsonPath(), JSON.stringify(json));
}

/** Loads, expects an ArtifactError with `code` whose message matches, and checks nothing leaked. */
async function expectLoadError(code: ArtifactErrorCode, message: RegExp, opts: ArtifactLoadOptions = {}): Promise<ArtifactError> {
  const before = tf.memory().numTensors;
  const err = await loadArtifact(dir, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArtifactError);
  const ae = err as ArtifactError;
  expect(ae.name).toBe('ArtifactError');
  expect({ code: ae.code, message: ae.message }).toEqual({ code, message: expect.stringMatching(message) });
  expect(tf.memory().numTensors).toBe(before);
  return ae;
}

const expected = (): NonNullable<ArtifactLoadOptions['expected']> => ({
  w: { shape: [2, 3], dtype: 'float32' },
  ids: { shape: [4], dtype: 'int32' },
});

describe('loadArtifact errors', () => {
  it('loads the intact fixture (so the failures below come from the damage)', async () => {
    const loaded = await loadArtifact(dir, { expected: expected() });
    expect(Object.keys(loaded.weights).sort()).toEqual(['ids', 'w']);
    for (const t of Object.values(loaded.weights)) t.dispose();
  });

  it('missing model.json names the path', async () => {
    await unlink(modelJsonPath());
    const e = await expectLoadError('missing-model-json', /model\.json: model\.json not found/);
    expect(e.path).toBe(modelJsonPath());
  });

  it('a folder that does not exist says so', async () => {
    dir = join(root, 'nowhere');
    await expectLoadError('missing-model-json', /the folder .*nowhere does not exist/);
  });

  it('invalid JSON carries the parse error', async () => {
    await writeFile(modelJsonPath(), '{"format": "trimod-model", ');
    const e = await expectLoadError('invalid-json', /model\.json: invalid JSON: .*JSON/);
    expect(e.path).toBe(modelJsonPath());
  });

  it('wrong format and wrong version', async () => {
    await editModelJson((j) => (j.format = 'layers-model'));
    await expectLoadError('bad-format', /format is "layers-model", expected "trimod-model"/);
    await editModelJson((j) => {
      j.format = 'trimod-model';
      j.formatVersion = 2;
    });
    await expectLoadError('bad-format', /formatVersion is 2, but this version of @trimod\/core reads version 1/);
  });

  it('malformed manifest fields are named', async () => {
    await editModelJson((j) => ((j.weightsManifest as Array<{ weights: Array<{ shape: unknown }> }>)[0].weights[0].shape = [2, -3]));
    await expectLoadError('bad-format', /weightsManifest\[0\]\.weights\[0\]\.shape must be an array of non-negative integers/);
  });

  it('a shard path leaving the folder is refused', async () => {
    await editModelJson((j) => ((j.weightsManifest as Array<{ paths: string[] }>)[0].paths[0] = '../secret.bin'));
    await expectLoadError('bad-format', /paths\[0\] must be a plain file name, got "\.\.\/secret\.bin"/);
  });

  it('byte lengths that do not match the weights are caught before reading', async () => {
    await editModelJson((j) => ((j.weightsManifest as Array<{ byteLengths: number[] }>)[0].byteLengths = [32, 4]));
    await expectLoadError('bad-format', /its weights need 40 bytes but its shards are recorded as 36 bytes/);
  });

  it('missing shard file names the shard', async () => {
    await unlink(join(dir, 'group1-shard2of2.bin'));
    const e = await expectLoadError('missing-shard', /group1-shard2of2\.bin: shard file is missing \(listed in .*model\.json\)/);
    expect(e.path).toBe(join(dir, 'group1-shard2of2.bin'));
  });

  it('truncated shard gives bytes expected and found', async () => {
    await truncate(join(dir, 'group1-shard1of2.bin'), 20);
    await expectLoadError('truncated-shard', /group1-shard1of2\.bin: shard is truncated: .*model\.json records 32 bytes, found 20/);
  });

  it('corrupt shard fails its checksum', async () => {
    const shard = join(dir, 'group1-shard1of2.bin');
    const bytes = await readFile(shard);
    bytes[5] ^= 0x40;
    await writeFile(shard, bytes);
    await expectLoadError('corrupt-shard', /group1-shard1of2\.bin: shard is corrupt: its SHA-256 is [0-9a-f]{64} but .*model\.json records [0-9a-f]{64}/);
  });

  it('missing, wrong-shape, wrong-dtype and extra weights against `expected`', async () => {
    await expectLoadError('missing-weight', /weight "bias" is missing \(the model expects shape \[3\], dtype float32\)/, {
      expected: { ...expected(), bias: { shape: [3], dtype: 'float32' } },
    });
    const shapeErr = await expectLoadError('wrong-shape', /./, { expected: { ...expected(), w: { shape: [3, 2], dtype: 'float32' } } });
    expect(shapeErr.message).toBe(`${modelJsonPath()}: weight "w" has shape [2,3] but the model expects [3,2]`);
    await expectLoadError('wrong-dtype', /weight "ids" has dtype int32 but the model expects float32/, {
      expected: { ...expected(), ids: { shape: [4], dtype: 'float32' } },
    });
    await expectLoadError('extra-weight', /weight "ids" \(shape \[4\], dtype int32\) is not a weight of the model/, {
      expected: { w: { shape: [2, 3], dtype: 'float32' } },
    });
  });

  it('reports every weight problem at once', async () => {
    const e = await expectLoadError('wrong-shape', /^2 weight problems:\n {2}- .*"w" has shape.*\n {2}- .*"ids" \(shape \[4\], dtype int32\) is not a weight/, {
      expected: { w: { shape: [6], dtype: 'float32' } },
    });
    expect(e.problems.map((p) => p.code)).toEqual(['wrong-shape', 'extra-weight']);
  });

  it('checks `expected` before reading shards, so a wrong model fails without downloading', async () => {
    await unlink(join(dir, 'group1-shard1of2.bin'));
    await expectLoadError('wrong-shape', /weight "w" has shape \[2,3\] but the model expects \[2,4\]/, {
      expected: { ...expected(), w: { shape: [2, 4], dtype: 'float32' } },
    });
  });

  it('extra files: unknown names, missing and corrupt files', async () => {
    const loaded = await loadArtifact(dir);
    for (const t of Object.values(loaded.weights)) t.dispose();
    expect(await loaded.readExtraFile('labels.txt')).toBe('PER\nLOC\n');
    await expect(loaded.readExtraFile('vocab.json')).rejects.toThrow(/no extra file "vocab\.json" was saved with this model \(it has: labels\.txt\)/);
    await writeFile(join(dir, 'labels.txt'), 'PER\nORG\n');
    await expect(loaded.readExtraFile('labels.txt')).rejects.toMatchObject({ code: 'corrupt-shard', message: expect.stringMatching(/labels\.txt: extra file is corrupt/) });
    await unlink(join(dir, 'labels.txt'));
    await expect(loaded.readExtraFile('labels.txt')).rejects.toMatchObject({ code: 'missing-extra-file', path: join(dir, 'labels.txt') });
  });
});
