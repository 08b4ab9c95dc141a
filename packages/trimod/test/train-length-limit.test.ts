import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { DataFormatError, parseTwitterNer, train } from '../src';
import { maxTrainTokens } from '../src/train/length-limit';
import { tinyTrainee, twitterText } from './toy/tiny-posts';

// Three short posts and, from line 10, one of 12 tokens; written for this test.
const long = Array.from({ length: 12 }, (_, i) => `w${i}\tO`);
const DATA = twitterText([
  ['IMGID:1', 'Kawhi\tB-PER', 'Leonard\tI-PER', 'wins\tO'],
  ['IMGID:2', 'Toronto\tB-LOC', 'tonight\tO'],
  ['IMGID:3', ...long],
  ['IMGID:4', 'The\tO', 'NBA\tB-ORG'],
]);
const posts = parseTwitterNer(DATA, 'long.txt');

const tiny = () => tinyTrainee(posts, { wordDim: 4, charDim: 3, charHidden: 2, wordHidden: 3, shapeDim: 0, fusionDim: 4, attentionDim: 2 });

beforeAll(async () => {
  await initBackend('cpu');
});

describe('training refuses posts too long for memory', () => {
  it('scales the limit with the batch size: 500 tokens at batch 32', () => {
    expect(maxTrainTokens(32)).toBe(500);
    expect(maxTrainTokens(10)).toBe(1600);
    expect(maxTrainTokens(64)).toBe(250);
  });

  it('names the file, the post line, its length and the limit before training starts', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-long-')), 'run');
    const model = tiny();
    const run = train(model, { train: posts, dev: posts, outDir, trainFile: 'data/long.txt', maxPostTokens: 10, epochs: 1, batchSize: 2 });
    await expect(run).rejects.toThrow(DataFormatError);
    await expect(run).rejects.toThrow('data/long.txt:10: this post has 12 tokens; training takes posts of at most 10 tokens');
    // Refused up front: no epoch ran, nothing was written.
    expect(readdirSync(path.dirname(outDir))).toEqual([]);
    model.dispose();
  });

  it('trains when every post is within the limit', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-long-')), 'run');
    const result = await train(tiny(), { train: posts, dev: posts, outDir, maxPostTokens: 12, epochs: 1, batchSize: 2 });
    expect(result.state.epochsDone).toBe(1);
    result.model.dispose();
  });
});
