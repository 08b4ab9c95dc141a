import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { labelsOf, parseTwitterNer } from '@trimod/trimod';
import { tinyTagger } from './helpers/tiny-tagger';

// Bad data files, written by the test, given to the built `trimod` as a user would.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-cli-data-'));
const GOOD = 'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\n#\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\n';
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const modelDir = path.join(dir, 'model');
const labels = labelsOf(parseTwitterNer(GOOD));

beforeAll(async () => {
  await initBackend('wasm');
  const posts = parseTwitterNer(GOOD);
  const model = tinyTagger(posts.map((p) => p.tokens), labels, { seed: 1 });
  await model.save(modelDir);
  model.dispose();
});

describe('trimod eval: data files', () => {
  it('refuses a gold tag the model does not know, naming file:line and the model\'s labels', () => {
    const data = file('foo.txt', GOOD + '\nIMGID:3\nthe\tO\nFoo\tB-FOO\n');
    const r = run('eval', '--model', modelDir, '--data', data, '--json', '--backend', 'wasm');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${data}:14: tag "B-FOO" is not one of the model's labels (${labels.join(', ')})`);
    expect(r.stdout).toBe('');
  });

  it('refuses an empty or blank data file, naming it', () => {
    for (const [name, content] of [['empty.txt', ''], ['blank.txt', '\n\n   \n']]) {
      const data = file(name, content);
      const r = run('eval', '--model', modelDir, '--data', data, '--json', '--backend', 'wasm');
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`no posts in ${data}`);
    }
  });

  it('reads data and captions that start with a byte-order mark', () => {
    const data = file('bom.txt', '\uFEFF' + GOOD);
    const caps = file('bom.json', '\uFEFF{"1.jpg": "a basketball player"}');
    const r = run('eval', '--model', modelDir, '--data', data, '--captions', caps, '--json', '--backend', 'wasm');
    expect(r.stderr).not.toMatch(/trimod:/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).sentences).toBe(2);
  });

  it('names file:line of bytes that are not UTF-8', () => {
    const data = file('latin1.txt', Buffer.concat([Buffer.from(GOOD + '\nZ'), Buffer.from([0xfc]), Buffer.from('rich\tB-LOC\n')]));
    const r = run('eval', '--model', modelDir, '--data', data, '--json', '--backend', 'wasm');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${data}:12: invalid UTF-8 (byte 0xfc`);
  });
});

describe('trimod train: data files are checked first', () => {
  const train = file('train.txt', GOOD);

  it('names an empty training file, and an empty dev file', () => {
    const empty = file('none.txt', '');
    let r = run('train', '--train', empty, '--dev', train, '--embeddings', 'none', '--out', path.join(dir, 'r1'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no posts in ${empty}`);
    r = run('train', '--train', train, '--dev', empty, '--embeddings', 'none', '--out', path.join(dir, 'r2'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no posts in ${empty}`);
  });

  it('names the dev file and line of a tag the training data lacks, before the backend and word vectors load', () => {
    const dev = file('dev-foo.txt', 'IMGID:7\nthe\tO\nFoo\tB-FOO\n');
    const r = run('train', '--train', train, '--dev', dev, '--out', path.join(dir, 'r3'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${dev}:3: tag "B-FOO" is not one of the training data's (${train}) labels`);
    expect(r.stderr).not.toMatch(/backend:|word vectors/);
  });

  it('--bio refuse names the IOB1 leftovers; --bio anything else is refused', () => {
    const iob1 = file('iob1.txt', 'IMGID:1\nKawhi\tI-PER\nLeonard\tI-PER\n\nthe\tO\nNBA\tI-ORG\n');
    let r = run('train', '--train', iob1, '--dev', train, '--bio', 'refuse', '--out', path.join(dir, 'r4'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${iob1}:2: 2 I- tags continue no entity (IOB1 leftovers; BIO needs B- first): ${iob1}:2 (post start → I-PER), ${iob1}:6 (O → I-ORG)`);
    r = run('train', '--train', iob1, '--dev', train, '--bio', 'fix', '--out', path.join(dir, 'r5'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--bio: expected "repair" or "refuse", got "fix"');
  });
});
