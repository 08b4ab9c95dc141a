import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { Vocabulary } from '@trimod/core';
import { loadWord2VecText, TextEncoder } from '../src';
import { describeEncoderContract } from '../../core/test/encoder-contract';
import { encodeToArrays, POSTS, smallTextEncoder, vocabularies, textContract } from './encoder-fixtures';
import { useCpuBackend } from './setup-backend';

beforeAll(useCpuBackend);

const small = smallTextEncoder;

describeEncoderContract('TextEncoder', textContract((seed) => small(seed)));

describe('TextEncoder', () => {
  it('has the method’s sizes by default: 30-d characters, char Bi-GRU 30, word Bi-GRU 150, dropout 0.55', () => {
    const { words, chars } = vocabularies();
    const encoder = new TextEncoder({ wordVocabulary: words, charVocabulary: chars });
    try {
      expect(encoder.outputDim).toBe(300);
      expect(encoder.charEmbedding.shape).toEqual([chars.size, 30]);
      expect(encoder.charGru.hidden).toBe(30);
      expect(encoder.wordGru.inputDim).toBe(100 + 60 + 10);
      expect(encoder.getConfig()).toMatchObject({ wordDropout: 0.55, charDropout: 0.55, wordHidden: 150 });
    } finally {
      encoder.dispose();
    }
  });

  it('gives #NBA, NBA and nba one word vector, and tells them apart by characters and shape', () => {
    const encoder = small(1, { shapeDim: 0 });
    try {
      const ids = ['#NBA', 'NBA', 'nba'].map((t) => encoder.wordVocabulary.indexOf(t));
      expect(new Set(ids).size).toBe(1);
      expect(ids[0]).toBeGreaterThan(1);
      const { features } = encodeToArrays(encoder, [['#NBA'], ['NBA'], ['nba']]);
      expect(features[0][0]).not.toEqual(features[1][0]);
      expect(features[1][0]).not.toEqual(features[2][0]);
    } finally {
      encoder.dispose();
    }
  });

  it('starts from pretrained vectors for the rows it has and keeps only the vocabulary’s rows', async () => {
    const { words, chars } = vocabularies();
    const vectors = await loadWord2VecText(join(__dirname, 'fixtures', 'word2vec.txt'), words);
    const encoder = TextEncoder.create({ wordVocabulary: words, charVocabulary: chars, vectors, charDim: 3, charHidden: 2, wordHidden: 3, seed: 2 });
    try {
      expect(encoder.wordEmbedding.shape).toEqual([words.size, 3]);
      const table = encoder.wordEmbedding.arraySync() as number[][];
      expect(table[words.indexOf('nba')]).toEqual([4, 5, 6]);
      expect(table[words.indexOf('paris')]).toEqual([7, 8, 9]);
      expect(table[words.indexOf('@jo')]).toEqual([-1, -2, -3]);
      expect(table[0]).toEqual([0, 0, 0]);
      expect(table[words.indexOf('finals')].some((v) => v !== 0)).toBe(true);
    } finally {
      encoder.dispose();
    }
  });

  it('rejects vectors loaded for another vocabulary', async () => {
    const { words, chars } = vocabularies();
    const vectors = await loadWord2VecText(join(__dirname, 'fixtures', 'word2vec.txt'), Vocabulary.build(['x']));
    expect(() => TextEncoder.create({ wordVocabulary: words, charVocabulary: chars, vectors })).toThrow(
      /vectors were loaded for 3 words but the word vocabulary has \d+/,
    );
  });

  it('freezes word embeddings on request', () => {
    const encoder = small(1, { trainWordEmbeddings: false });
    try {
      const vars = encoder.trainableVariables();
      expect(vars).not.toContain(encoder.wordEmbedding);
      expect(vars.length).toBe(Object.keys(encoder.namedWeights()).length - 1);
      const { value, grads } = tf.variableGrads(() => tf.sum(encoder.encode(POSTS, { training: true }).features) as tf.Scalar, vars);
      expect(Object.keys(grads)).not.toContain(encoder.wordEmbedding.name);
      tf.dispose([value, ...Object.values(grads)]);
    } finally {
      encoder.dispose();
    }
  });

  it('gives the same features with either recurrence implementation', () => {
    const fused = small(4, { gru: 'fused' });
    const autodiff = small(4, { gru: 'autodiff' });
    try {
      const a = encodeToArrays(fused, POSTS).features.flat(2);
      const b = encodeToArrays(autodiff, POSTS).features.flat(2);
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-6));
    } finally {
      fused.dispose();
      autodiff.dispose();
    }
  });

  it('names bad config values', () => {
    const { words, chars } = vocabularies();
    expect(() => new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDropout: 1 })).toThrow('TextEncoder: "wordDropout" must be a number in [0, 1), got 1');
    expect(() => new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordHidden: 0 })).toThrow('TextEncoder: "wordHidden" must be an integer ≥ 1, got 0');
    expect(() => new TextEncoder({ wordVocabulary: { words: [] }, charVocabulary: chars })).toThrow(/TextEncoder: "wordVocabulary": Vocabulary.fromJSON/);
  });

  it('names a malformed batch', () => {
    const encoder = small(1);
    try {
      expect(() => encoder.encode([['ok'], 'not tokens' as unknown as string[]], { training: false })).toThrow('TextEncoder.encode: post 1 is not an array of tokens');
    } finally {
      encoder.dispose();
    }
  });
});
