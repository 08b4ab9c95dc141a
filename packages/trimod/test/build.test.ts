import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import type { TextEncoder } from '@trimod/text-encoder';
import { buildTriMod, parseTwitterNer, TriMod } from '../src';

const posts = parseTwitterNer(['IMGID:1', 'Kawhi\tB-PER', 'wins\tO', 'in\tO', 'Toronto\tB-LOC'].join('\n'), 'fixture.txt');

// GloVe text, most frequent word first, as the real files are.
const GLOVE = ['the 0.1 0.2 0.3', 'in 0.4 0.5 0.6', 'paris 0.7 0.8 0.9', 'toronto 1 1 1', 'rome -1 0 1'].join('\n');

let dir: string;
let vectors: string;

beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(path.join(tmpdir(), 'trimod-build-'));
  vectors = path.join(dir, 'vectors.txt');
  writeFileSync(vectors, GLOVE + '\n');
});

describe('buildTriMod', () => {
  it('adds the vectors\' most frequent words to the vocabulary, with their vectors', async () => {
    const model = await buildTriMod(posts, { embeddings: vectors, pretrainedWords: 3, wordHidden: 4 });
    const vocab = (model.text as TextEncoder).wordVocabulary;
    // training words first, then the 3 most frequent vector words not already there
    expect(vocab.words().slice(2)).toEqual(['in', 'kawhi', 'toronto', 'wins', 'the', 'paris']);
    const table = (model.text.namedWeights()['wordEmbedding'].arraySync() as number[][]);
    expect(table[vocab.indexOf('Paris')].map((v) => Math.round(v * 10) / 10)).toEqual([0.7, 0.8, 0.9]);
    expect(vocab.indexOf('rome')).toBe(1); // beyond the 3: unknown
    model.dispose();
  });

  it('keeps the training vocabulary alone by default, and freezes word vectors on request', async () => {
    const model = await buildTriMod(posts, { embeddings: vectors, wordHidden: 4, trainWordEmbeddings: false });
    expect((model.text as TextEncoder).wordVocabulary.size).toBe(2 + 4);
    expect(model.text.namedWeights()['wordEmbedding'].trainable).toBe(false);
    expect(model.trainableVariables()).not.toContain(model.text.namedWeights()['wordEmbedding']);
    model.dispose();
  });
});

describe('TriMod.save with float16', () => {
  it('stores half the bytes and loads back the same predictions', async () => {
    const model = await buildTriMod(posts, { embeddings: vectors, pretrainedWords: 5, wordHidden: 4 });
    const full = path.join(dir, 'full');
    const half = path.join(dir, 'half');
    await model.save(full);
    await model.save(half, { note: 'shipped' }, { float16: true });
    const { statSync, readdirSync } = await import('node:fs');
    const bytes = (d: string) => readdirSync(d).filter((f) => f.endsWith('.bin')).reduce((n, f) => n + statSync(path.join(d, f)).size, 0);
    expect(bytes(half)).toBe(bytes(full) / 2);
    const loaded = await TriMod.load(half);
    const post = { text: 'Kawhi wins in Toronto' };
    const a = await model.predict([post]);
    const b = await loaded.predict([post]);
    expect(b[0].entities.map((e) => [e.text, e.type])).toEqual(a[0].entities.map((e) => [e.text, e.type]));
    model.dispose();
    loaded.dispose();
  });
});
