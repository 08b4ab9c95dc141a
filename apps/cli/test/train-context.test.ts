import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// `trimod train --context transformer` trains a Transformer context in the text encoder; tiny
// data written by the test, one epoch, no word vectors.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-cli-context-'));
const DATA = 'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\n#\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\n';
const data = path.join(dir, 'train.txt');
writeFileSync(data, DATA);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
}

describe('trimod train --context', () => {
  it('transformer: trains and saves a text encoder with a Transformer context, which predict loads', () => {
    const out = path.join(dir, 'transformer');
    const r = run('train', '--train', data, '--dev', data, '--epochs', '1', '--embeddings', 'none', '--backend', 'wasm', '--context', 'transformer', '--out', out);
    expect(r.stderr).toContain('epoch 1');
    expect(r.status).toBe(0);
    const text = JSON.parse(readFileSync(path.join(out, 'model', 'model.json'), 'utf8')).config.encoders.text;
    expect(text.className).toBe('TextEncoder');
    expect(text.config).toMatchObject({ context: 'transformer', transformerDim: 128, transformerLayers: 2 });
    expect(text.config.wordHidden).toBeUndefined();
    const text2 = 'Kawhi Leonard wins in Toronto';
    const predicted = run('predict', '--model', path.join(out, 'model'), '--json', '--backend', 'wasm', text2);
    expect(predicted.status).toBe(0);
    const json = JSON.parse(predicted.stdout);
    expect(json.text).toBe(text2);
    expect(Array.isArray(json.entities)).toBe(true);
  });

  it('defaults to the word Bi-GRU', () => {
    const out = path.join(dir, 'default');
    const r = run('train', '--train', data, '--dev', data, '--epochs', '1', '--embeddings', 'none', '--backend', 'wasm', '--out', out);
    expect(r.status).toBe(0);
    const text = JSON.parse(readFileSync(path.join(out, 'model', 'model.json'), 'utf8')).config.encoders.text;
    expect(text.config).toMatchObject({ context: 'bigru', wordHidden: 150 });
  });

  it('refuses an unknown context before reading anything, naming the option', () => {
    const r = run('train', '--train', data, '--dev', data, '--context', 'lstm', '--out', path.join(dir, 'bad'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--context must be one of bigru, transformer, cnn, none, got "lstm"');
  });
});
