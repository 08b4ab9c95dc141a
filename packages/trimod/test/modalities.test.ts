import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend, type TokenKind } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { registerModality, TriMod } from '../src';
import { TokenLengthEncoder } from './toy/token-length-encoder';

// The registry line a fourth modality needs: what it reads from a batch, and its kind.
registerModality('length', { kind: 'token', read: (batch) => batch.tokens });

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
const POSTS = [
  { tokens: ['Kawhi', 'Leonard', 'wins', 'in', 'Toronto'], tags: ['B-PER', 'I-PER', 'O', 'O', 'B-LOC'] },
  { tokens: ['Leonard', 'loves', 'Toronto', '!'], tags: ['B-PER', 'O', 'B-LOC', 'O'] },
];

function textEncoder(): TextEncoder {
  const { words, chars } = buildVocabularies(POSTS.map((p) => p.tokens));
  return new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 8, charDim: 4, charHidden: 4, wordHidden: 6, shapeDim: 2, seed: 5 });
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('a fourth modality', () => {
  it('is an encoder, a registry line and a config entry: it is fused, trained, weighed per token, saved and loaded', async () => {
    const model = TriMod.create({ labels: LABELS, encoders: { text: textEncoder(), length: new TokenLengthEncoder({ dim: 3, seed: 2 }) }, fusion: { outputDim: 8, attentionDim: 4 }, seed: 5 });
    expect(model.modalities).toEqual(['text', 'length']);
    expect(model.fusion.modalities).toEqual(['text', 'length']);

    const batch = { tokens: POSTS.map((p) => p.tokens) };
    const tags = POSTS.map((p) => p.tags.map((t) => LABELS.indexOf(t)));
    const lengthTable = model.namedWeights()['length/table'];
    const before = lengthTable.arraySync() as number[][];
    const opt = tf.train.adam(0.05);
    for (let step = 0; step < 40; step++) tf.dispose(opt.minimize(() => model.loss(batch, tags), true, model.trainableVariables()) ?? []);
    expect(lengthTable.arraySync()).not.toEqual(before); // the new modality's weights are trained

    const [pred] = await model.predict(['Kawhi Leonard wins in Toronto']);
    for (const t of pred.tokens) {
      expect(Object.keys(t.weights)).toEqual(['text', 'length']);
      expect(t.weights.text + t.weights.length).toBeCloseTo(1, 5);
      expect(t.weights.length).toBeGreaterThan(0);
    }
    expect(pred.entities.map((e) => [e.text, e.type])).toEqual([
      ['Kawhi Leonard', 'PER'],
      ['Toronto', 'LOC'],
    ]);

    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-length-')), 'm');
    await model.save(dir);
    const saved = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(saved.config.encoders.length.className).toBe('TokenLengthEncoder');
    expect(saved.config.fusion.modalities.map((m: { name: string }) => m.name)).toEqual(['text', 'length']);
    const loaded = await TriMod.load(dir);
    const [again] = await loaded.predict(['Kawhi Leonard wins in Toronto']);
    expect(again).toEqual(pred);
    model.dispose();
    loaded.dispose();
  });

  it('an encoder for a modality nobody registered is refused by name', () => {
    const text = textEncoder();
    expect(() => TriMod.create({ labels: LABELS, encoders: { text, smell: new TokenLengthEncoder({ dim: 3, seed: 1 }) } })).toThrow(
      'TriMod: no modality registered as "smell" (registered: text, hashtag, visual, captionMatch, length); call registerModality first',
    );
    text.dispose?.();
  });
});

describe('one hashtag view', () => {
  // Regression: the hashtag view used to glue any token after a "#" (so "# 1" became the hashtag
  // "#1"), and only an ASCII "#" (so the full-width "＃Tokyo", a hashtag to core, never reached
  // the hashtag encoder).
  it('"We are # 1 fans" has no hashtag; "＃Tokyo" is one, for the view and for the encoder', async () => {
    const { createHashtagEncoder } = await import('@trimod/hashtag-segmenter');
    const { modelTokens } = await import('../src');
    const { hashtagView } = await import('../src/model/modalities');
    const posts = ['We are # 1 fans', 'Rain in ＃Tokyo today', 'Go #NBA'].map((t) => modelTokens(t).map((k) => k.text));
    const view = hashtagView(posts);
    expect(view).toEqual([
      ['We', 'are', '#', '1', 'fans'],
      ['Rain', 'in', '＃', '＃Tokyo', 'today'],
      ['Go', '#', '#NBA'],
    ]);
    const encoder = await createHashtagEncoder({ outputDim: 4, seed: 1 });
    const { features, mask } = encoder.encode(view, { training: false });
    expect(mask.arraySync()).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 1, 0, 0],
    ]);
    tf.dispose([features, mask]);
    encoder.dispose();
  });
});

describe('one token view', () => {
  const TEXTS = ['We are # 1 fans', 'Rain in ＃Tokyo today', 'Go #NBA @kawhi https://t.co/x 😀'];

  it("model tokens carry the tokenizer's kinds, the same kinds tokenKinds gives a data file's tokens", async () => {
    const { modelTokens } = await import('../src');
    const { tokenKinds } = await import('@trimod/core');
    for (const text of TEXTS) {
      const tokens = modelTokens(text);
      expect(tokenKinds(tokens.map((t) => t.text))).toEqual(tokens.map((t) => t.kind));
    }
    expect(modelTokens('Go #NBA').map((t) => t.kind)).toEqual(['word', 'hashtag', 'hashtag']);
  });

  it('reaches the encoders through TriMod: the hashtag encoder sees ＃Tokyo and not # 1, the text encoder a hashtag shape', async () => {
    const { createHashtagEncoder } = await import('@trimod/hashtag-segmenter');
    const posts = TEXTS.map((t) => t.split(' '));
    const { words, chars } = buildVocabularies(posts);
    const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 8, charDim: 4, charHidden: 4, wordHidden: 6, shapeDim: 2, shapesFromKinds: true, seed: 5 });
    const hashtag = await createHashtagEncoder({ outputDim: 4, seed: 1 });
    const model = TriMod.create({ labels: LABELS, text, hashtag: hashtag as never, fusion: { outputDim: 8, attentionDim: 4 }, seed: 5 });
    const [numberSign, tokyo] = await model.predict(TEXTS.slice(0, 2));
    const weight = (p: typeof tokyo, token: string) => p.tokens.find((t) => t.text === token)!.weights.hashtag;
    expect(weight(numberSign, '1')).toBe(0);
    expect(weight(tokyo, 'Tokyo')).toBeGreaterThan(0);
    // The text encoder reads the kinds: "NBA" as part of "#NBA" is not "NBA" the word.
    const tokens = [['Go', '#', 'NBA']];
    const emissions = (kinds?: TokenKind[][]) => tf.tidy(() => model.forward({ tokens, kinds }, false).emissions.arraySync());
    expect(emissions()).toEqual(emissions([['word', 'hashtag', 'hashtag']])); // left out: worked out the same
    expect(emissions([['word', 'punct', 'word']])[0][2]).not.toEqual(emissions()[0][2]);
    model.dispose();
  });
});
