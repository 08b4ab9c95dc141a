import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// `trimod train` with a post longer than training's memory limit (500 tokens at the default
// batch size 32) must stop before training with file:line and the limit, not die in wasm.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const LONG = Array.from({ length: 501 }, (_, i) => `w${i}\tO`).join('\n');
const DATA = `IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\n${LONG}\n\nIMGID:3\nThe\tO\nNBA\tB-ORG\n`;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trimod-train-long-'));
  writeFileSync(path.join(dir, 'long.txt'), DATA);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('trimod train refuses a post over the length limit, naming file, line, length and limit', () => {
  const args = [bin, 'train', '--train', 'long.txt', '--dev', 'long.txt', '--embeddings', 'none', '--backend', 'wasm', '--out', 'run', '--epochs', '1'];
  const run = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('long.txt:6: this post has 501 tokens; training takes posts of at most 500 tokens');
  expect(run.stderr).not.toMatch(/memory access out of bounds|epoch 1/);
  expect(existsSync(path.join(dir, 'run', 'model'))).toBe(false);
});
