import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { labelsOf, parseTwitterNer, TriMod } from '../src';

// A model.json is input: sizes in its config must not make loading hang or allocate gigabytes.
const posts = parseTwitterNer('IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\nin\tO\nToronto\tB-LOC\n', 'fixture.txt');
let dir: string;
let modelJson: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(path.join(tmpdir(), 'trimod-huge-'));
  const { words, chars } = buildVocabularies(posts.map((p) => p.tokens));
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed: 2 });
  const model = TriMod.create({ labels: labelsOf(posts), text, fusion: { outputDim: 6, attentionDim: 3 }, seed: 2 });
  await model.save(path.join(dir, 'model'));
  model.dispose();
  modelJson = readFileSync(path.join(dir, 'model', 'model.json'), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The saved model with its model.json's config edited (the weight shards stay those of the small model). */
type Config = { encoders: { text: { config: Record<string, unknown> } }; fusion: Record<string, unknown>; captionMatchDim: number };

function withConfig(edit: (config: Config) => void): string {
  const json = JSON.parse(modelJson);
  edit(json.config);
  writeFileSync(path.join(dir, 'model', 'model.json'), JSON.stringify(json));
  return path.join(dir, 'model');
}

async function loadFails(folder: string, message: RegExp, seconds: number): Promise<void> {
  const t0 = performance.now();
  await expect(TriMod.load(folder)).rejects.toThrow(message);
  expect((performance.now() - t0) / 1000).toBeLessThan(seconds);
}

describe('loading a model.json that asks for huge layers', () => {
  it('refuses a size past the bound at once, naming the field', async () => {
    await loadFails(withConfig((c) => (c.encoders.text.config.wordHidden = 4000)), /TextEncoder: "wordHidden" must be at most 2048, got 4000/, 2);
    await loadFails(withConfig((c) => (c.fusion.outputDim = 100_000)), /ModalityFusion: "outputDim" must be at most 4096, got 100000/, 2);
    await loadFails(withConfig((c) => (c.captionMatchDim = 1e6)), /TriMod: "captionMatchDim" must be at most 4096/, 2);
  });

  it('fails on the weight shapes within seconds when the size is allowed but the shards do not match', async () => {
    // Drawing the initial weights of a 1500-unit Bi-GRU (orthogonal 1500 × 1500 matrices) took
    // about a minute before the manifest was checked; the build now skips them.
    await loadFails(withConfig((c) => (c.encoders.text.config.wordHidden = 1500)), /weight "text\/wordGru\/recurrentKernel" has shape \[3,2,5,5\] but the model expects \[3,2,1500,1500\]/, 10);
  });

  it('a model loaded without drawing initial values predicts the same and its dropout continues the same', async () => {
    const folder = withConfig(() => undefined);
    const loaded = await TriMod.load(folder);
    const built = TriMod.fromConfig(loaded.getConfig());
    expect(loaded.randomState()).toEqual(built.randomState());
    const again = await TriMod.load(folder);
    expect(await again.predict(['Kawhi Leonard wins in Toronto'])).toEqual(await loaded.predict(['Kawhi Leonard wins in Toronto']));
    [loaded, built, again].forEach((m) => m.dispose());
  });
});
