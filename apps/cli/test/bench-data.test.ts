import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { evaluateModel, labelsOf, parseTwitterNer, TriMod } from '@trimod/trimod';
import { tinyTagger } from './helpers/tiny-tagger';

// `trimod bench --data` on a tiny model and data file written by the test.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-bench-data-'));
const dataFile = path.join(dir, 'data.txt');
const POST = 'IMGID:{n}\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\nin\tO\nToronto\tB-LOC\n';
const DATA = Array.from({ length: 40 }, (_, n) => POST.replace('{n}', String(n))).join('\n');
let model: TriMod;

beforeAll(async () => {
  await initBackend('wasm');
  writeFileSync(dataFile, DATA);
  const posts = parseTwitterNer(DATA, dataFile);
  model = tinyTagger(posts.map((p) => p.tokens), labelsOf(posts), { seed: 1 });
  await model.save(path.join(dir, 'model'));
});
afterAll(() => model.dispose());

describe('trimod bench --data', () => {
  it('tags the file at batch 32 and 1, trains at batch 32, and reports the F1 eval gives and the peak memory', async () => {
    const r = spawnSync(process.execPath, [bin, 'bench', '--model', path.join(dir, 'model'), '--backends', 'wasm', '--data', dataFile, '--train-steps', '2', '--batch1-posts', '5', '--workers', '2', '--json'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.data).toBe(dataFile);
    const [w] = out.results;
    // The tag path as `trimod tag` runs it, with 2 workers and in this process: the same lines.
    expect(w).toMatchObject({ backend: 'wasm', posts: 40, batch1Posts: 5, trainSteps: 2, tagWorkers: 2, tagOutputsEqual: true });
    // The training figure is trimod train's own step, with the fused Adam that wasm has.
    expect(w.trainOptimizer).toBe('TrimodFusedAdam');
    for (const k of ['tagPostsPerSecondBatch32', 'tagPostsPerSecondBatch32OneWorker', 'tagCpuSeconds', 'evalPostsPerSecondBatch32', 'msPerPostBatch1', 'trainSentencesPerSecond', 'peakRssMb']) expect(w[k]).toBeGreaterThan(0);
    const posts = parseTwitterNer(DATA, dataFile);
    expect(w.f1).toBeCloseTo((await evaluateModel(model, posts)).f1, 6);
  });

  it('names a --data file that does not exist before starting a backend', () => {
    const r = spawnSync(process.execPath, [bin, 'bench', '--data', path.join(dir, 'nope.txt')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--data: no such file: .*nope\.txt/);
  });
});
