import * as tf from '@tensorflow/tfjs-core';
import { newVariable, type SeededRandom, type TokenKind, type Vocabulary } from '@trimod/core';
import type { TokenBatch } from '../features/batch-tokens';
import { charIdsOf, wordIdOf } from '../features/token-ids';
import { TOKEN_SHAPE_COUNT, TOKEN_SHAPES, tokenShapeId } from '../features/token-shape';
import type { GruImplementation } from '../gru/bi-gru';
import { randomEmbedding } from '../ops/embedding-init';
import { gatherRows } from '../ops/gather-rows';
import { CharBiGru, CharCnn, type CharChoice, type CharFeatures } from './char-features';
import type { ConfigReader } from './config-values';

/** The token embedder's settings as read from a text encoder's config. */
export interface EmbedderSettings {
  wordDim: number;
  charDim: number;
  shapeDim: number;
  wordDropout: number;
  charDropout: number;
  maxCharsPerToken: number;
  trainWordEmbeddings: boolean;
  chars: CharChoice;
  /**
   * Whether a token's shape comes from its kind where the batch gives kinds (core's tokenizer:
   * `#`, `NBA` of `#NBA` are both `hashtag`, `@`, `nasa` both `mention`), instead of from its
   * text alone (which never sees a hashtag in a post whose hashtags are split). Off in configs
   * saved before it existed, so those models give the same features.
   */
  shapesFromKinds: boolean;
}

export function readEmbedderSettings(read: ConfigReader): EmbedderSettings {
  return {
    wordDim: read.int('wordDim', 100, 1),
    charDim: read.int('charDim', 30, 1),
    shapeDim: read.int('shapeDim', 10, 0),
    wordDropout: read.rate('wordDropout', 0.55),
    charDropout: read.rate('charDropout', 0.55),
    maxCharsPerToken: read.int('maxCharsPerToken', 20, 1),
    trainWordEmbeddings: read.bool('trainWordEmbeddings', true),
    chars: read.oneOf<CharChoice>('chars', 'bigru', ['bigru', 'cnn']),
    shapesFromKinds: read.bool('shapesFromKinds', false),
  };
}

/**
 * Everything a text encoder knows about one token on its own: [word embedding (pretrained
 * vectors, dropout); character features (Bi-GRU final states or max-pooled CNN, over
 * dropped-out character embeddings); token-shape embedding]. The context encoder that follows
 * mixes tokens within their post.
 */
export class TokenEmbedder {
  readonly outputDim: number;
  readonly wordEmbedding: tf.Variable;
  readonly charEmbedding: tf.Variable;
  readonly shapeEmbedding: tf.Variable | null;
  readonly chars: CharFeatures;

  /** Draws initial weights from `rng` in a fixed order: words, characters, shapes, char encoder. */
  constructor(
    readonly wordVocabulary: Vocabulary,
    readonly charVocabulary: Vocabulary,
    readonly settings: EmbedderSettings,
    read: ConfigReader,
    rng: SeededRandom,
  ) {
    const s = settings;
    this.wordEmbedding = newVariable(randomEmbedding(rng, wordVocabulary.size, s.wordDim), [wordVocabulary.size, s.wordDim], s.trainWordEmbeddings);
    this.charEmbedding = newVariable(randomEmbedding(rng, charVocabulary.size, s.charDim), [charVocabulary.size, s.charDim]);
    this.shapeEmbedding = s.shapeDim > 0 ? newVariable(randomEmbedding(rng, TOKEN_SHAPE_COUNT, s.shapeDim), [TOKEN_SHAPE_COUNT, s.shapeDim]) : null;
    this.chars = s.chars === 'cnn' ? new CharCnn(s.charDim, read, rng) : new CharBiGru(s.charDim, read, rng);
    this.outputDim = s.wordDim + this.chars.outputDim + s.shapeDim;
  }

  /** Replaces the word embedding matrix, values [V·D] row-major for [V, D]. */
  setWordVectors(values: Float32Array, owner: string): void {
    const [V, D] = this.wordEmbedding.shape;
    if (values.length !== V * D) throw new Error(`${owner}.setWordVectors: expected ${V}×${D} = ${V * D} values, got ${values.length}`);
    tf.tidy(() => this.wordEmbedding.assign(tf.tensor2d(values, [V, D])));
  }

  /**
   * Token features of a laid-out batch as rows of a table: `table` [R, outputDim] and, for each
   * position of B·T, `index` (its row; padding positions hold the padding ids' row). In training
   * each position is its own row (`index` null: table is [B·T, outputDim]), since word dropout
   * draws per occurrence. At inference a row is a distinct (token, shape) pair of the batch, so
   * a per-token layer after this one (the word Bi-GRU's input projection) can run once per
   * distinct row: a third of a batch's tokens repeat one earlier in it (Twitter-2017 test, batch 32).
   */
  embedRows(layout: TokenBatch, opts: { training: boolean; impl: GruImplementation; charSeed: number; wordSeed: number; kinds?: readonly (readonly TokenKind[])[] }): EmbeddedRows {
    const { batch: B, steps: T } = layout;
    const s = this.settings;
    const U = layout.distinct.length;
    // Per position: its distinct token (U: padding, the zero row below), word id and shape id.
    const distinctWordIds = layout.distinct.map((token) => wordIdOf(this.wordVocabulary, token));
    const wordIds = new Int32Array(B * T);
    layout.distinctIndex.forEach((u, k) => (wordIds[k] = u < U ? distinctWordIds[u] : 0));
    const shapeIds = new Int32Array(B * T);
    if (this.shapeEmbedding) {
      const distinctShapes = layout.distinct.map(tokenShapeId);
      layout.distinctIndex.forEach((u, k) => (shapeIds[k] = u < U ? distinctShapes[u] : 0));
      if (s.shapesFromKinds && opts.kinds) applyKindShapes(shapeIds, opts.kinds, layout);
    }
    const rows = opts.training ? null : distinctRows(layout.distinctIndex, shapeIds);
    const pick = (ids: Int32Array) => (rows ? rows.first.map((k) => ids[k]) : ids);
    return {
      index: rows ? rows.index : null,
      table: tf.tidy(() => {
        const chars = charIdsOf(layout.distinct, this.charVocabulary, s.maxCharsPerToken);
        const charFinal = this.chars.encode(this.charEmbedding as tf.Tensor2D, chars, { training: opts.training, dropout: s.charDropout, seed: opts.charSeed, impl: opts.impl });
        const withPadRow = tf.concat([charFinal, tf.zeros([1, this.chars.outputDim])], 0) as tf.Tensor2D;
        let wordEmb = gatherRows(this.wordEmbedding as tf.Tensor2D, pick(wordIds));
        if (opts.training && s.wordDropout > 0) wordEmb = tf.dropout(wordEmb, s.wordDropout, undefined, opts.wordSeed) as tf.Tensor2D;
        const parts: tf.Tensor2D[] = [wordEmb, gatherRows(withPadRow, pick(layout.distinctIndex))];
        if (this.shapeEmbedding) parts.push(gatherRows(this.shapeEmbedding as tf.Tensor2D, pick(shapeIds)));
        return tf.concat(parts, 1) as tf.Tensor2D;
      }),
    };
  }

  /** Weights under the names TextEncoder has always saved them. */
  namedWeights(): Record<string, tf.Variable> {
    return {
      wordEmbedding: this.wordEmbedding,
      charEmbedding: this.charEmbedding,
      ...(this.shapeEmbedding ? { shapeEmbedding: this.shapeEmbedding } : {}),
      ...this.chars.namedWeights(),
    };
  }

  getConfig() {
    const { chars, shapesFromKinds, ...rest } = this.settings;
    return { ...rest, chars, ...(shapesFromKinds ? { shapesFromKinds } : {}), ...this.chars.getConfig() };
  }
}

/** Token features as rows of a table (see TokenEmbedder.embedRows). */
export interface EmbeddedRows {
  /** [R, outputDim] */
  table: tf.Tensor2D;
  /** For each position of B·T, its row of `table`; null when the table has a row per position. */
  index: Int32Array | null;
}

/**
 * The distinct (token, shape) pairs of a batch, in order of first position: `first[r]` is the
 * first position with pair r, `index[k]` the pair of position k.
 */
function distinctRows(tokenIndex: Int32Array, shapeIds: Int32Array): { first: Int32Array; index: Int32Array } {
  const seen = new Map<number, number>();
  const first: number[] = [];
  const index = new Int32Array(tokenIndex.length);
  for (let k = 0; k < tokenIndex.length; k++) {
    const key = tokenIndex[k] * TOKEN_SHAPE_COUNT + shapeIds[k];
    let row = seen.get(key);
    if (row === undefined) {
      row = first.length;
      seen.set(key, row);
      first.push(k);
    }
    index[k] = row;
  }
  return { first: Int32Array.from(first), index };
}

/** Kinds that name a token's shape outright; the others leave the shape to the token's text. */
const KIND_SHAPES: Partial<Record<TokenKind, number>> = {
  hashtag: TOKEN_SHAPES.indexOf('hashtag'),
  mention: TOKEN_SHAPES.indexOf('mention'),
  url: TOKEN_SHAPES.indexOf('url'),
};

/** Overrides the shape of each real token whose kind names one (kinds [B][T_b], as the posts). */
function applyKindShapes(shapeIds: Int32Array, kinds: readonly (readonly TokenKind[])[], layout: TokenBatch): void {
  if (kinds.length !== layout.batch) throw new Error(`TextEncoder.encode: opts.kinds has ${kinds.length} posts, the batch ${layout.batch}`);
  kinds.forEach((post, b) => {
    if (post.length !== layout.lengths[b]) throw new Error(`TextEncoder.encode: opts.kinds of post ${b} has ${post.length} kinds for ${layout.lengths[b]} tokens`);
    post.forEach((kind, t) => {
      const shape = KIND_SHAPES[kind];
      if (shape !== undefined) shapeIds[b * layout.steps + t] = shape;
    });
  });
}
