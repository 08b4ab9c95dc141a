import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  collectAssets,
  loadModule,
  registerClass,
  restoreAssets,
  saveModule,
  type AssetFiles,
  type HasAssets,
  type JsonObject,
  type Saveable,
} from '@trimod/core';

// A module can save the files it needs besides its weights (a word list here, a lexicon in the
// hashtag encoder): saveModule writes them, loadModule hands them back, no special case per class.

/** One weight and a word list it cannot work without. */
class Speller implements Saveable, HasAssets {
  readonly className = 'test.Speller';
  readonly w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
  words: string[] | null = null;
  /** What restoreAssets saw: 'saved', or 'legacy' for a folder written without assets. */
  restoredFrom: string | null = null;

  getConfig(): JsonObject {
    return {};
  }
  namedWeights(): Record<string, tf.Variable> {
    return { w: this.w };
  }
  assets(): Record<string, string> {
    return this.words ? { 'words.txt': this.words.join('\n') } : {};
  }
  async restoreAssets(files: AssetFiles): Promise<void> {
    if (files.has('words.txt')) {
      this.words = (await files.readText('words.txt')).split('\n');
      this.restoredFrom = 'saved';
    } else {
      this.restoredFrom = 'legacy';
    }
  }
  dispose(): void {
    this.w.dispose();
  }
}

/** Two spellers, as TriMod holds its encoders: each part's files are kept apart by its name. */
class Pair implements Saveable, HasAssets {
  readonly className = 'test.Pair';
  constructor(readonly parts: { a: Speller; b: Speller } = { a: new Speller(), b: new Speller() }) {}
  getConfig(): JsonObject {
    return {};
  }
  namedWeights(): Record<string, tf.Variable> {
    return { 'a/w': this.parts.a.w, 'b/w': this.parts.b.w };
  }
  assets() {
    return collectAssets(this.parts);
  }
  restoreAssets(files: AssetFiles) {
    return restoreAssets(this.parts, files);
  }
}

registerClass('test.Speller', () => new Speller());
registerClass('test.Pair', () => new Pair());

let root: string;
let n = 0;
const freshDir = (): string => join(root, `m${++n}`);

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'trimod-artifact-assets-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('module assets', () => {
  it('are saved beside the weights and given back on load', async () => {
    const dir = freshDir();
    const s = new Speller();
    s.words = ['one', 'two'];
    await saveModule(s, dir);
    s.dispose();
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of1.bin', 'model.json', 'words.txt']);
    const back = await loadModule<Speller>(dir);
    expect([back.words, back.restoredFrom]).toEqual([['one', 'two'], 'saved']);
    back.dispose();
  });

  it('of a composite are kept per part, under the part name', async () => {
    const dir = freshDir();
    const pair = new Pair();
    pair.parts.a.words = ['alpha'];
    pair.parts.b.words = ['beta'];
    await saveModule(pair, dir);
    expect((await readdir(dir)).filter((f) => f.endsWith('.txt')).sort()).toEqual(['a.words.txt', 'b.words.txt']);
    const back = await loadModule<Pair>(dir);
    expect([back.parts.a.words, back.parts.b.words]).toEqual([['alpha'], ['beta']]);
    for (const p of [pair, back]) Object.values(p.parts).forEach((x) => x.dispose());
  });

  it('let a module tell a folder saved before it had assets (it may fall back), not an error', async () => {
    const dir = freshDir();
    const s = new Speller();
    await saveModule(s, dir); // no words: no asset file, as an old folder
    s.dispose();
    const back = await loadModule<Speller>(dir);
    expect(back.restoredFrom).toBe('legacy');
    back.dispose();
  });

  it('refuse an extra file with an asset name instead of overwriting it', async () => {
    const s = new Speller();
    s.words = ['x'];
    await expect(saveModule(s, freshDir(), { extraFiles: { 'words.txt': 'other' } })).rejects.toThrow(/extra file "words.txt" has the name of one of the module's own assets/);
    s.dispose();
  });

  it('a corrupt asset fails the load naming the file, and the rebuilt module is disposed', async () => {
    const dir = freshDir();
    const s = new Speller();
    s.words = ['one'];
    await saveModule(s, dir);
    s.dispose();
    await writeFile(join(dir, 'words.txt'), 'tampered');
    const before = tf.memory().numTensors;
    await expect(loadModule(dir)).rejects.toThrow(join(dir, 'words.txt'));
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).extraFiles[0].path).toBe('words.txt');
  });
});
