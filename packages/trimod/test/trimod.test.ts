import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { VisualEncoder } from '@trimod/image-captioner';
import { createHashtagEncoder } from '@trimod/hashtag-segmenter';
import { initBackend } from '@trimod/core';
import { modelTokens, TriMod } from '../src';
import { hashtagView } from '../src/model/trimod';

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-MISC', 'I-MISC'];
const POSTS = [
  { tokens: ['Kawhi', 'Leonard', 'wins', 'in', 'Toronto'], tags: ['B-PER', 'I-PER', 'O', 'O', 'B-LOC'] },
  { tokens: ['#', 'NBA', 'finals', 'tonight'], tags: ['O', 'B-ORG', 'O', 'O'] },
  { tokens: ['Leonard', 'loves', 'Toronto', '!'], tags: ['B-PER', 'O', 'B-LOC', 'O'] },
];

function tinyModel(seed = 1): TriMod {
  const { words, chars } = buildVocabularies(POSTS.map((p) => p.tokens));
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 8, charDim: 4, charHidden: 4, wordHidden: 6, shapeDim: 2, seed });
  return TriMod.create({ labels: LABELS, text, fusion: { outputDim: 8, attentionDim: 4 }, dropout: 0.1, seed });
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('modelTokens', () => {
  it('splits hashtag and mention sigils as the datasets do, keeping offsets', () => {
    const text = 'Go #NBA @kawhi!';
    const toks = modelTokens(text);
    expect(toks.map((t) => t.text)).toEqual(['Go', '#', 'NBA', '@', 'kawhi', '!']);
    for (const t of toks) expect(text.slice(t.start, t.end)).toBe(t.text);
  });
});

describe('TriMod', () => {
  it('learns a tiny data set and predicts entities with offsets, scores and modality weights', async () => {
    const model = tinyModel();
    const tagIdx = POSTS.map((p) => p.tags.map((t) => LABELS.indexOf(t)));
    const batch = { tokens: POSTS.map((p) => p.tokens) };
    const opt = tf.train.adam(0.05);
    let first = 0;
    let last = 0;
    for (let step = 0; step < 60; step++) {
      const cost = opt.minimize(() => model.loss(batch, tagIdx), true, model.trainableVariables())!;
      last = (await cost.data())[0];
      if (step === 0) first = last;
      cost.dispose();
    }
    expect(last).toBeLessThan(first / 4);
    const tags = await model.tagTokens(batch);
    expect(tags).toEqual(POSTS.map((p) => p.tags));

    const [pred] = await model.predict(['Kawhi Leonard wins in Toronto']);
    expect(pred.entities.map((e) => [e.text, e.type])).toEqual([
      ['Kawhi Leonard', 'PER'],
      ['Toronto', 'LOC'],
    ]);
    const per = pred.entities[0];
    expect([per.start, per.end]).toEqual([0, 13]);
    expect(per.score).toBeGreaterThan(0.5);
    expect(per.score).toBeLessThanOrEqual(1);
    // Text only: all weight on text.
    expect(per.modalityWeights.text).toBeCloseTo(1, 5);
    opt.dispose();
    model.dispose();
  });

  it('handles empty posts, emoji-only posts and a 5,000-token post', async () => {
    const model = tinyModel();
    const long = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? 'Toronto' : 'word')).join(' ');
    const preds = await model.predict(['', '   ', '😀😀 🇯🇵', long, { text: 'Leonard in Toronto', caption: 'a man' }]);
    expect(preds[0].entities).toEqual([]);
    expect(preds[1].entities).toEqual([]);
    expect(preds[2].tokens.map((t) => t.text)).toEqual(['😀', '😀', '🇯🇵']);
    expect(preds[3].tokens.length).toBe(5000);
    for (const e of preds[3].entities) expect(long.slice(e.start, e.end)).toBe(e.text);
    await expect(model.predict([{ nope: 1 } as never])).rejects.toThrow(/post 0: the post has no "text"/);
    model.dispose();
  });

  it('saves and loads to the same predictions', async () => {
    const model = tinyModel(5);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-model-')), 'm');
    await model.save(dir, { note: 'test' });
    const loaded = await TriMod.load(dir);
    const text = 'Kawhi Leonard wins in Toronto #NBA';
    const [a] = await model.predict([text]);
    const [b] = await loaded.predict([text]);
    expect(b.tokens.map((t) => t.tag)).toEqual(a.tokens.map((t) => t.tag));
    expect(loaded.getConfig()).toEqual(model.getConfig());
    model.dispose();
    loaded.dispose();
  });

  it('leaks no tensors across repeated predictions', async () => {
    const model = tinyModel();
    await model.predict(['Leonard in Toronto', 'hello']);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await model.predict(['Leonard in Toronto', 'hello', '#NBA @user']);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('predicts 10,000 posts without leaking a tensor', async () => {
    const model = tinyModel();
    const posts = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? `Leonard in Toronto #${i}` : i % 3 === 1 ? '' : `hello @user ${i} 😀`));
    await model.predict(posts.slice(0, 10));
    const before = tf.memory().numTensors;
    const out = await model.predict(posts, { batchSize: 256 });
    expect(out.length).toBe(10_000);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('reads captions through a visual encoder: visual weight only where a post has one, and it survives save / load', async () => {
    const { words, chars } = buildVocabularies(POSTS.map((p) => p.tokens));
    const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 8, charDim: 4, charHidden: 4, wordHidden: 6, shapeDim: 2, seed: 4 });
    const visual = new VisualEncoder({ outputDim: 8, regionDim: 4, embedDim: 5, vocab: ['<pad>', '<unk>', '<start>', '<end>', 'a', 'basketball', 'player'], maxCaptionWords: 8, seed: 4 });
    const model = TriMod.create({ labels: LABELS, text, visual: visual as never, fusion: { outputDim: 8, attentionDim: 4 }, seed: 4 });
    expect(model.modalities).toEqual(['text', 'visual']);
    const preds = await model.predict([{ text: 'Leonard in Toronto', caption: 'a basketball player' }, { text: 'Leonard in Toronto' }]);
    expect(preds[0].tokens.every((t) => t.weights.visual > 0)).toBe(true);
    expect(preds[1].tokens.every((t) => t.weights.visual === 0)).toBe(true);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-visual-')), 'm');
    await model.save(dir);
    const loaded = await TriMod.load(dir);
    const again = await loaded.predict([{ text: 'Leonard in Toronto', caption: 'a basketball player' }]);
    expect(again[0].tokens.map((t) => t.weights)).toEqual(preds[0].tokens.map((t) => t.weights));
    model.dispose();
    loaded.dispose();
  });

  it('gives a hashtag body its hashtag features (the data splits "#" from the body), and reloads with the lexicon', async () => {
    expect(hashtagView([['#', 'NBAFinals', 'in', '#', '#x']])).toEqual([['#', '#NBAFinals', 'in', '#', '#x']]);
    const { words, chars } = buildVocabularies(POSTS.map((p) => p.tokens));
    const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 8, charDim: 4, charHidden: 4, wordHidden: 6, shapeDim: 2, seed: 6 });
    const hashtag = await createHashtagEncoder({ outputDim: 8, seed: 6 });
    const model = TriMod.create({ labels: LABELS, text, hashtag: hashtag as never, fusion: { outputDim: 8, attentionDim: 4 }, seed: 6 });
    const [pred] = await model.predict(['Kawhi wins #NBAFinals tonight']);
    expect(pred.tokens.map((t) => t.text)).toEqual(['Kawhi', 'wins', '#', 'NBAFinals', 'tonight']);
    const hw = pred.tokens.map((t) => t.weights.hashtag > 0);
    expect(hw).toEqual([false, false, false, true, false]);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-hashtag-')), 'm');
    await model.save(dir);
    const loaded = await TriMod.load(dir);
    const [again] = await loaded.predict(['Kawhi wins #NBAFinals tonight']);
    expect(again.tokens.map((t) => t.weights)).toEqual(pred.tokens.map((t) => t.weights));
    model.dispose();
    loaded.dispose();
  });
});

describe('TriMod memory', () => {
  it('frees every tensor it made when disposed, after create and after load', async () => {
    const before = tf.memory().numTensors;
    const model = tinyModel();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const saved = tinyModel();
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-free-')), 'm');
    await saved.save(dir);
    saved.dispose();
    (await TriMod.load(dir)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
