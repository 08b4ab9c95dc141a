import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { TriMod } from '../src';
import { CaptionMatchEncoder, captionMatchStates, type CaptionMatchInput } from '../src/model/caption-match';
import { describeEncoderContract } from '../../core/test/encoder-contract';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('captionMatchStates', () => {
  it('marks content words the caption contains, after normalisation, and nothing without a caption', () => {
    const tokens = [
      ['Kentucky', 'wins', 'the', 'game', '!'],
      ['#', 'NBA', 'man'],
      ['Kentucky'],
    ];
    const captions = ['the kentucky football player wins a game', 'a man at an nba game', null];
    expect(captionMatchStates(tokens, captions)).toEqual([
      [2, 2, 1, 2, 1], // "the" is a stop word, "!" no word at all
      [1, 2, 1, 0, 0], // "#NBA"'s body matches "nba"; "man" is too common to count
      [0, 0, 0, 0, 0],
    ]);
  });
});

describe('TriMod with captionMatchDim', () => {
  function model(captionMatchDim: number): TriMod {
    const { words, chars } = buildVocabularies([['Kentucky', 'wins']]);
    const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 4, charDim: 3, charHidden: 2, wordHidden: 3, shapeDim: 2, seed: 1 });
    return TriMod.create({ labels: ['O', 'B-LOC', 'I-LOC'], text, fusion: { outputDim: 4, attentionDim: 3 }, captionMatchDim, seed: 1 });
  }

  it('changes the emissions of a token its caption names, trains the embedding, and survives save / load', async () => {
    const m = model(5);
    expect(m.readsCaptions).toBe(true);
    const emissions = (captions: (string | null)[]) => tf.tidy(() => m.forward({ tokens: [['Kentucky', 'wins']], captions }, false).emissions.arraySync());
    const none = emissions([null]);
    const named = emissions(['kentucky basketball']);
    expect(named[0][0]).not.toEqual(none[0][0]);
    expect(m.trainableVariables()).toContain(m.namedWeights()['captionMatch/embedding']);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-match-')), 'm');
    await m.save(dir);
    const loaded = await TriMod.load(dir);
    expect(loaded.captionMatchDim).toBe(5);
    const again = tf.tidy(() => loaded.forward({ tokens: [['Kentucky', 'wins']], captions: ['kentucky basketball'] }, false).emissions.arraySync());
    expect(again).toEqual(named);
    m.dispose();
    loaded.dispose();
  });

  it('is off by default: captions then change nothing', () => {
    const m = model(0);
    expect(m.readsCaptions).toBe(false);
    const run = (c: string | null) => tf.tidy(() => m.forward({ tokens: [['Kentucky']], captions: [c] }, false).emissions.arraySync());
    expect(run('kentucky')).toEqual(run(null));
    m.dispose();
  });
});

// The caption-match modality's encoder keeps core's encoder contract like every other one.
const contractBatch: CaptionMatchInput = {
  tokens: [['Kentucky', 'wins', 'the', 'game'], ['#', 'NBA'], ['Kentucky']],
  captions: ['the kentucky football player wins a game', 'a man at an nba game', null],
};
describeEncoderContract('CaptionMatchEncoder', {
  make: (seed) => new CaptionMatchEncoder({ dim: 4, seed }),
  batch: contractBatch,
  mask: [
    [1, 1, 1, 1],
    [1, 1, 0, 0],
    [1, 0, 0, 0],
  ],
  post: (b) => ({ tokens: [contractBatch.tokens[b]], captions: [contractBatch.captions[b]] }),
  emptyPosts: { tokens: [[], []], captions: [null, null] },
  dropout: false,
});

describe('caption match as a modality', () => {
  function model(): TriMod {
    const { words, chars } = buildVocabularies([['Kentucky', 'wins']]);
    const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 4, charDim: 3, charHidden: 2, wordHidden: 3, shapeDim: 2, seed: 1 });
    return TriMod.create({ labels: ['O', 'B-LOC', 'I-LOC'], text, fusion: { outputDim: 4, attentionDim: 3 }, captionMatchDim: 5, seed: 1 });
  }
  const emissions = (m: TriMod) => tf.tidy(() => m.forward({ tokens: [['Kentucky', 'wins'], ['wins']], captions: ['kentucky basketball', null] }, false).emissions.arraySync());

  it('is an encoder in the model, a joined slot of the fusion, and saved as one', async () => {
    const m = model();
    expect(m.encoders.captionMatch).toBeInstanceOf(CaptionMatchEncoder);
    expect(m.modalities).toEqual(['text', 'captionMatch']);
    expect(m.fusion.modalities).toEqual(['text']); // weighed
    expect(m.fusion.joined).toEqual(['captionMatch']);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-match-')), 'm');
    await m.save(dir);
    const saved = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(saved.config.encoders.captionMatch).toEqual({ className: 'CaptionMatchEncoder', config: { dim: 5, seed: 1 } });
    expect(saved.config.fusion.modalities).toContainEqual({ name: 'captionMatch', dim: 5, kind: 'joined' });
    expect('captionMatchDim' in saved.config).toBe(false);
    m.dispose();
  });

  it('loads a model saved before it was a modality (captionMatchDim, three-slot fusion) with the same emissions', async () => {
    const m = model();
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-match-')), 'm');
    await m.save(dir);
    // Rewrite the config as such models have it; the weights (captionMatch/embedding) stay.
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const c = json.config;
    const textDim = c.fusion.modalities[0].dim;
    const { modalities: _m, ...fusionRest } = c.fusion;
    json.config = { ...c, text: c.encoders.text, hashtag: null, visual: null, encoders: undefined, captionMatchDim: 5, fusion: { ...fusionRest, textDim, hashtagDim: 0, visualDim: 0 } };
    writeFileSync(file, JSON.stringify(json));
    const legacy = await TriMod.load(dir);
    expect(legacy.captionMatchDim).toBe(5);
    expect(legacy.fusion.joined).toEqual(['captionMatch']);
    expect(emissions(legacy)).toEqual(emissions(m));
    m.dispose();
    legacy.dispose();
  });
});
