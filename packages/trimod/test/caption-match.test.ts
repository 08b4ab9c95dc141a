import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { TriMod } from '../src';
import { captionMatchStates } from '../src/model/caption-match';

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
