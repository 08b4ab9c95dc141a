import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { initBackend } from '@trimod/core';
import { loadCaptioner, type Captioner } from '@trimod/image-captioner';
import { buildVocabularies, MAX_TRANSFORMER_TOKENS, TextEncoder } from '@trimod/text-encoder';
import { TriMod, type PostInput, type PostResult } from '../src';

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
const WORDS = [['Kawhi', 'Leonard', 'wins', 'in', 'Toronto', 'red', 'dog']];

function tinyModel(captionMatchDim = 0): TriMod {
  const { words, chars } = buildVocabularies(WORDS);
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed: 3 });
  return TriMod.create({ labels: LABELS, text, fusion: { outputDim: 6, attentionDim: 3 }, captionMatchDim, seed: 3 });
}

async function collect(stream: AsyncIterable<PostResult>): Promise<PostResult[]> {
  const out: PostResult[] = [];
  for await (const r of stream) out.push(r);
  return out;
}

function png(rgb: [number, number, number]): Uint8Array {
  const img = new PNG({ width: 24, height: 24 });
  for (let i = 0; i < 24 * 24; i++) img.data.set([...rgb, 255], i * 4);
  return new Uint8Array(PNG.sync.write(img));
}

// Posts of many lengths, so that batching by length reorders them inside a window.
const TEXTS = Array.from({ length: 23 }, (_, i) => Array.from({ length: 1 + ((i * 7) % 11) }, (_, k) => WORDS[0][(i + k) % 7]).join(' '));

let model: TriMod;
beforeAll(async () => {
  await initBackend('wasm');
  model = tinyModel();
});
afterAll(() => model.dispose());

describe('TriMod.predictStream', () => {
  it('yields one result per record in input order, with the entities predict() finds, from an async source', async () => {
    async function* source(): AsyncGenerator<PostInput | string> {
      for (const [i, text] of TEXTS.entries()) yield i % 3 === 0 ? text : { id: `p${i}`, text };
    }
    const results = await collect(model.predictStream(source(), { batchSize: 4, window: 10 }));
    const expected = await model.predict(TEXTS, { batchSize: 1 });
    expect(results.map((r) => r.id)).toEqual(TEXTS.map((_, i) => (i % 3 === 0 ? i : `p${i}`)));
    expect(results.map((r) => r.text)).toEqual(TEXTS);
    results.forEach((r, i) => {
      expect(r.error).toBeUndefined();
      expect(r.entities.map((e) => [e.start, e.end, e.type])).toEqual(expected[i].entities.map((e) => [e.start, e.end, e.type]));
      r.entities.forEach((e, k) => expect(e.score).toBeCloseTo(expected[i].entities[k].score, 4));
    });
  });

  it('gives a record that cannot be tagged an error naming the problem, and goes on', async () => {
    const records = [
      { text: 'Kawhi wins' },
      { id: 'no-text' },
      { text: 42 },
      { text: 'Leonard in Toronto', caption: 7 },
      { text: 'x'.repeat(61) },
      null,
      { text: '   ' },
      { text: 'Toronto' },
    ] as unknown as PostInput[];
    const results = await collect(model.predictStream(records, { maxLength: 60 }));
    expect(results.map((r) => r.id)).toEqual([0, 'no-text', 2, 3, 4, 5, 6, 7]);
    expect(results.map((r) => r.error ?? null)).toEqual([
      null,
      'the post has no "text"',
      '"text" must be a string, got number 42',
      '"caption" must be a string or null, got number 7',
      '"text" is 61 characters, past the limit of 60',
      'expected a post object {text, caption?, image?} or a string, got null',
      null,
      null,
    ]);
    expect(results[6].entities).toEqual([]);
  });

  it('reads no more than one window ahead of the consumer (bounded memory)', async () => {
    let pulled = 0;
    function* endless(): Generator<string> {
      for (;;) {
        pulled++;
        yield 'Kawhi Leonard wins';
      }
    }
    let taken = 0;
    for await (const r of model.predictStream(endless(), { batchSize: 4, window: 12 })) {
      expect(r.error).toBeUndefined();
      if (++taken === 30) break;
    }
    // Three windows of 12 cover 30 results; the generator is closed when the consumer stops.
    expect(pulled).toBe(36);
  });

  it('reports progress and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    await collect(model.predictStream(TEXTS, { batchSize: 5, window: 8, onProgress: (p) => seen.push(p.done) }));
    expect(seen).toEqual([8, 16, 23]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses bad options by name', () => {
    expect(() => model.predictStream(TEXTS, { batchSize: 0 })).not.toThrow(); // a generator: checked on first pull
    return expect(collect(model.predictStream(TEXTS, { batchSize: 0 }))).rejects.toThrow('batchSize must be a positive integer, got 0');
  });
});

describe('TriMod.predictStream with images', () => {
  let captioner: Captioner;
  beforeAll(async () => {
    captioner = await loadCaptioner();
  });
  afterAll(() => captioner.dispose());

  it('captions each image once with the bundled captioner for a model that reads captions; a bad image fails only its record', async () => {
    const reader = tinyModel(4);
    const dir = mkdtempSync(path.join(tmpdir(), 'trimod-stream-'));
    const red = path.join(dir, 'red.png');
    writeFileSync(red, png([220, 20, 20]));
    const blue = png([20, 20, 220]);
    let loads = 0;
    const results = await collect(
      reader.predictStream(
        [
          { id: 'a', text: 'Kawhi in Toronto', image: red },
          { id: 'b', text: 'red dog', image: blue },
          { id: 'c', text: 'Leonard', image: path.join(dir, 'missing.png') },
          { id: 'd', text: 'Toronto', caption: 'a given caption', image: red },
        ],
        { captioner: async () => (loads++, captioner) },
      ),
    );
    expect(loads).toBe(1);
    const direct = await captioner.describeAll([readFileSync(red), blue]);
    expect(results[0].caption).toBe(direct[0].caption);
    expect(results[1].caption).toBe(direct[1].caption);
    expect(results[2].error).toMatch(/^cannot caption .*missing\.png: image .*missing\.png: cannot read \(ENOENT\)/);
    expect(results[3].caption).toBe('a given caption');
    // The captions reach the model: the same posts with those captions given as text agree.
    const withCaptions = await reader.predict([0, 1, 3].map((i) => ({ text: results[i].text, caption: results[i].caption })));
    [0, 1, 3].forEach((i, k) => expect(results[i].entities).toEqual(withCaptions[k].entities));
    reader.dispose();
  });

  it('never loads a captioner for a model that reads no captions', async () => {
    let loads = 0;
    const results = await collect(model.predictStream([{ text: 'Kawhi', image: png([1, 2, 3]) }], { captioner: async () => (loads++, captioner) }));
    expect(loads).toBe(0);
    expect(results[0].caption).toBeUndefined();
    expect(results[0].error).toBeUndefined();
  });
});

describe('TriMod.predict arguments', () => {
  it('names what is wrong instead of a TypeError from inside', async () => {
    await expect(model.predict('Kawhi' as unknown as string[])).rejects.toThrow('TriMod.predict: expected an array of posts (strings or {text, caption?}), got a string: wrap it as [text]');
    await expect(model.predict([{ text: 'Kawhi', caption: 3 as unknown as string }])).rejects.toThrow('TriMod.predict: post 0: "caption" must be a string or null, got number 3');
    for (const batchSize of [0, -1, NaN, 1.5]) {
      await expect(model.predict(['Kawhi'], { batchSize })).rejects.toThrow(`TriMod.predict: batchSize must be a positive integer, got ${batchSize}`);
    }
  });

  it('says the model was disposed', async () => {
    const m = tinyModel();
    m.dispose();
    await expect(m.predict(['Kawhi'])).rejects.toThrow('TriMod.predict: this model was disposed; load it again');
    expect(() => m.predictStream(['Kawhi'])).toThrow('TriMod.predictStream: this model was disposed; load it again');
    m.dispose(); // twice is harmless
  });

  it('a load that fails after building the encoders frees them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'trimod-badload-'));
    const m = tinyModel();
    await m.save(dir);
    m.dispose();
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.config.labels = ['B-PER', 'O'];
    writeFileSync(file, JSON.stringify(json));
    const before = tf.memory().numTensors;
    await expect(TriMod.load(dir)).rejects.toThrow(/labels must start with "O"/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('TriMod.predictStream when the model refuses a post', () => {
  it('gives only that post an error (a post past the Transformer context limit) and tags the others', async () => {
    const { words, chars } = buildVocabularies(WORDS);
    const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, shapeDim: 2, context: 'transformer', transformerDim: 8, transformerHeads: 2, transformerLayers: 1, seed: 3 });
    const model = TriMod.create({ labels: LABELS, text, fusion: { outputDim: 6, attentionDim: 3 }, seed: 3 });
    await model.predict(['Kawhi']);
    const before = tf.memory().numTensors;
    const long = Array.from({ length: MAX_TRANSFORMER_TOKENS + 1 }, () => 'Toronto').join(' ');
    const results = await collect(model.predictStream(['Kawhi in Toronto', long, 'Leonard'], { batchSize: 4 }));
    expect(results.map((r) => r.error ?? null)).toEqual([null, expect.stringContaining(`past the Transformer context's limit of ${MAX_TRANSFORMER_TOKENS}`), null]);
    const expected = await model.predict(['Kawhi in Toronto', 'Leonard']);
    expect([results[0].entities, results[2].entities]).toEqual(expected.map((p) => p.entities));
    expect(tf.memory().numTensors).toBe(before); // the refused batch left nothing behind
    model.dispose();
  });
});
