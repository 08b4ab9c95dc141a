import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { createHashtagEncoder, loadSegmenter, type HashtagSegmenter } from '@trimod/hashtag-segmenter';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { labelsOf, parseTwitterNer, resumeTrain, train, TriMod, type TokenEncoder } from '../src';

// A tiny data set in the Twitter format, written for this test.
const posts = parseTwitterNer(
  [
    'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\nin\tO\nToronto\tB-LOC',
    'IMGID:2\n#\tO\nNBAFinals\tB-MISC\ntonight\tO\nin\tO\nOakland\tB-LOC',
    'IMGID:3\nLeonard\tB-PER\nloves\tO\nToronto\tB-LOC\n!\tO',
    'IMGID:4\nThe\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\n#\tO\nWeTheNorth\tO',
    'IMGID:5\nDrake\tB-PER\ncheers\tO\nfor\tO\nthe\tO\nRaptors\tB-ORG',
  ].join('\n\n'),
  'fixture.txt',
);

let segmenter: HashtagSegmenter;

/**
 * The same small model every time, with every source of dropout on (TriMod, text and hashtag
 * encoders). Three of the five posts have no hashtag, so some batches give the hashtag encoder no
 * gradient: that used to shift Adam's moment slots onto the wrong variables (and crash here).
 */
async function tiny(): Promise<TriMod> {
  const { words, chars } = buildVocabularies(posts.map((p) => p.tokens));
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed: 2 });
  const hashtag = (await createHashtagEncoder({ seed: 4, outputDim: 6 }, segmenter)) as unknown as TokenEncoder;
  return TriMod.create({ labels: labelsOf(posts), text, hashtag, fusion: { outputDim: 6, attentionDim: 3 }, dropout: 0.5, seed: 2 });
}

beforeAll(async () => {
  await initBackend('wasm');
  segmenter = await loadSegmenter();
});
afterAll(() => segmenter.dispose());

describe('a resumed run reproduces the uninterrupted run', () => {
  it('stopped after epoch 1 and resumed, epoch 2 has the same loss and dev F1 as a run never stopped', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'trimod-repro-'));
    const common = { train: posts, dev: posts, batchSize: 2, learningRate: 0.05, seed: 5 };

    const straight = await train(await tiny(), { ...common, epochs: 2, outDir: path.join(root, 'straight') });
    straight.model.dispose();

    const first = await train(await tiny(), { ...common, epochs: 1, outDir: path.join(root, 'stopped') });
    first.model.dispose();
    const resumed = await resumeTrain({ ...common, epochs: 2, outDir: path.join(root, 'stopped') });
    resumed.model.dispose();

    const [a, b] = [straight.state.history, resumed.state.history];
    expect(b.map((h) => h.epoch)).toEqual([0, 1]);
    expect(b[0].loss).toBe(a[0].loss);
    expect(b[1].loss).toBe(a[1].loss);
    expect(b[1].devF1).toBe(a[1].devF1);
    // The masks were random: without dropout state the second epoch would repeat the first's masks.
    expect(resumed.state.random).toEqual(straight.state.random);
    rmSync(root, { recursive: true, force: true });
  });
});
