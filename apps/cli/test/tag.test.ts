import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { parseTwitterNer, TriMod, labelsOf } from '@trimod/trimod';
import { tinyTagger } from './helpers/tiny-tagger';

// A tiny model written by the test; `trimod tag` runs as a user runs it, from the built binary.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-tag-'));
const modelDir = path.join(dir, 'model');
const DATA = 'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\n#\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\n';
const WORDS = ['Kawhi', 'Leonard', 'wins', 'in', 'Toronto', '#NBA', 'the', 'Raptors', '@kawhi', '!'];
let model: TriMod;

function tag(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, 'tag', '--model', modelDir, '--backend', 'wasm', '--quiet', ...args], { cwd: dir, input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const parseLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));
const post = (i: number) => Array.from({ length: 1 + (i % 9) }, (_, k) => WORDS[(i * 3 + k) % WORDS.length]).join(' ');

beforeAll(async () => {
  await initBackend('wasm');
  const posts = parseTwitterNer(DATA, 'data.txt');
  model = tinyTagger(posts.map((p) => p.tokens), labelsOf(posts), { captionMatchDim: 3, seed: 2 });
  await model.save(modelDir);
});
afterAll(() => model.dispose());

describe('trimod tag', () => {
  it('tags JSONL from stdin and from a file with --out: one line per record, in order, the same entities as predict', async () => {
    const records = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? { text: post(i) } : { id: `r${i}`, text: post(i), caption: i % 3 ? 'Toronto at night' : undefined }));
    const jsonl = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const fromStdin = tag(['--batch-size', '7'], jsonl);
    expect(fromStdin.status).toBe(0);
    const file = path.join(dir, 'posts.jsonl');
    writeFileSync(file, jsonl);
    const out = path.join(dir, 'posts.out.jsonl');
    const fromFile = tag([file, '--out', out]);
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(fromStdin.stdout);

    const lines = parseLines(fromStdin.stdout);
    const expected = await model.predict(records.map((r) => ({ text: r.text, caption: r.caption ?? null })));
    expect(lines.map((l) => l.id)).toEqual(records.map((r, i) => ('id' in r ? r.id : i + 1)));
    lines.forEach((l, i) => {
      expect(l.text).toBe(records[i].text);
      expect(l.caption).toBe(records[i].caption);
      expect(l.entities.map((e: { start: number; end: number; type: string }) => [e.start, e.end, e.type])).toEqual(expected[i].entities.map((e) => [e.start, e.end, e.type]));
    });
  });

  it('gives each bad record an error line, tags the rest, and exits 3', () => {
    const input = ['{"id": "a", "text": "Kawhi wins"}', 'not json', '{"id": "b"}', '', '{"id": "c", "text": "Toronto", "caption": 5}', '[1]', '{"text": "Leonard"}'].join('\n');
    const r = tag(['-'], input);
    expect(r.status).toBe(3);
    const lines = parseLines(r.stdout);
    expect(lines.map((l) => l.id)).toEqual(['a', 2, 'b', 'c', 6, 7]);
    expect(lines.map((l) => l.error ?? null)).toEqual([
      null,
      expect.stringMatching(/^stdin:2: not JSON/),
      'the post has no "text"',
      '"caption" must be a string or null, got number 5',
      'stdin:6: expected an object {"text": ...}',
      null,
    ]);
    expect(r.stderr).toMatch(/4 record\(s\) could not be tagged/);
  });

  it('reads plain text (ids are line numbers) and Twitter-format files (ids are IMGIDs, captions from --captions)', async () => {
    const textFile = path.join(dir, 'posts.txt');
    writeFileSync(textFile, '\uFEFFKawhi Leonard wins\n\nthe Raptors in Toronto\n');
    const text = tag([textFile, '--format', 'text']);
    expect(text.status).toBe(0);
    expect(parseLines(text.stdout).map((l) => [l.id, l.text])).toEqual([
      [1, 'Kawhi Leonard wins'],
      [2, ''],
      [3, 'the Raptors in Toronto'],
    ]);

    const twitter = path.join(dir, 'tweets.txt');
    writeFileSync(twitter, DATA);
    const captions = path.join(dir, 'captions.json');
    writeFileSync(captions, JSON.stringify({ '2.jpg': 'a basketball game in Toronto' }));
    const r = tag([twitter, '--captions', captions]);
    expect(r.status).toBe(0);
    const lines = parseLines(r.stdout);
    expect(lines.map((l) => [l.id, l.text, l.caption])).toEqual([
      ['1', 'Kawhi Leonard wins', undefined],
      ['2', '# NBA in Toronto', 'a basketball game in Toronto'],
    ]);
    const [expected] = await model.predict([{ text: '# NBA in Toronto', caption: 'a basketball game in Toronto' }]);
    expect(lines[1].entities).toEqual(JSON.parse(JSON.stringify(expected.entities)));
  });

  it('--workers 2 writes exactly what --workers 1 writes (and what stdin, tagged in this process, gives), errors and all', () => {
    const n = 300;
    const file = path.join(dir, 'workers.jsonl');
    const lines = Array.from({ length: n }, (_, i) => (i % 29 === 4 ? 'not json' : JSON.stringify(i % 5 ? { id: `w${i}`, text: post(i), caption: i % 3 ? 'Toronto at night' : undefined } : { text: post(i) })));
    writeFileSync(file, lines.join('\n') + '\n');
    const one = tag([file, '--workers', '1', '--batch-size', '8']);
    const two = tag([file, '--workers', '2', '--batch-size', '8']);
    expect(one.status).toBe(3);
    expect(two.status).toBe(3);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stdout).toBe(one.stdout);
    expect(parseLines(two.stdout).map((l) => l.id)).toEqual(lines.map((l, i) => (i % 5 && l !== 'not json' ? `w${i}` : i + 1)));
    // Read from stdin (1 worker by default), errors name stdin instead of the file.
    expect(tag(['-', '--batch-size', '8'], lines.join('\n') + '\n').stdout).toBe(one.stdout.split(file).join('stdin'));
    expect(tag([file, '--workers', '0']).stderr).toMatch(/--workers must be a positive integer, got "0"/);
  });

  it('names a model that --workers cannot load, without hanging', () => {
    const file = path.join(dir, 'few.jsonl');
    writeFileSync(file, '{"text": "Kawhi"}\n');
    const notModel = mkdtempSync(path.join(tmpdir(), 'trimod-not-a-model-'));
    writeFileSync(path.join(notModel, 'model.json'), '{"className": "TriMod"');
    const r = spawnSync(process.execPath, [bin, 'tag', file, '--model', notModel, '--backend', 'wasm', '--workers', '2', '--quiet'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^trimod: tagger worker [12] could not start: .*model\.json/);
  });

  it('refuses bad options before loading anything', () => {
    expect(tag(['--batch-size', '0'], '').stderr).toMatch(/--batch-size must be a positive integer, got "0"/);
    expect(tag(['--format', 'csv'], '').stderr).toMatch(/--format must be one of jsonl, text, twitter, got "csv"/);
    expect(tag([path.join(dir, 'nope.jsonl')]).stderr).toMatch(/input file .*nope\.jsonl does not exist/);
    expect(tag(['--resume'], '').stderr).toMatch(/--resume needs --out/);
  });

  it('--resume after a SIGKILL mid-run gives the file an uninterrupted run gives: no duplicate id, no torn line', async () => {
    const n = 2000;
    const file = path.join(dir, 'many.jsonl');
    writeFileSync(file, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `m${i}`, text: post(i) })).join('\n') + '\n');
    const whole = path.join(dir, 'whole.jsonl');
    expect(tag([file, '--out', whole, '--batch-size', '4']).status).toBe(0);

    const cut = path.join(dir, 'cut.jsonl');
    // Killed and resumed with two worker threads (the whole run above: this machine's default).
    const child = spawn(process.execPath, [bin, 'tag', file, '--out', cut, '--batch-size', '4', '--workers', '2', '--model', modelDir, '--backend', 'wasm', '--quiet'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (!(existsSync(cut) && statSync(cut).size > 2000) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const partial = readFileSync(cut, 'utf8');
    expect(partial.split('\n').length - 1).toBeLessThan(n);
    appendFileSync(cut, '{"id":"m'); // as if the process died inside a line

    const resumed = tag([file, '--out', cut, '--batch-size', '4', '--resume', '--workers', '2']);
    expect(resumed.status).toBe(0);
    const text = readFileSync(cut, 'utf8');
    expect(text).toBe(readFileSync(whole, 'utf8'));
    const ids = parseLines(text).map((l) => l.id);
    expect(new Set(ids).size).toBe(n);
  });

  it('--resume refuses an output written from another input', () => {
    const file = path.join(dir, 'other.jsonl');
    writeFileSync(file, '{"id": "x1", "text": "Kawhi"}\n{"id": "x2", "text": "Toronto"}\n');
    const out = path.join(dir, 'other.out.jsonl');
    writeFileSync(out, '{"id":"y1","text":"Kawhi","entities":[]}\n');
    const r = tag([file, '--out', out, '--resume']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--resume: .*other\.out\.jsonl ends with record "y1" but record 1 of the input is "x1": not the same input/);
  });
});
