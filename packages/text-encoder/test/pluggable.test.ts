import * as tf from '@tensorflow/tfjs-core';
import { CharCnnEncoder, TextEncoder } from '../src';
import { POSTS, vocabularies, type TextModality } from './encoder-fixtures';
import { useCpuBackend } from './setup-backend';

beforeAll(useCpuBackend);

/**
 * A downstream consumer that knows only the ModalityEncoder contract (as TriMod does): a
 * per-token linear tag head trained with plain SGD on masked cross-entropy.
 */
function trainTagger(encoder: TextModality, tags: number[][], steps: number): number[] {
  const numTags = 3;
  const head = tf.variable(tf.randomNormal([encoder.outputDim, numTags], 0, 0.1, 'float32', 1));
  const losses: number[] = [];
  const lossFn = () =>
    tf.tidy(() => {
      const { features, mask } = encoder.encode(POSTS, { training: false });
      const [B, T] = mask.shape;
      const logits = tf.reshape(tf.matMul(tf.reshape(features, [B * T, encoder.outputDim]), head), [B, T, numTags]);
      const padded = tags.map((row) => Array.from({ length: T }, (_, t) => row[t] ?? 0));
      const target = tf.oneHot(tf.tensor2d(padded, [B, T], 'int32'), numTags);
      const nll = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 2));
      return tf.div(tf.sum(tf.mul(nll, mask)), tf.sum(mask)) as tf.Scalar;
    });
  const vars = [...encoder.trainableVariables(), head];
  for (let i = 0; i < steps; i++) {
    const { value, grads } = tf.variableGrads(lossFn, vars);
    losses.push(value.dataSync()[0]);
    tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name], 1)))));
    tf.dispose([value, ...Object.values(grads)]);
  }
  head.dispose();
  return losses;
}

describe('pluggable text encoders', () => {
  // Entity-ish tags: 1 on #NBA/NBA/nba, 2 on Paris, 0 elsewhere.
  const tags = POSTS.map((post) => post.map((t) => (t.toLowerCase().replace('#', '') === 'nba' ? 1 : t === 'Paris' ? 2 : 0)));

  it.each([
    ['TextEncoder', () => new TextEncoder({ ...vocabularyOptions(), wordDim: 4, charDim: 3, charHidden: 4, wordHidden: 8, shapeDim: 2, seed: 1 })],
    ['CharCnnEncoder', () => new CharCnnEncoder({ ...vocabularyOptions(), wordDim: 4, charDim: 3, charFilters: 4, hidden: 6, shapeDim: 2, seed: 1 })],
  ])('%s trains under a consumer that knows only ModalityEncoder', (_, make) => {
    const encoder: TextModality = make();
    try {
      const losses = trainTagger(encoder, tags, 8);
      expect(losses[7]).toBeLessThan(losses[0] * 0.7);
    } finally {
      for (const v of Object.values(encoder.namedWeights())) v.dispose();
    }
  });
});

function vocabularyOptions() {
  const { words, chars } = vocabularies();
  return { wordVocabulary: words, charVocabulary: chars };
}
