import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend, webGpuUnavailableReason } from '@trimod/core';
import { parseTwitterNer, labelsOf } from '@trimod/trimod';
import { tinyTagger } from './helpers/tiny-tagger';

// A tiny model and data file written by the test; the commands run as a user runs them.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-cli-model-'));
const dataFile = path.join(dir, 'data.txt');
const modelDir = path.join(dir, 'model');
const DATA = 'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\n#\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\n';
const run = (...args: string[]) => execFileSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(async () => {
  await initBackend('wasm');
  writeFileSync(dataFile, DATA);
  const posts = parseTwitterNer(DATA, dataFile);
  const model = tinyTagger(posts.map((p) => p.tokens), labelsOf(posts), { seed: 1 });
  await model.save(modelDir);
  model.dispose();
});

describe('trimod eval', () => {
  it('--json prints exactly one JSON object with the contract keys, scores in 0..1', () => {
    const out = run('eval', '--model', modelDir, '--data', dataFile, '--json', '--backend', 'wasm');
    const lines = out.trim().split('\n');
    expect(lines.length).toBe(1);
    const r = JSON.parse(lines[0]);
    expect(Object.keys(r).sort()).toEqual(['backend', 'f1', 'perType', 'precision', 'recall', 'seconds', 'sentences']);
    expect(r.backend).toBe('wasm');
    expect(r.sentences).toBe(2);
    for (const k of ['precision', 'recall', 'f1']) expect(r[k] >= 0 && r[k] <= 1).toBe(true);
    for (const t of Object.values(r.perType) as Array<Record<string, number>>) {
      expect(Object.keys(t).sort()).toEqual(['f1', 'precision', 'recall', 'support']);
    }
  });

  it('names file and line of a malformed data file', () => {
    const bad = path.join(dir, 'bad.txt');
    writeFileSync(bad, 'IMGID:1\nKawhi B-PER\n');
    expect(() => run('eval', '--model', modelDir, '--data', bad, '--json')).toThrow(/bad\.txt:2: expected "token<TAB>tag"/);
  });
});

describe('trimod predict', () => {
  it('--json gives entities with offsets into the text', () => {
    const text = 'Kawhi Leonard wins in #Toronto';
    const r = JSON.parse(run('predict', '--model', modelDir, '--json', '--backend', 'wasm', text));
    expect(r.text).toBe(text);
    expect(r.backend).toBe('wasm');
    expect(Array.isArray(r.entities)).toBe(true);
    for (const e of r.entities) expect(text.slice(e.start, e.end)).toBe(e.text);
  });

  it('with --backend auto, says in --json which backend ran; stderr stays quiet where no GPU adapter can exist', async () => {
    const r = spawnSync(process.execPath, [bin, 'predict', '--model', modelDir, '--json', 'Kawhi wins'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(['webgpu', 'wasm']).toContain(out.backend);
    if ((await webGpuUnavailableReason()) !== null) {
      expect(out.backend).toBe('wasm');
      expect(r.stderr).toBe(''); // no Dawn warnings (Vulkan, XDG_RUNTIME_DIR)
    }
  });

  it('prints a readable answer for a post with no tokens', () => {
    expect(run('predict', '--model', modelDir, '--backend', 'wasm', '   ')).toMatch(/no entities/);
  });

  it('says so when the model folder does not exist', () => {
    expect(() => run('predict', '--model', path.join(dir, 'nope'), 'hello')).toThrow(/nope/);
  });
});

describe('the bundled default model', () => {
  it('loads without --model and finds a person in a plain post', () => {
    const text = 'Kawhi Leonard wins the fan vote for Block of the Year !';
    const r = JSON.parse(run('predict', '--json', '--backend', 'wasm', text));
    const per = r.entities.find((e: { type: string }) => e.type === 'PER');
    expect(per).toMatchObject({ text: 'Kawhi Leonard', start: 0, end: 13 });
    expect(per.score).toBeGreaterThan(0.5);
  });
});
