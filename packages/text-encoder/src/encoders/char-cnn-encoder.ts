import * as tf from '@tensorflow/tfjs-core';
import {
  newVariable,
  glorotLimit,
  registerClass,
  SeededRandom,
  type EncodeOptions,
  type JsonObject,
  type ModalityEncoder,
  type TokenFeatures,
  type Vocabulary,
} from '@trimod/core';
import { layoutTokens } from '../features/batch-tokens';
import { charIdsOf, wordIdOf } from '../features/token-ids';
import { TOKEN_SHAPE_COUNT, tokenShapeId } from '../features/token-shape';
import { randomEmbedding } from '../ops/embedding-init';
import { dense } from '../ops/dense';
import { gatherRows, moveRows } from '../ops/gather-rows';
import { windowRows, windowRowsByPosition } from '../ops/windows';
import { fillMissingRows } from '../vectors/fill-missing';
import type { WordVectors } from '../vectors/vector-collector';
import { ConfigReader, vocabularyJson } from './config-values';

/** Options of `new CharCnnEncoder(...)`; vocabularies as in TextEncoder. */
export interface CharCnnEncoderOptions {
  wordVocabulary: Vocabulary | JsonObject;
  charVocabulary: Vocabulary | JsonObject;
  /** Word embedding size (default 100). */
  wordDim?: number;
  /** Character embedding size (default 30). */
  charDim?: number;
  /** Character CNN filters (default 50) and window (odd, default 3). */
  charFilters?: number;
  charWindow?: number;
  /** Token-shape embedding size; 0 leaves it out (default 10). */
  shapeDim?: number;
  /** Word-level CNN filters = outputDim (default 200) and window (odd, default 3). */
  hidden?: number;
  wordWindow?: number;
  /** Dropout on word and character embeddings in training (default 0.5). */
  dropout?: number;
  maxCharsPerToken?: number;
  trainWordEmbeddings?: boolean;
  seed?: number;
}

/**
 * A recurrence-free text encoder in the NCRF++ style: [word embedding; max-pooled character
 * CNN; token shape] → a word-level CNN with tanh. Much cheaper than the Bi-GRUs, with a
 * context of `wordWindow` tokens; a drop-in replacement for TextEncoder in TriMod.
 *
 * encode(posts: string[][]) → TokenFeatures { features [B, T, hidden], mask [B, T] }.
 */
export class CharCnnEncoder implements ModalityEncoder<readonly (readonly string[])[]> {
  readonly className = 'CharCnnEncoder';
  readonly outputDim: number;
  readonly wordVocabulary: Vocabulary;
  readonly charVocabulary: Vocabulary;
  private readonly weights: Record<string, tf.Variable>;
  private readonly options: Required<Omit<CharCnnEncoderOptions, 'wordVocabulary' | 'charVocabulary'>>;
  private readonly dropoutRng: SeededRandom;

  constructor(options: CharCnnEncoderOptions) {
    const read = new ConfigReader('CharCnnEncoder', options as unknown as Record<string, unknown>);
    this.wordVocabulary = read.vocabulary('wordVocabulary');
    this.charVocabulary = read.vocabulary('charVocabulary');
    this.options = {
      wordDim: read.int('wordDim', 100, 1),
      charDim: read.int('charDim', 30, 1),
      charFilters: read.int('charFilters', 50, 1),
      charWindow: read.int('charWindow', 3, 1),
      shapeDim: read.int('shapeDim', 10, 0),
      hidden: read.int('hidden', 200, 1),
      wordWindow: read.int('wordWindow', 3, 1),
      dropout: read.rate('dropout', 0.5),
      maxCharsPerToken: read.int('maxCharsPerToken', 20, 1),
      trainWordEmbeddings: read.bool('trainWordEmbeddings', true),
      seed: read.seed('seed'),
    };
    const o = this.options;
    for (const key of ['charWindow', 'wordWindow'] as const) {
      if (o[key] % 2 === 0) throw new Error(`CharCnnEncoder: "${key}" must be odd, got ${o[key]}`);
    }
    const rng = new SeededRandom(o.seed);
    const V = this.wordVocabulary.size;
    const C = this.charVocabulary.size;
    const wordIn = o.wordDim + o.charFilters + o.shapeDim;
    this.weights = {
      wordEmbedding: newVariable(randomEmbedding(rng, V, o.wordDim), [V, o.wordDim], o.trainWordEmbeddings),
      charEmbedding: newVariable(randomEmbedding(rng, C, o.charDim), [C, o.charDim]),
      'charCnn/kernel': newVariable(rng.uniformArray(o.charWindow * o.charDim * o.charFilters, glorotLimit(o.charWindow * o.charDim, o.charFilters)), [o.charWindow * o.charDim, o.charFilters]),
      'charCnn/bias': newVariable(null, [o.charFilters]),
      'wordCnn/kernel': newVariable(rng.uniformArray(o.wordWindow * wordIn * o.hidden, glorotLimit(o.wordWindow * wordIn, o.hidden)), [o.wordWindow * wordIn, o.hidden]),
      'wordCnn/bias': newVariable(null, [o.hidden]),
    };
    if (o.shapeDim > 0) this.weights.shapeEmbedding = newVariable(randomEmbedding(rng, TOKEN_SHAPE_COUNT, o.shapeDim), [TOKEN_SHAPE_COUNT, o.shapeDim]);
    this.dropoutRng = new SeededRandom(rng.childSeed());
    this.outputDim = o.hidden;
  }

  /** An encoder whose word embeddings start from pretrained vectors (see TextEncoder.create). */
  static create(options: Omit<CharCnnEncoderOptions, 'wordDim'> & { vectors?: WordVectors }): CharCnnEncoder {
    const { vectors, ...rest } = options;
    const encoder = new CharCnnEncoder({ ...rest, wordDim: vectors ? vectors.dim : undefined });
    if (vectors) {
      const table = encoder.weights.wordEmbedding;
      if (vectors.found.length !== table.shape[0]) {
        encoder.dispose();
        throw new Error(`CharCnnEncoder.create: the vectors were loaded for ${vectors.found.length} words but the word vocabulary has ${table.shape[0]}`);
      }
      tf.tidy(() => table.assign(tf.tensor2d(fillMissingRows(vectors, encoder.options.seed), table.shape as [number, number])));
    }
    return encoder;
  }

  encode(posts: readonly (readonly string[])[], opts: EncodeOptions): TokenFeatures {
    const layout = layoutTokens(posts);
    const { batch: B, steps: T } = layout;
    if (T === 0) return { features: tf.zeros([B, 0, this.outputDim]), mask: tf.zeros([B, 0]) };
    const o = this.options;
    const w = this.weights;
    const charSeed = this.dropoutRng.childSeed();
    const wordSeed = this.dropoutRng.childSeed();
    const training = opts.training === true;
    return tf.tidy(() => {
      const U = layout.distinct.length;
      const chars = charIdsOf(layout.distinct, this.charVocabulary, o.maxCharsPerToken);
      const Lc = chars.steps;
      // Character windows, position-major [Lc·U, kc·Dc], straight from ids; slots outside a
      // token read an extra zero row.
      const charTable = tf.concat([w.charEmbedding, tf.zeros([1, o.charDim])], 0) as tf.Tensor2D;
      const flatIds = windowRowsByPosition(chars.lengths, Lc, o.charWindow, -1).map((row) => (row < 0 ? this.charVocabulary.size : chars.ids[row]));
      let charWindows = gatherRows(charTable, flatIds);
      // Dropout on the windowed character embeddings: each window slot gets its own mask.
      if (training && o.dropout > 0) charWindows = tf.dropout(charWindows, o.dropout, undefined, charSeed) as tf.Tensor2D;
      const charConv = dense(tf.reshape(charWindows, [Lc * U, o.charWindow * o.charDim]), w['charCnn/kernel'] as tf.Tensor2D, w['charCnn/bias'] as tf.Tensor1D);
      // Max over each token's real positions: positions past a token's end get −1e9 (a
      // full-shape mask: tfjs-cpu broadcasts over middle axes one element at a time), then a
      // running maximum over the contiguous per-position blocks.
      const past = new Float32Array(Lc * U * o.charFilters);
      for (let t = 0; t < Lc; t++) {
        for (let u = 0; u < U; u++) if (t >= chars.lengths[u]) past.fill(-1e9, (t * U + u) * o.charFilters, (t * U + u + 1) * o.charFilters);
      }
      const positions = tf.unstack(tf.reshape(tf.add(charConv, tf.tensor2d(past, [Lc * U, o.charFilters])), [Lc, U, o.charFilters])) as tf.Tensor2D[];
      const pooled = positions.reduce((best, next) => tf.maximum(best, next));
      const charFeatures = gatherRows(tf.concat([pooled, tf.zeros([1, o.charFilters])], 0) as tf.Tensor2D, layout.distinctIndex);

      const distinctWordIds = layout.distinct.map((token) => wordIdOf(this.wordVocabulary, token));
      const wordIds = layout.distinctIndex.map((u) => (u < U ? distinctWordIds[u] : 0));
      let wordEmb = gatherRows(w.wordEmbedding as tf.Tensor2D, wordIds);
      if (training && o.dropout > 0) wordEmb = tf.dropout(wordEmb, o.dropout, undefined, wordSeed) as tf.Tensor2D;
      const parts: tf.Tensor2D[] = [wordEmb, charFeatures];
      if (w.shapeEmbedding) {
        const shapes = layout.distinct.map(tokenShapeId);
        parts.push(gatherRows(w.shapeEmbedding as tf.Tensor2D, layout.distinctIndex.map((u) => (u < U ? shapes[u] : 0))));
      }
      const tokens = tf.concat(parts, 1) as tf.Tensor2D;
      const wordIn = tokens.shape[1];
      // Word windows [B·T, kw·Din]: padding and positions outside a post read a zero row.
      const tokenTable = tf.concat([tokens, tf.zeros([1, wordIn])], 0) as tf.Tensor2D;
      const wordWindows = gatherRows(tokenTable, windowRows(layout.lengths, T, o.wordWindow, B * T));
      const hidden = tf.tanh(
        dense(tf.reshape(wordWindows, [B * T, o.wordWindow * wordIn]), w['wordCnn/kernel'] as tf.Tensor2D, w['wordCnn/bias'] as tf.Tensor1D),
      );
      // Padded positions are dropped, so features are zero there.
      const keep = Int32Array.from(layout.mask, (m, k) => (m ? k : -1));
      return {
        features: tf.reshape(moveRows(hidden as tf.Tensor2D, keep, B * T), [B, T, o.hidden]) as tf.Tensor3D,
        mask: tf.tensor2d(layout.mask, [B, T]),
      };
    });
  }

  trainableVariables(): tf.Variable[] {
    return Object.values(this.weights).filter((v) => v.trainable);
  }

  namedWeights(): Record<string, tf.Variable> {
    return { ...this.weights };
  }

  /** Where the dropout generator stands (a training checkpoint stores it; see core's RandomStateful). */
  randomState(): JsonObject {
    return { dropout: this.dropoutRng.state() };
  }

  setRandomState(state: JsonObject): void {
    this.dropoutRng.setState(state.dropout as number);
  }

  getConfig(): JsonObject {
    return {
      wordVocabulary: vocabularyJson(this.wordVocabulary),
      charVocabulary: vocabularyJson(this.charVocabulary),
      ...this.options,
    };
  }

  dispose(): void {
    for (const v of Object.values(this.weights)) v.dispose();
  }
}

registerClass('CharCnnEncoder', (config) => new CharCnnEncoder(config as unknown as CharCnnEncoderOptions));
