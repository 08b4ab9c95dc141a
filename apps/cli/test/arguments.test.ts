import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// Bad option values fail at once (well under the seconds a backend start or a model load takes),
// with status 1 and a message naming the option, and write nothing.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trimod-args-'));
  writeFileSync(path.join(dir, 'a-file'), 'not a folder\n');
  writeFileSync(path.join(dir, 'data.txt'), 'IMGID:1\nKawhi\tB-PER\nwins\tO\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fails(args: string[], message: RegExp): void {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: expect.stringMatching(message) });
  expect(r.stdout).toBe('');
  expect(Date.now() - t0).toBeLessThan(15_000);
}

describe('option values are checked before any heavy work', () => {
  it.each([
    [['predict', '--backend', 'gpu', 'hi'], /--backend must be one of webgpu, wasm, cpu, auto, got "gpu"/],
    [['predict', '--model', 'a-file', 'hi'], /--model: .*a-file is a file, not a folder/],
    [['predict', '--model', 'nope', 'hi'], /--model: no such folder: .*nope/],
    [['predict', '--model', '.', 'hi'], /--model: .* holds no model\.json/],
    [['predict', '--image', 'nope.png', 'hi'], /--image: no such file: .*nope\.png/],
    [['segment', '--mode', 'fast', '#a'], /--mode must be one of combined, lm, neural, got "fast"/],
    [['segment', '--backend', 'tpu', '#a'], /--backend must be one of/],
    [['segment', '--model', 'nope', '#a'], /--model: no such folder/],
    [['caption', '--beam', 'two', 'x.png'], /--beam must be a positive integer, got "two"/],
    [['caption', '--weights', 'nope', 'x.png'], /--weights: no such folder/],
    [['bench', '--backends', 'wasm,tpu'], /--backends: unknown value "tpu"/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--epochs', 'abc'], /--epochs must be a positive integer, got "abc"/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--epochs', '-1'], /--epochs must be a positive integer, got "-1"/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--out', 'a-file'], /--out: .*a-file is a file, not a folder/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--out', 'a-file/run'], /--out: .*a-file is a file, not a folder/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--patience', '0'], /--patience must be a positive integer/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--lr', 'fast'], /--lr must be a positive number, got "fast"/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--batch-size', '1.5'], /--batch-size must be a positive integer/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--seed', '-3'], /--seed must be an integer ≥ 0/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--pretrained-words', 'many'], /--pretrained-words must be an integer ≥ 0/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--modalities', 'text,audio'], /--modalities: unknown value "audio"/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--modalities', 'text,visual'], /--modalities: visual needs --captions/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--optimizer', 'sgd'], /--optimizer must be one of adam, paper/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--modality-dropout', '1'], /--modality-dropout must be a number from 0 up to \(not including\) 1, got "1"/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--fusion', 'sum'], /--fusion must be one of attention, gated-attention, concat/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--backend', 'gpu'], /--backend must be one of/],
    [['train', '--train', 'nope.txt', '--dev', 'data.txt'], /--train: no such file: .*nope\.txt/],
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--embeddings', 'vectors.txt'], /--embeddings: no such file/],
    // --images was accepted and ignored (training reads captions); it is gone, not silently skipped.
    [['train', '--train', 'data.txt', '--dev', 'data.txt', '--images', 'pics'], /unknown option '--images'/],
    [['eval', '--data', 'nope.txt'], /--data: no such file/],
    [['eval', '--data', 'data.txt', '--model', 'nope'], /--model: no such folder/],
    [['eval', '--data', 'data.txt', '--captions', 'nope.json'], /--captions: no such file/],
    [['eval', '--data', 'data.txt', '--backend', 'gpu'], /--backend must be one of/],
    [['bench', '--backends', 'wasm', '--model', 'nope'], /--model: no such folder/],
  ])('%j', (args, message) => fails(args as string[], message as RegExp));
});
