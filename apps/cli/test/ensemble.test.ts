import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { evaluateModel, labelsOf, parseTwitterNer, TriModEnsemble } from '@trimod/trimod';
import { tinyTagger } from './helpers/tiny-tagger';

// `--model a,b` in eval and tag, run as a user runs them (the built binary), against the
// library's ensemble of the same tiny models (written by the test) in this process.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-cli-ensemble-'));
const dataFile = path.join(dir, 'data.txt');
const DATA = [
  'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\nin\tO\nToronto\tB-LOC',
  'IMGID:2\n#\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC',
  'IMGID:3\nLeonard\tB-PER\nloves\tO\nthe\tO\nNBA\tB-ORG\n!\tO',
  'IMGID:4\nThe\tO\nRaptors\tB-ORG\nwin\tO\nin\tO\nToronto\tB-LOC',
].join('\n\n') + '\n';
const posts = parseTwitterNer(DATA, dataFile);
const a = path.join(dir, 'a');
const b = path.join(dir, 'b');
const c = path.join(dir, 'c'); // another label set

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args, '--backend', 'wasm'], { cwd: dir, input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  await initBackend('wasm');
  writeFileSync(dataFile, DATA);
  const tokens = posts.map((p) => p.tokens);
  for (const [folder, seed, labels] of [[a, 1, labelsOf(posts)], [b, 2, labelsOf(posts)], [c, 3, ['O', 'B-PER', 'I-PER']]] as const) {
    const m = tinyTagger(tokens, [...labels], { seed, captionMatchDim: seed === 2 ? 3 : 0 });
    await m.save(folder);
    m.dispose();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--model a,b (an ensemble)', () => {
  it.each(['scores', 'marginals'])('eval scores what the library\'s ensemble of the same models scores (--combine %s)', async (combine) => {
    const r = run(['eval', '--model', `${a},${b}`, '--combine', combine, '--data', dataFile, '--json']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout);
    const ensemble = await TriModEnsemble.load([a, b], { combine: combine as 'scores' });
    const expected = await evaluateModel(ensemble, posts);
    ensemble.dispose();
    expect(got.f1).toBeCloseTo(expected.f1, 10);
    expect(got.perType).toEqual(expected.perType);
  });

  it('eval of a model listed twice scores the model itself (default combination)', () => {
    const one = JSON.parse(run(['eval', '--model', a, '--data', dataFile, '--json']).stdout);
    const twice = JSON.parse(run(['eval', '--model', `${a},${a}`, '--data', dataFile, '--json']).stdout);
    expect(twice.perType).toEqual(one.perType);
    expect(twice.f1).toBe(one.f1);
  });

  it('tag writes the ensemble\'s entities for each post', async () => {
    const texts = ['Kawhi Leonard wins in Toronto', 'The Raptors love the NBA', 'Leonard !'];
    const r = run(['tag', '--model', `${a},${b}`, '--quiet', '--format', 'text'], texts.join('\n') + '\n');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const ensemble = await TriModEnsemble.load([a, b]);
    const expected = await ensemble.predict(texts);
    ensemble.dispose();
    expect(expected.some((p) => p.entities.length > 0)).toBe(true);
    expect(lines.map((l) => l.entities.map((e: { type: string; start: number; end: number }) => [e.type, e.start, e.end]))).toEqual(
      expected.map((p) => p.entities.map((e) => [e.type, e.start, e.end])),
    );
  });

  it('names the model whose labels differ, a missing model, a bad --combine, and --workers with an ensemble', () => {
    const mismatch = run(['eval', '--model', `${a},${c}`, '--data', dataFile, '--json']);
    expect(mismatch.status).not.toBe(0);
    expect(mismatch.stderr).toMatch(/model 2 \(.*[/\\]c\) tags \["O","B-PER","I-PER"\], not the label set of model 1/);
    const missing = run(['tag', '--model', `${a},${path.join(dir, 'nope')}`, '--quiet'], '{"text":"x"}\n');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/--model \(model ".*nope"\): no such folder/);
    const empty = run(['eval', '--model', `${a},`, '--data', dataFile]);
    expect(empty.stderr).toMatch(/--model: an empty model in the list/);
    const workers = run(['tag', '--model', `${a},${b}`, '--workers', '2', '--quiet'], '{"text":"x"}\n');
    expect(workers.stderr).toMatch(/--workers: an ensemble .* tags in this process only/);
    const combine = run(['eval', '--model', `${a},${b}`, '--combine', 'mean', '--data', dataFile]);
    expect(combine.stderr).toMatch(/--combine must be one of marginals, scores, got "mean"/);
  });
});
