import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createFromConfig, isRegistered, loadModule, saveModule } from '@trimod/core';
import { isHashtagToken } from '@trimod/core';
import { HashtagEncoder, hashWord } from '../src/hashtag-encoder';
import { Lexicon } from '../src/lexicon';
import { useWasm } from './wasm-backend';

const config = {
  outputDim: 8,
  wordDim: 4,
  hashBuckets: 64,
  dropout: 0.2,
  seed: 5,
  boundaryModel: { charDim: 4, convWidth: 3, convFilters: 5, hidden: 6, decoderDim: 4, seed: 2, alphabetSize: 75 },
};
const lexicon = new Lexicon([
  ['nba', 5],
  ['finals', 5],
  ['ice', 5],
  ['cream', 5],
]);

const posts = [
  ['Watching', 'the', '#NBAFinals', 'tonight'],
  ['no', 'hashtags', 'here'],
  ['#icecream', '#', '#東京', 'x', '#IceCream'],
];

beforeAll(useWasm);

describe('HashtagEncoder', () => {
  it('recognises hashtag tokens', () => {
    // The encoder reads core's hashtags: a number after '#' is a number sign and a number.
    expect(['#a', '＃b', '#', 'a#b', '##x', '#1', '#2017', '#NBA2017'].map(isHashtagToken)).toEqual([true, true, false, false, false, false, false, true]);
    expect(hashWord('Cream', 64)).toBe(hashWord('cream', 64));
  });

  it('gives features [B, T, Dh] and a mask that is 1 exactly on hashtags', () => {
    const enc = new HashtagEncoder(config, { lexicon });
    const { features, mask } = enc.encode(posts, { training: false });
    expect(features.shape).toEqual([3, 5, 8]);
    expect(mask.arraySync()).toEqual([
      [0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [1, 0, 1, 0, 1],
    ]);
    const f = features.arraySync();
    const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    // Off-hashtag and padding positions are exactly zero; hashtags carry a feature.
    expect(norm(f[0][0])).toBe(0);
    expect(norm(f[1][2])).toBe(0);
    expect(norm(f[0][4])).toBe(0);
    expect(norm(f[0][2])).toBeGreaterThan(0);
    expect(norm(f[2][2])).toBeGreaterThan(0); // #東京: no Latin characters, its word still counts
    // The same hashtag text gives the same feature wherever it stands.
    const again = enc.encode([['#NBAFinals']], { training: false });
    again.features.arraySync()[0][0].forEach((v, i) => expect(v).toBeCloseTo(f[0][2][i], 5));
    tf.dispose([features, mask, again.features, again.mask]);
    enc.dispose();
  });

  it('reads hashtags as segmented words (with the lexicon when attached)', () => {
    const enc = new HashtagEncoder(config, { lexicon });
    expect(enc.segmentTokens(['#icecream', '#NBAFinals'])).toEqual([
      ['ice', 'cream'],
      ['NBA', 'Finals'],
    ]);
    enc.dispose();
  });

  it('segmentTokens leaves no tensor behind', () => {
    const enc = new HashtagEncoder(config, { lexicon });
    enc.segmentTokens(['#icecream']);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) enc.segmentTokens(['#icecream', '#NBAFinals']);
    expect(tf.memory().numTensors).toBe(before);
    enc.dispose();
  });

  it('handles a batch without hashtags and empty posts', () => {
    const enc = new HashtagEncoder(config);
    const { features, mask } = enc.encode([['a'], []], { training: true });
    expect(features.shape).toEqual([2, 1, 8]);
    expect(mask.arraySync()).toEqual([[0], [0]]);
    expect(tf.max(tf.abs(features)).dataSync()[0]).toBe(0);
    tf.dispose([features, mask]);
    const empty = enc.encode([], { training: false });
    expect(empty.features.shape).toEqual([0, 0, 8]);
    tf.dispose([empty.features, empty.mask]);
    enc.dispose();
  });

  it('does not leak tensors across repeated calls, in training and inference', () => {
    const enc = new HashtagEncoder(config, { lexicon });
    tf.dispose(Object.values(enc.encode(posts, { training: true })));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      for (const training of [true, false]) tf.dispose(Object.values(enc.encode(posts, { training })));
    }
    expect(tf.memory().numTensors).toBe(before);
    enc.dispose();
  });

  it('trains its own weights only; the segmenter network stays frozen', () => {
    const enc = new HashtagEncoder(config, { lexicon });
    const trainable = enc.trainableVariables();
    expect(trainable.length).toBe(3);
    const { grads, value } = tf.variableGrads(() => {
      const { features } = enc.encode(posts, { training: true });
      return tf.sum(tf.square(features)) as tf.Scalar;
    }, trainable);
    expect(Object.keys(grads).length).toBe(3);
    for (const g of Object.values(grads)) expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    const named = enc.namedWeights();
    expect(Object.keys(named)).toEqual(expect.arrayContaining(['wordEmbedding', 'projection/kernel', 'projection/bias', 'segmenter/lstm/fw/kernel']));
    expect(named['projection/kernel'].shape).toEqual([12 + 4, 8]);
    enc.dispose();
  });

  it('rebuilds from its JSON config through the registry', () => {
    expect(isRegistered('HashtagEncoder')).toBe(true);
    const enc = new HashtagEncoder(config);
    const json = JSON.parse(JSON.stringify(enc.getConfig()));
    const rebuilt = createFromConfig<HashtagEncoder>('HashtagEncoder', json);
    expect(rebuilt.className).toBe('HashtagEncoder');
    expect(rebuilt.getConfig()).toEqual(enc.getConfig());
    const shapes = (e: HashtagEncoder) => Object.fromEntries(Object.entries(e.namedWeights()).map(([k, v]) => [k, v.shape]));
    expect(shapes(rebuilt)).toEqual(shapes(enc));
    expect(() => new HashtagEncoder({ ...config, dropout: 1.5 })).toThrow(/"dropout" must be in \[0, 1\)/);
    enc.dispose();
    rebuilt.dispose();
  });

  it('names a bad input', () => {
    const enc = new HashtagEncoder(config);
    expect(() => enc.encode([['ok', 3 as unknown as string]], { training: false })).toThrow(/token 1 of post 0 is not a string/);
    enc.dispose();
  });
});

describe('HashtagEncoder assets: the lexicon is saved with the encoder', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'hashtag-encoder-assets-'));
  let n = 0;
  const fresh = () => path.join(root, `m${++n}`);

  it('saves its lexicon beside its weights and segments with it after loading', async () => {
    const enc = new HashtagEncoder(config, { lexicon });
    const dir = fresh();
    await saveModule(enc, dir);
    expect(readFileSync(path.join(dir, 'lexicon.txt'), 'utf8')).toBe(lexicon.toText());
    const back = await loadModule<HashtagEncoder>(dir);
    expect(back.getConfig().lexicon).toBe(true);
    expect(back.segmentTokens(['#icecream', '#NBAFinals'])).toEqual(enc.segmentTokens(['#icecream', '#NBAFinals']));
    expect(back.segmentTokens(['#icecream'])).toEqual([['ice', 'cream']]);
    enc.dispose();
    back.dispose();
  });

  it('an encoder without a lexicon saves none and loads without one', async () => {
    const enc = new HashtagEncoder(config);
    const dir = fresh();
    await saveModule(enc, dir);
    const back = await loadModule<HashtagEncoder>(dir);
    expect([back.getConfig().lexicon, back.assets()]).toEqual([false, {}]);
    expect(back.segmentTokens(['#icecream'])).toEqual(enc.segmentTokens(['#icecream']));
    enc.dispose();
    back.dispose();
  });

  it('a model saved before encoders kept their lexicon (no lexicon flag) gets the shipped segmenter lexicon', async () => {
    const enc = new HashtagEncoder(config);
    expect(enc.segmentTokens(['#NBAFinals'])).not.toEqual([['NBA', 'Finals']]); // the tiny network alone
    const dir = fresh();
    await saveModule(enc, dir);
    enc.dispose();
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    delete json.config.lexicon;
    writeFileSync(file, JSON.stringify(json));
    const back = await loadModule<HashtagEncoder>(dir);
    expect(back.getConfig().lexicon).toBe(true);
    expect(back.assets()['lexicon.txt'].length).toBeGreaterThan(1_000_000); // the shipped lexicon's text
    expect(back.segmentTokens(['#NBAFinals'])).toEqual([['NBA', 'Finals']]);
    back.dispose();
  });

  it('a model whose config says it has a lexicon but lacks the file fails, naming the folder', async () => {
    const enc = new HashtagEncoder(config);
    const dir = fresh();
    await saveModule(enc, dir);
    enc.dispose();
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.config.lexicon = true;
    writeFileSync(file, JSON.stringify(json));
    const before = tf.memory().numTensors;
    await expect(loadModule(dir)).rejects.toThrow(`the model at ${dir} says it segments with a lexicon, but lexicon.txt was not saved with it`);
    expect(tf.memory().numTensors).toBe(before);
  });
});

