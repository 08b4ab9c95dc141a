import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { createHashtagEncoder, HashtagEncoder, HashtagSegmenter, Lexicon, loadSegmenter } from '@trimod/hashtag-segmenter';
import { initBackend } from '@trimod/core';
import { TriMod } from '../src';

// A model with a hashtag encoder saves the encoder's word lexicon with it (core's module assets,
// `hashtag.lexicon.txt`), so TriMod.load needs no segmenter and no special case. Models saved
// before that (no lexicon file, no lexicon flag) get the shipped segmenter's lexicon, as before.

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-MISC', 'I-MISC'];
const TOKENS = [['Kawhi', 'wins', '#', 'NBAFinals', 'tonight']];

let root: string;
let shipped: HashtagSegmenter;
let n = 0;

beforeAll(async () => {
  await initBackend('wasm');
  shipped = await loadSegmenter();
  root = mkdtempSync(path.join(tmpdir(), 'trimod-load-'));
});

afterAll(() => shipped?.dispose());

/** Saves a tiny TriMod whose hashtag encoder segments with `segmenter`'s lexicon. */
async function savedModel(segmenter: HashtagSegmenter): Promise<string> {
  const { words, chars } = buildVocabularies(TOKENS);
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 8, charDim: 4, charHidden: 4, wordHidden: 6, shapeDim: 2, seed: 3 });
  const hashtag = await createHashtagEncoder({ outputDim: 8, seed: 3 }, segmenter);
  const model = TriMod.create({ labels: LABELS, text, hashtag: hashtag as never, fusion: { outputDim: 8, attentionDim: 4 }, seed: 3 });
  const dir = path.join(root, `m${++n}`);
  await model.save(dir);
  model.dispose();
  return dir;
}

function hashtagEncoderOf(model: TriMod): HashtagEncoder {
  if (!(model.hashtag instanceof HashtagEncoder)) throw new Error('expected a hashtag encoder');
  return model.hashtag;
}

async function tensorsLeftBy(load: () => Promise<TriMod | null>): Promise<number> {
  const before = tf.memory().numTensors;
  (await load())?.dispose();
  return tf.memory().numTensors - before;
}

describe('TriMod with a hashtag encoder: the lexicon travels with the model', () => {
  it('is saved as hashtag.lexicon.txt and used after loading (not the shipped one)', async () => {
    // A lexicon that knows only "nbafinals" as one cheap word keeps the hashtag whole; the
    // shipped lexicon splits it.
    const oneWord = new HashtagSegmenter(shipped.model, new Lexicon([['nbafinals', 1]]));
    const dir = await savedModel(oneWord);
    expect(readFileSync(path.join(dir, 'hashtag.lexicon.txt'), 'utf8')).toBe(new Lexicon([['nbafinals', 1]]).toText());
    const model = await TriMod.load(dir);
    expect(hashtagEncoderOf(model).segmentTokens(['#NBAFinals'])).toEqual([['NBAFinals']]);
    model.dispose();
  });

  it('a model saved before encoders kept their lexicon gets the shipped lexicon, and leaves no tensor behind', async () => {
    const dir = await savedModel(new HashtagSegmenter(shipped.model, new Lexicon([['nbafinals', 1]])));
    // Make it look like a folder from before: no lexicon file, no lexicon flag in the config.
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    delete json.config.encoders.hashtag.config.lexicon;
    json.extraFiles = json.extraFiles.filter((f: { path: string }) => f.path !== 'hashtag.lexicon.txt');
    if (json.extraFiles.length === 0) delete json.extraFiles;
    writeFileSync(file, JSON.stringify(json));
    unlinkSync(path.join(dir, 'hashtag.lexicon.txt'));
    const model = await TriMod.load(dir);
    expect(hashtagEncoderOf(model).segmentTokens(['#NBAFinals'])).toEqual([['NBA', 'Finals']]);
    model.dispose();
    await tensorsLeftBy(() => TriMod.load(dir));
    expect(await tensorsLeftBy(() => TriMod.load(dir))).toBe(0);
  });

  it('a missing lexicon file fails naming the file, and disposes the model it rebuilt', async () => {
    const dir = await savedModel(shipped);
    unlinkSync(path.join(dir, 'hashtag.lexicon.txt'));
    expect(existsSync(path.join(dir, 'model.json'))).toBe(true);
    await expect(TriMod.load(dir)).rejects.toThrow(path.join(dir, 'hashtag.lexicon.txt'));
    expect(await tensorsLeftBy(() => TriMod.load(dir).catch(() => null))).toBe(0);
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
