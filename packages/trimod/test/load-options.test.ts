import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { createHashtagEncoder, HashtagEncoder, HashtagSegmenter, Lexicon, loadSegmenter } from '@trimod/hashtag-segmenter';
import { initBackend } from '@trimod/core';
import { TriMod } from '../src';

// TriMod.load({ segmenter }): where a model with a hashtag encoder gets its word lexicon back
// (a browser has no package folder, so it passes a URL or a segmenter it loaded itself).

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-MISC', 'I-MISC'];
const TOKENS = [['Kawhi', 'wins', '#', 'NBAFinals', 'tonight']];

let dir: string;
let shipped: HashtagSegmenter;

beforeAll(async () => {
  await initBackend('wasm');
  shipped = await loadSegmenter();
  const { words, chars } = buildVocabularies(TOKENS);
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 8, charDim: 4, charHidden: 4, wordHidden: 6, shapeDim: 2, seed: 3 });
  const hashtag = await createHashtagEncoder({ outputDim: 8, seed: 3 }, shipped);
  const model = TriMod.create({ labels: LABELS, text, hashtag: hashtag as never, fusion: { outputDim: 8, attentionDim: 4 }, seed: 3 });
  dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-load-')), 'm');
  await model.save(dir);
  model.dispose();
});

afterAll(() => shipped?.dispose());

function hashtagEncoderOf(model: TriMod): HashtagEncoder {
  if (!(model.hashtag instanceof HashtagEncoder)) throw new Error('expected a hashtag encoder');
  return model.hashtag;
}

describe('TriMod.load segmenter option', () => {
  it('uses the lexicon of a segmenter passed in', async () => {
    // A lexicon that knows only "nbafinals" as one cheap word keeps the hashtag whole; the
    // shipped lexicon splits it.
    const oneWord = new HashtagSegmenter(null, new Lexicon([['nbafinals', 1]]));
    const mine = await TriMod.load(dir, { segmenter: oneWord });
    const byDefault = await TriMod.load(dir);
    expect(hashtagEncoderOf(byDefault).segmentTokens(['#NBAFinals'])).toEqual([['NBA', 'Finals']]);
    expect(hashtagEncoderOf(mine).segmentTokens(['#NBAFinals'])).toEqual([['NBAFinals']]);
    mine.dispose();
    byDefault.dispose();
  });

  async function tensorsLeftBy(load: () => Promise<TriMod | null>): Promise<number> {
    const before = tf.memory().numTensors;
    (await load())?.dispose();
    return tf.memory().numTensors - before;
  }

  it('loads the lexicon from a segmenter folder given as a location, without keeping its network', async () => {
    const folder = path.resolve(__dirname, '../../hashtag-segmenter/model');
    const model = await TriMod.load(dir, { segmenter: folder });
    expect(hashtagEncoderOf(model).segmentTokens(['#NBAFinals'])).toEqual([['NBA', 'Finals']]);
    model.dispose();
    const baseline = await tensorsLeftBy(() => TriMod.load(dir, { segmenter: shipped }));
    expect(await tensorsLeftBy(() => TriMod.load(dir, { segmenter: folder }))).toBe(baseline);
  });

  it('fails naming the segmenter location when it cannot be read, and disposes the model it rebuilt', async () => {
    const missing = path.join(tmpdir(), 'no-such-segmenter-folder');
    await expect(TriMod.load(dir, { segmenter: missing })).rejects.toThrow(missing);
    const baseline = await tensorsLeftBy(() => TriMod.load(dir, { segmenter: shipped }));
    const failed = await tensorsLeftBy(() => TriMod.load(dir, { segmenter: missing }).catch(() => null));
    expect(failed).toBe(baseline);
  });
});

describe('encoder classes', () => {
  it('are all registered once @trimod/trimod is imported, so a bundle that keeps TriMod can load any saved model', async () => {
    const { checkEncoderClasses } = await import('../src/model/encoder-classes');
    expect(() => checkEncoderClasses()).not.toThrow();
    const { isRegistered } = await import('@trimod/core');
    for (const name of ['TextEncoder', 'CharCnnEncoder', 'HashtagEncoder', 'VisualEncoder']) expect(isRegistered(name)).toBe(true);
  });
});
