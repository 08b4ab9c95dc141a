import * as tf from '@tensorflow/tfjs-core';
import type { ModalityEncoder } from '@trimod/core';
import { buildVocabularies, TextEncoder, type TextEncoderOptions } from '../src';
import type { EncoderContractCase } from '../../core/test/encoder-contract';

/** Tokenized posts as core's tokenize would give them. */
export const POSTS: string[][] = [
  ['Watching', 'the', '#NBA', 'finals', 'in', 'Paris', '!'],
  ['@jo', 'nba', 'tonight', 'https://t.co/x'],
  ['NBA', '2015'],
];

export const vocabularies = () => buildVocabularies(POSTS);

/** Core's encoder contract (packages/core/test/encoder-contract.ts) over POSTS, for a text encoder factory. */
export function textContract(make: (seed: number) => TextModality): EncoderContractCase<readonly (readonly string[])[]> {
  return {
    make,
    batch: POSTS,
    mask: [
      [1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 0, 0, 0],
      [1, 1, 0, 0, 0, 0, 0],
    ],
    post: (b) => [POSTS[b]],
    emptyPosts: [[], []],
    dropout: true,
  };
}

/** A tiny TextEncoder over POSTS's vocabularies (4-d words, 3-d characters, 2-d shapes). */
export function smallTextEncoder(seed: number, extra: Partial<TextEncoderOptions> = {}): TextEncoder {
  const { words, chars } = vocabularies();
  return new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 4, charDim: 3, charHidden: 2, wordHidden: 3, shapeDim: 2, seed, ...extra });
}

export type TextModality = ModalityEncoder<readonly (readonly string[])[]>;

/** Features as nested arrays, then disposed. */
export function encodeToArrays(encoder: TextModality, posts: readonly (readonly string[])[], training = false): { features: number[][][]; mask: number[][] } {
  const out = encoder.encode(posts, { training });
  const result = { features: out.features.arraySync(), mask: out.mask.arraySync() };
  tf.dispose([out.features, out.mask]);
  return result;
}

/** Sum of features weighted by fixed random-looking values: a loss that touches every output. */
export function weightedSum(features: tf.Tensor3D): tf.Scalar {
  const n = features.size;
  const weights = tf.reshape(tf.sin(tf.range(0, n)), features.shape);
  return tf.sum(tf.mul(features, weights));
}
