import * as tf from '@tensorflow/tfjs-core';
import {
  registerClass,
  SeededRandom,
  type EncodeOptions,
  type JsonObject,
  type ModalityEncoder,
  type TokenFeatures,
  type Vocabulary,
} from '@trimod/core';
import { contextEncoderNames, createContextEncoder, type ContextEncoder, type ContextInput } from '../context/context-encoder';
// The built-in context encoders register themselves on import.
import { BiGruContext } from '../context/bigru-context';
import '../context/cnn-context';
import '../context/none-context';
import '../context/transformer-context';
import { layoutTokens } from '../features/batch-tokens';
import { fastestImplementation, type BiGru, type GruImplementation } from '../gru/bi-gru';
import { gatherRows } from '../ops/gather-rows';
import { fillMissingRows } from '../vectors/fill-missing';
import type { WordVectors } from '../vectors/vector-collector';
import { CharBiGru, type CharChoice } from './char-features';
import { ConfigReader, vocabularyJson } from './config-values';
import { readEmbedderSettings, TokenEmbedder } from './token-embedder';

export type GruChoice = GruImplementation | 'auto';

/** The built-in context encoders; others can be added with registerContextEncoder. */
export type ContextChoice = 'bigru' | 'cnn' | 'transformer' | 'none';

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
  /** Character encoder: 'bigru' (default) or 'cnn' (max-pooled, NCRF++ style). */
  chars?: CharChoice;
  /** Character Bi-GRU hidden size per direction (default 30; chars 'bigru'). */
  charHidden?: number;
  /** Character CNN filters (default 50) and odd window (default 3; chars 'cnn'). */
  charFilters?: number;
  charWindow?: number;
  /** Size of the token-shape embedding (case, hashtag, URL, ...); 0 leaves it out (default 10). */
  shapeDim?: number;
  /**
   * Take a token's shape from its kind (`encode`'s `opts.kinds`, core's tokenizer) where that
   * names one (hashtag, mention, URL), so `NBA` of a hashtag written `#`, `NBA` has the hashtag
   * shape. Default false: the configs of models saved before it lack it and keep their features.
   */
  shapesFromKinds?: boolean;
  /** Dropout on word embeddings in training (default 0.55). */
  wordDropout?: number;
  /** Dropout on character embeddings in training (default 0.55). */
  charDropout?: number;
  /** Characters per token the character encoder reads (default 20). */
  maxCharsPerToken?: number;
  /** Whether word embeddings are trained (default true); false freezes pretrained vectors. */
  trainWordEmbeddings?: boolean;
  /** Context encoder over the embedded tokens of a post (default 'bigru'). */
  context?: ContextChoice | (string & {});
  /** Word Bi-GRU hidden size per direction (default 150; context 'bigru'); outputDim = 2 × wordHidden. */
  wordHidden?: number;
  /** Word CNN filters = outputDim (default 200) and odd window (default 3; context 'cnn'). */
  hidden?: number;
  wordWindow?: number;
  /** Transformer width = outputDim (128), heads (4), layers (2, at most 4), feed-forward size (2 × width); context 'transformer'. */
  transformerDim?: number;
  transformerHeads?: number;
  transformerLayers?: number;
  transformerFfn?: number;
  /** 'auto' picks the faster recurrence for the backend in use (default 'auto'). */
  gru?: GruChoice;
  /** Seed for initial weights and dropout masks (default 1). */
  seed?: number;
}

/**
 * The TriMod text modality: a token embedder ([word embedding; character features; token-shape
 * embedding]) → a context encoder chosen by `context` (the method's word Bi-GRU by default).
 *
 * encode(posts: string[][] [B][T_b]) → TokenFeatures { features [B, T, outputDim], mask [B, T] }
 * with T the longest post; features are zero on padding and padding never changes real tokens.
 */
export class TextEncoder implements ModalityEncoder<readonly (readonly string[])[]> {
  readonly className: string;
  readonly outputDim: number;
  readonly embedder: TokenEmbedder;
  readonly context: ContextEncoder;
  private readonly contextName: string;
  private readonly gru: GruChoice;
  readonly seed: number;
  private readonly dropoutRng: SeededRandom;

  /** `className` is the registered name a subclass saves under (CharCnnEncoder). */
  constructor(options: TextEncoderOptions, className = 'TextEncoder') {
    this.className = className;
    const read = new ConfigReader(className, options as unknown as Record<string, unknown>);
    const wordVocabulary = read.vocabulary('wordVocabulary');
    const charVocabulary = read.vocabulary('charVocabulary');
    const settings = readEmbedderSettings(read);
    this.gru = read.oneOf<GruChoice>('gru', 'auto', ['auto', 'native', 'fused', 'autodiff']);
    this.seed = read.seed('seed');
    this.contextName = read.oneOf('context', 'bigru', contextEncoderNames());
    // Weights are drawn in a fixed order (embedder, context, then the dropout seed), so a seed
    // gives the same encoder as before the embedder and context were separate pieces.
    const rng = new SeededRandom(this.seed);
    this.embedder = new TokenEmbedder(wordVocabulary, charVocabulary, settings, read, rng);
    this.context = createContextEncoder(this.contextName, this.embedder.outputDim, read, rng);
    this.dropoutRng = new SeededRandom(rng.childSeed());
    this.outputDim = this.context.outputDim;
  }

  /**
   * An encoder whose word embeddings start from pretrained vectors (loaded for this
   * vocabulary with loadWord2VecText & co.); words without a vector get N(0, σ of the found
   * vectors), seeded. wordDim is taken from the vectors.
   */
  static create(options: Omit<TextEncoderOptions, 'wordDim'> & { vectors?: WordVectors }): TextEncoder {
    const { vectors, ...rest } = options;
    return withVectors(new TextEncoder({ ...rest, wordDim: vectors ? vectors.dim : undefined }), vectors);
  }

  get wordVocabulary(): Vocabulary {
    return this.embedder.wordVocabulary;
  }

  get charVocabulary(): Vocabulary {
    return this.embedder.charVocabulary;
  }

  get wordEmbedding(): tf.Variable {
    return this.embedder.wordEmbedding;
  }

  get charEmbedding(): tf.Variable {
    return this.embedder.charEmbedding;
  }

  get shapeEmbedding(): tf.Variable | null {
    return this.embedder.shapeEmbedding;
  }

  /** The character Bi-GRU (chars 'bigru'). */
  get charGru(): BiGru {
    if (!(this.embedder.chars instanceof CharBiGru)) throw new Error(`${this.className}.charGru: this encoder reads characters with a CNN (chars 'cnn')`);
    return this.embedder.chars.gru;
  }

  /** The word Bi-GRU (context 'bigru'). */
  get wordGru(): BiGru {
    if (!(this.context instanceof BiGruContext)) throw new Error(`${this.className}.wordGru: this encoder's context is '${this.contextName}', not 'bigru'`);
    return this.context.gru;
  }

  /** Replaces the word embedding matrix, values [V·D] row-major for [V, D]. */
  setWordVectors(values: Float32Array): void {
    this.embedder.setWordVectors(values, this.className);
  }

  encode(posts: readonly (readonly string[])[], opts: EncodeOptions): TokenFeatures {
    const layout = layoutTokens(posts);
    const { batch: B, steps: T } = layout;
    if (T === 0) return { features: tf.zeros([B, 0, this.outputDim]), mask: tf.zeros([B, 0]) };
    const impl = this.gru === 'auto' ? fastestImplementation(tf.getBackend()) : this.gru;
    const training = opts.training === true;
    // Seeds are drawn outside tidy and in a fixed order, so a seed gives the same masks.
    const charSeed = this.dropoutRng.childSeed();
    const wordSeed = this.dropoutRng.childSeed();
    return tf.tidy(() => {
      const { table, index } = this.embedder.embedRows(layout, { training, impl, charSeed, wordSeed, kinds: opts.kinds });
      // x is gathered from the rows only if the context reads it: the Bi-GRU takes the rows.
      let x: tf.Tensor3D | null = null;
      const input: ContextInput = {
        get x() {
          return (x ??= tf.reshape(index ? gatherRows(table, index) : table, [B, T, table.shape[1]]) as tf.Tensor3D);
        },
        rows: index ? { table, index, shape: [B, T] } : undefined,
        lengths: layout.lengths,
        mask: layout.mask,
        training,
        impl,
      };
      return {
        features: this.context.apply(input),
        mask: tf.tensor2d(layout.mask, [B, T]),
      };
    });
  }

  trainableVariables(): tf.Variable[] {
    return Object.values(this.namedWeights()).filter((v) => v.trainable);
  }

  /** Saved weight names: the embedder's (`wordEmbedding`, `charGru/...`) and the context's (`wordGru/...`). */
  namedWeights(): Record<string, tf.Variable> {
    return { ...this.embedder.namedWeights(), ...this.context.namedWeights() };
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
      ...this.embedder.getConfig(),
      context: this.contextName,
      ...this.context.getConfig(),
      gru: this.gru,
      seed: this.seed,
    };
  }

  dispose(): void {
    for (const v of Object.values(this.namedWeights())) v.dispose();
  }
}

/** Fills `encoder`'s word embeddings from pretrained vectors (rows without one: seeded N(0, σ)). */
export function withVectors<E extends TextEncoder>(encoder: E, vectors: WordVectors | undefined): E {
  if (!vectors) return encoder;
  if (vectors.found.length !== encoder.wordVocabulary.size) {
    encoder.dispose();
    throw new Error(
      `${encoder.className}.create: the vectors were loaded for ${vectors.found.length} words but the word vocabulary has ${encoder.wordVocabulary.size}; load them with this vocabulary`,
    );
  }
  encoder.setWordVectors(fillMissingRows(vectors, encoder.seed));
  return encoder;
}

registerClass('TextEncoder', (config) => new TextEncoder(config as unknown as TextEncoderOptions));
