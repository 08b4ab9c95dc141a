import * as tf from '@tensorflow/tfjs-core';
import { tokenKinds } from '@trimod/core';
import { layoutTokens } from '../src/features/batch-tokens';
import { charIdsOf } from '../src/features/token-ids';
import { gatherRows } from '../src/ops/gather-rows';
import { smallTextEncoder } from './encoder-fixtures';
import { maxAbsDiff, useCpuBackend } from './setup-backend';

beforeAll(useCpuBackend);

/**
 * At inference the token embedder gives one row per distinct (token, shape) pair of the batch
 * and the word Bi-GRU projects each row once: the features must be exactly those of one row per
 * position, which is what training computes.
 */

// "the" three times, "NBA" as a word and (by its kind) as a hashtag's body.
const POSTS = [
  ['the', 'NBA', 'and', 'the', 'fans'],
  ['#', 'NBA', 'the'],
  ['fans', '!'],
];
const KINDS = POSTS.map(tokenKinds);
const NO_DROPOUT = { wordDropout: 0, charDropout: 0, shapesFromKinds: true };

function embedRows(training: boolean) {
  const e = smallTextEncoder(7, NO_DROPOUT);
  const layout = layoutTokens(POSTS);
  return { e, layout, rows: e.embedder.embedRows(layout, { training, impl: 'native', charSeed: 1, wordSeed: 2, kinds: KINDS }) };
}

describe('distinct rows at inference', () => {
  it('lists each (token, shape) pair once, padding as one more row, and gathers back to the per-position features exactly', () => {
    const perPosition = embedRows(true);
    const { e, layout, rows } = embedRows(false);
    expect(perPosition.rows.index).toBeNull();
    expect(perPosition.rows.table.shape).toEqual([3 * 5, e.embedder.outputDim]);
    // In order of first position: the, NBA (word), and, fans, #, NBA (hashtag body), padding, !.
    expect(KINDS[1]).toEqual(['hashtag', 'hashtag', 'word']);
    expect(rows.table.shape).toEqual([8, e.embedder.outputDim]);
    expect(Array.from(rows.index!)).toEqual([0, 1, 2, 0, 3, 4, 5, 0, 6, 6, 3, 7, 6, 6, 6]);
    expect(layout.steps).toBe(5);
    const gathered = gatherRows(rows.table, rows.index!);
    expect(Array.from(gathered.dataSync())).toEqual(Array.from(perPosition.rows.table.dataSync()));
    tf.dispose([gathered, rows.table, perPosition.rows.table]);
    e.dispose();
  });

  it('gives the word Bi-GRU the same outputs from distinct rows as from one row per position', () => {
    const { e, layout, rows } = embedRows(false);
    const [B, T] = [layout.batch, layout.steps];
    const x = tf.reshape(gatherRows(rows.table, rows.index!), [B, T, e.embedder.outputDim]) as tf.Tensor3D;
    const plain = e.wordGru.apply(x, layout.lengths, 'native');
    const before = tf.memory().numTensors;
    const fromRows = e.wordGru.apply({ table: rows.table, index: rows.index!, shape: [B, T] }, layout.lengths, 'native');
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Array.from(fromRows.dataSync())).toEqual(Array.from(plain.dataSync()));
    expect(tf.max(tf.abs(plain)).dataSync()[0]).toBeGreaterThan(0.01);
    // encode (inference) runs this path: its features are these outputs.
    const encoded = e.encode(POSTS, { training: false, kinds: KINDS });
    expect(Array.from(encoded.features.dataSync())).toEqual(Array.from(plain.dataSync()));
    expect(() => e.wordGru.apply({ table: rows.table, index: rows.index!.subarray(1), shape: [B, T] }, layout.lengths, 'native')).toThrow('14 row indices for an input of 3 sequences of 5 steps');
    // Off the native path (under a tape with the tfjs recurrence) the rows are gathered first: the same outputs.
    const fused = tf.tidy(() => {
      let out: tf.Tensor3D | null = null;
      tf.grad((t: tf.Tensor) => {
        out = tf.keep(e.wordGru.apply({ table: t as tf.Tensor2D, index: rows.index!, shape: [B, T] }, layout.lengths, 'fused'));
        return tf.sum(out);
      })(rows.table);
      return out!;
    });
    expect(maxAbsDiff(fused, plain)).toBeLessThan(1e-5);
    fused.dispose();
    tf.dispose([x, plain, fromRows, encoded.features, encoded.mask, rows.table]);
    e.dispose();
  });

  it('gives the character Bi-GRU the same final states from the character table as from each character slot', () => {
    const e = smallTextEncoder(8, NO_DROPOUT);
    const layout = layoutTokens(POSTS);
    const chars = charIdsOf(layout.distinct, e.charVocabulary, 20);
    const U = layout.distinct.length;
    const slots = tf.reshape(gatherRows(e.charEmbedding as tf.Tensor2D, chars.ids), [U, chars.steps, e.charGru.inputDim]) as tf.Tensor3D;
    const plain = e.charGru.final(slots, chars.lengths, 'native');
    const fromTable = e.embedder.chars.encode(e.charEmbedding as tf.Tensor2D, chars, { training: false, dropout: 0.5, seed: 1, impl: 'native' });
    expect(fromTable.shape).toEqual([U, 2 * e.charGru.hidden]);
    expect(Array.from(fromTable.dataSync())).toEqual(Array.from(plain.dataSync()));
    expect(tf.max(tf.abs(plain)).dataSync()[0]).toBeGreaterThan(0.01);
    tf.dispose([slots, plain, fromTable]);
    e.dispose();
  });
});
