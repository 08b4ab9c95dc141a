import * as tf from '@tensorflow/tfjs-core';
import {
  MAX_RECURRENT_SIZE,
  newVariable,
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
import { BiGru, fastestImplementation, type GruImplementation } from '../gru/bi-gru';
import { randomEmbedding } from '../ops/embedding-init';
import { gatherRows } from '../ops/gather-rows';
import { fillMissingRows } from '../vectors/fill-missing';
import type { WordVectors } from '../vectors/vector-collector';
import { ConfigReader, vocabularyJson } from './config-values';

export type GruChoice = GruImplementation | 'auto';

/**
 * Options of `new TextEncoder(...)`. As JSON (getConfig) the vocabularies are their toJSON(),
 * so a saved model carries them in model.json and needs no extra file.
 */
export interface TextEncoderOptions {
  /** Word vocabulary (core's Vocabulary, or its toJSON()). */
  wordVocabulary: Vocabulary | JsonObject;
  /** Character vocabulary (built verbatim, `normalize: false`). */
  charVocabulary: Vocabulary | JsonObject;
  /** Word embedding size (default 100; set from the vectors by `TextEncoder.create`). */
  wordDim?: number;
  /** Character embedding size (default 30). */
  charDim?: number;
  /** Character Bi-GRU hidden size per direction (default 30). */
  charHidden?: number;
  /** Word Bi-GRU hidden size per direction (default 150); outputDim = 2 × wordHidden. */
  wordHidden?: number;
  /** Size of the token-shape embedding (case, hashtag, URL, ...); 0 leaves it out (default 10). */
  shapeDim?: number;
  /** Dropout on word embeddings in training (default 0.55). */
  wordDropout?: number;
  /** Dropout on character embeddings in training (default 0.55). */
  charDropout?: number;
  /** Characters per token the character Bi-GRU reads (default 20). */
  maxCharsPerToken?: number;
  /** Whether word embeddings are trained (default true); false freezes pretrained vectors. */
  trainWordEmbeddings?: boolean;
  /** 'auto' picks the faster recurrence for the backend in use (default 'auto'). */
  gru?: GruChoice;
  /** Seed for initial weights and dropout masks (default 1). */
  seed?: number;
}

/**
 * The TriMod text modality: for each token, [word embedding; character Bi-GRU final states;
 * token-shape embedding] → word Bi-GRU.
 *
 * encode(posts: string[][] [B][T_b]) → TokenFeatures { features [B, T, 2·wordHidden], mask [B, T] }
 * with T the longest post; features are zero on padding and padding never changes real tokens.
 */
export class TextEncoder implements ModalityEncoder<readonly (readonly string[])[]> {
  readonly className = 'TextEncoder';
  readonly outputDim: number;
  readonly wordVocabulary: Vocabulary;
  readonly charVocabulary: Vocabulary;
  readonly wordEmbedding: tf.Variable;
  readonly charEmbedding: tf.Variable;
  readonly shapeEmbedding: tf.Variable | null;
  readonly charGru: BiGru;
  readonly wordGru: BiGru;
  private readonly options: Required<Omit<TextEncoderOptions, 'wordVocabulary' | 'charVocabulary'>>;
  private readonly dropoutRng: SeededRandom;

  constructor(options: TextEncoderOptions) {
    const read = new ConfigReader('TextEncoder', options as unknown as Record<string, unknown>);
    this.wordVocabulary = read.vocabulary('wordVocabulary');
    this.charVocabulary = read.vocabulary('charVocabulary');
    this.options = {
      wordDim: read.int('wordDim', 100, 1),
      charDim: read.int('charDim', 30, 1),
      charHidden: read.int('charHidden', 30, 1, MAX_RECURRENT_SIZE),
      wordHidden: read.int('wordHidden', 150, 1, MAX_RECURRENT_SIZE),
      shapeDim: read.int('shapeDim', 10, 0),
      wordDropout: read.rate('wordDropout', 0.55),
      charDropout: read.rate('charDropout', 0.55),
      maxCharsPerToken: read.int('maxCharsPerToken', 20, 1),
      trainWordEmbeddings: read.bool('trainWordEmbeddings', true),
      gru: read.oneOf<GruChoice>('gru', 'auto', ['auto', 'fused', 'autodiff']),
      seed: read.seed('seed'),
    };
    const o = this.options;
    const rng = new SeededRandom(o.seed);
    this.wordEmbedding = newVariable(randomEmbedding(rng, this.wordVocabulary.size, o.wordDim), [this.wordVocabulary.size, o.wordDim], o.trainWordEmbeddings);
    this.charEmbedding = newVariable(randomEmbedding(rng, this.charVocabulary.size, o.charDim), [this.charVocabulary.size, o.charDim]);
    this.shapeEmbedding = o.shapeDim > 0 ? newVariable(randomEmbedding(rng, TOKEN_SHAPE_COUNT, o.shapeDim), [TOKEN_SHAPE_COUNT, o.shapeDim]) : null;
    this.charGru = new BiGru('charGru', o.charDim, o.charHidden, rng);
    this.wordGru = new BiGru('wordGru', o.wordDim + 2 * o.charHidden + o.shapeDim, o.wordHidden, rng);
    this.dropoutRng = new SeededRandom(rng.childSeed());
    this.outputDim = 2 * o.wordHidden;
  }

  /**
   * An encoder whose word embeddings start from pretrained vectors (loaded for this
   * vocabulary with loadWord2VecText & co.); words without a vector get N(0, σ of the found
   * vectors), seeded. wordDim is taken from the vectors.
   */
  static create(options: Omit<TextEncoderOptions, 'wordDim'> & { vectors?: WordVectors }): TextEncoder {
    const { vectors, ...rest } = options;
    const encoder = new TextEncoder({ ...rest, wordDim: vectors ? vectors.dim : undefined });
    if (vectors) {
      if (vectors.found.length !== encoder.wordVocabulary.size) {
        encoder.dispose();
        throw new Error(
          `TextEncoder.create: the vectors were loaded for ${vectors.found.length} words but the word vocabulary has ${encoder.wordVocabulary.size}; load them with this vocabulary`,
        );
      }
      encoder.setWordVectors(fillMissingRows(vectors, encoder.options.seed));
    }
    return encoder;
  }

  /** Replaces the word embedding matrix, values [V·D] row-major for [V, D]. */
  setWordVectors(values: Float32Array): void {
    const [V, D] = this.wordEmbedding.shape;
    if (values.length !== V * D) throw new Error(`TextEncoder.setWordVectors: expected ${V}×${D} = ${V * D} values, got ${values.length}`);
    tf.tidy(() => this.wordEmbedding.assign(tf.tensor2d(values, [V, D])));
  }

  encode(posts: readonly (readonly string[])[], opts: EncodeOptions): TokenFeatures {
    const layout = layoutTokens(posts);
    const { batch: B, steps: T } = layout;
    if (T === 0) return { features: tf.zeros([B, 0, this.outputDim]), mask: tf.zeros([B, 0]) };
    const o = this.options;
    const impl = o.gru === 'auto' ? fastestImplementation(tf.getBackend()) : o.gru;
    const training = opts.training === true;
    // Seeds are drawn outside tidy and in a fixed order, so a seed gives the same masks.
    const charSeed = this.dropoutRng.childSeed();
    const wordSeed = this.dropoutRng.childSeed();
    return tf.tidy(() => {
      const U = layout.distinct.length;
      const chars = charIdsOf(layout.distinct, this.charVocabulary, o.maxCharsPerToken);
      let charEmb = tf.reshape(gatherRows(this.charEmbedding as tf.Tensor2D, chars.ids), [U, chars.steps, o.charDim]) as tf.Tensor3D;
      if (training && o.charDropout > 0) charEmb = tf.dropout(charEmb, o.charDropout, undefined, charSeed) as tf.Tensor3D;
      // One character Bi-GRU run over every distinct token of the batch: [U, Lc, Dc] → [U, 2Hc].
      const charFinal = this.charGru.final(charEmb, chars.lengths, impl);
      const withPadRow = tf.concat([charFinal, tf.zeros([1, 2 * o.charHidden])], 0) as tf.Tensor2D;
      const charFeatures = gatherRows(withPadRow, layout.distinctIndex);

      const distinctWordIds = layout.distinct.map((token) => wordIdOf(this.wordVocabulary, token));
      const wordIds = new Int32Array(B * T);
      layout.distinctIndex.forEach((u, k) => (wordIds[k] = u < U ? distinctWordIds[u] : 0));
      let wordEmb = gatherRows(this.wordEmbedding as tf.Tensor2D, wordIds);
      if (training && o.wordDropout > 0) wordEmb = tf.dropout(wordEmb, o.wordDropout, undefined, wordSeed) as tf.Tensor2D;

      const parts: tf.Tensor2D[] = [wordEmb, charFeatures];
      if (this.shapeEmbedding) {
        const distinctShapes = layout.distinct.map(tokenShapeId);
        const shapeIds = new Int32Array(B * T);
        layout.distinctIndex.forEach((u, k) => (shapeIds[k] = u < U ? distinctShapes[u] : 0));
        parts.push(gatherRows(this.shapeEmbedding as tf.Tensor2D, shapeIds));
      }
      const x = tf.reshape(tf.concat(parts, 1), [B, T, this.wordGru.inputDim]) as tf.Tensor3D;
      return {
        features: this.wordGru.apply(x, layout.lengths, impl),
        mask: tf.tensor2d(layout.mask, [B, T]),
      };
    });
  }

  trainableVariables(): tf.Variable[] {
    return Object.values(this.namedWeights()).filter((v) => v.trainable);
  }

  namedWeights(): Record<string, tf.Variable> {
    return {
      wordEmbedding: this.wordEmbedding,
      charEmbedding: this.charEmbedding,
      ...(this.shapeEmbedding ? { shapeEmbedding: this.shapeEmbedding } : {}),
      ...this.charGru.namedWeights(),
      ...this.wordGru.namedWeights(),
    };
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
    for (const v of Object.values(this.namedWeights())) v.dispose();
  }
}

registerClass('TextEncoder', (config) => new TextEncoder(config as unknown as TextEncoderOptions));
