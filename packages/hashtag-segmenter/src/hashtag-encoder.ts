import * as tf from '@tensorflow/tfjs-core';
import {
  newVariable,
  glorotLimit,
  checkAtMost,
  MAX_LAYER_SIZE,
  MAX_TABLE_ROWS,
  registerClass,
  SeededRandom,
  type AssetFiles,
  type EncodeOptions,
  type HasAssets,
  type JsonObject,
  type ModalityEncoder,
  type TokenFeatures, isHashtagToken } from '@trimod/core';
import { DEFAULT_DECODE_PARAMS, decodeParamsToJson, parseDecodeParams, type DecodeParams } from './decode/params';
import { Lexicon } from './lexicon';
import { BoundaryModel, DEFAULT_BOUNDARY_CONFIG, parseBoundaryConfig, type BoundaryModelConfig } from './neural/boundary-model';
import { charBatch } from './neural/char-batch';
import { LEXICON_FILE } from './io/artifact';
import { loadSegmenter } from './load';
import { decodePrepared, prepareBatch, type HashtagSegmenter } from './segmenter';

/** Plain-JSON settings of a HashtagEncoder. */
export interface HashtagEncoderConfig {
  /** Dh, the width of the features. */
  outputDim: number;
  /** Width of the hashed word embeddings of the segmented words. */
  wordDim: number;
  /** Buckets of the word hash (words share a vector when they collide). */
  hashBuckets: number;
  /** Dropout on the projection's input while training. */
  dropout: number;
  seed: number;
  /** The segmenter network's config (its weights are part of this encoder's weights). */
  boundaryModel: BoundaryModelConfig;
  /** Decoder settings used when a lexicon is attached. */
  decode: DecodeParams;
  /**
   * Whether the encoder segments with a word lexicon, saved with it as the asset `lexicon.txt`.
   * Absent in models saved before the encoder kept its lexicon: those load the shipped
   * segmenter's lexicon, as every such model was trained with it.
   */
  lexicon?: boolean;
}

export const DEFAULT_HASHTAG_ENCODER_CONFIG: HashtagEncoderConfig = {
  outputDim: 64,
  wordDim: 32,
  hashBuckets: 4096,
  dropout: 0.1,
  seed: 4242,
  boundaryModel: DEFAULT_BOUNDARY_CONFIG,
  decode: DEFAULT_DECODE_PARAMS,
};


/** FNV-1a hash of a lower-cased word into [0, buckets). */
export function hashWord(word: string, buckets: number): number {
  let h = 0x811c9dc5;
  const w = word.toLowerCase();
  for (let i = 0; i < w.length; i++) {
    h ^= w.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % buckets;
}

function positiveInt(json: JsonObject, key: string, fallback: number, max = MAX_LAYER_SIZE): number {
  const v = json[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new Error(`HashtagEncoder config: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return checkAtMost('HashtagEncoder config', key, v, max);
}

export function parseHashtagEncoderConfig(json: JsonObject = {}): HashtagEncoderConfig {
  const d = DEFAULT_HASHTAG_ENCODER_CONFIG;
  const dropout = json.dropout ?? d.dropout;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new Error(`HashtagEncoder config: "dropout" must be in [0, 1), got ${JSON.stringify(dropout)}`);
  }
  const seed = json.seed ?? d.seed;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new Error(`HashtagEncoder config: "seed" must be a number`);
  const boundary = json.boundaryModel;
  const decode = json.decode;
  return {
    outputDim: positiveInt(json, 'outputDim', d.outputDim),
    wordDim: positiveInt(json, 'wordDim', d.wordDim),
    hashBuckets: positiveInt(json, 'hashBuckets', d.hashBuckets, MAX_TABLE_ROWS),
    dropout,
    seed,
    boundaryModel: parseBoundaryConfig(boundary && typeof boundary === 'object' && !Array.isArray(boundary) ? boundary : {}),
    decode: parseDecodeParams(decode && typeof decode === 'object' && !Array.isArray(decode) ? decode : undefined, 'HashtagEncoder config: decode'),
    ...(json.lexicon === undefined ? {} : { lexicon: parseLexiconFlag(json.lexicon) }),
  };
}

function parseLexiconFlag(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`HashtagEncoder config: "lexicon" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Hashtag features for fusion: `encode(posts)` with posts as token lists (`string[][]`) gives
 * TokenFeatures [B, T, Dh] with T the longest post. A hashtag token's feature is
 *
 *   tanh([mean of the segmenter's BiLSTM states over the hashtag's characters ;
 *         mean of hashed embeddings of its segmented words] · W + b),
 *
 * so both how the hashtag reads character by character and which words it splits into reach
 * the tagger. Every other token gets zeros and mask 0 (the hashtag modality is absent there).
 *
 * The segmenter network is a frozen, pretrained feature extractor: its weights are saved with
 * this encoder (`segmenter/...`) but are not in trainableVariables(); the word embeddings and the
 * projection train. Words are segmented with the lexicon when one is attached (see
 * `createHashtagEncoder`, `attachLexicon`), else by the network alone. The lexicon is an asset
 * (core's HasAssets): saved beside the weights as `lexicon.txt` and read back on load, so a
 * model that holds this encoder loads with no help from its loader. Nothing is gathered or
 * scattered: averages and placement are matMuls with matrices built in JS, which every backend
 * differentiates.
 */
export class HashtagEncoder implements ModalityEncoder<string[][], TokenFeatures>, HasAssets {
  readonly className = 'HashtagEncoder';
  readonly config: HashtagEncoderConfig;
  readonly segmenterModel: BoundaryModel;
  private lexicon: Lexicon | null;
  /** Whether the saved model holds a lexicon; undefined for a model saved before encoders kept theirs. */
  private lexiconSaved: boolean | undefined;
  private readonly wordEmbedding: tf.Variable;
  private readonly projectionKernel: tf.Variable;
  private readonly projectionBias: tf.Variable;
  private dropoutCalls = 0;

  constructor(config: Partial<HashtagEncoderConfig> = {}, opts: { lexicon?: Lexicon | null; segmenterModel?: BoundaryModel } = {}) {
    this.config = parseHashtagEncoderConfig(config as JsonObject);
    const c = this.config;
    if (opts.segmenterModel && JSON.stringify(opts.segmenterModel.config) !== JSON.stringify(c.boundaryModel)) {
      throw new Error('HashtagEncoder: the given segmenter network does not match config.boundaryModel');
    }
    this.segmenterModel = opts.segmenterModel ?? new BoundaryModel(c.boundaryModel);
    this.lexicon = opts.lexicon ?? null;
    this.lexiconSaved = this.lexicon ? true : c.lexicon;
    const rng = new SeededRandom(c.seed);
    const inDim = this.segmenterModel.stateDim + c.wordDim;
    this.wordEmbedding = newVariable(rng.normalArray(c.hashBuckets * c.wordDim, 0.1), [c.hashBuckets, c.wordDim]);
    this.projectionKernel = newVariable(rng.uniformArray(inDim * c.outputDim, glorotLimit(inDim, c.outputDim)), [inDim, c.outputDim]);
    this.projectionBias = newVariable(null, [c.outputDim]);
  }

  get outputDim(): number {
    return this.config.outputDim;
  }

  /** Segments with this lexicon from now on (null: the network alone). */
  attachLexicon(lexicon: Lexicon | null): void {
    this.lexicon = lexicon;
    this.lexiconSaved = lexicon !== null;
  }

  /** The lexicon, saved with the model (HasAssets). */
  assets(): Record<string, string> {
    return this.lexicon ? { [LEXICON_FILE]: this.lexicon.toText() } : {};
  }

  /**
   * Reads the lexicon back after loading. A model saved before encoders kept their lexicon has
   * none and no `lexicon` flag: it gets the shipped segmenter's, as TriMod.load used to attach
   * (in a browser, from where the segmenter's setDefaultModelLocation says).
   */
  async restoreAssets(files: AssetFiles): Promise<void> {
    if (files.has(LEXICON_FILE)) {
      this.attachLexicon(Lexicon.fromText(await files.readText(LEXICON_FILE), `${files.location}/${LEXICON_FILE}`));
    } else if (this.lexiconSaved === true) {
      throw new Error(`HashtagEncoder: the model at ${files.location} says it segments with a lexicon, but ${LEXICON_FILE} was not saved with it`);
    } else if (this.lexiconSaved === undefined) {
      const shipped = await loadSegmenter();
      shipped.dispose(); // only its lexicon is kept
      this.attachLexicon(shipped.lexicon);
    }
  }

  /** How many dropout masks were drawn (each mask's seed follows from it); a training checkpoint stores it. */
  randomState(): JsonObject {
    return { dropoutCalls: this.dropoutCalls };
  }

  setRandomState(state: JsonObject): void {
    const calls = state.dropoutCalls;
    if (typeof calls !== 'number' || !Number.isInteger(calls) || calls < 0) throw new Error(`HashtagEncoder.setRandomState: "dropoutCalls" must be an integer ≥ 0, got ${JSON.stringify(calls)}`);
    this.dropoutCalls = calls;
  }

  getConfig(): JsonObject {
    const c = this.config;
    return {
      outputDim: c.outputDim,
      wordDim: c.wordDim,
      hashBuckets: c.hashBuckets,
      dropout: c.dropout,
      seed: c.seed,
      boundaryModel: { ...c.boundaryModel },
      decode: decodeParamsToJson(c.decode),
      lexicon: this.lexicon !== null || this.lexiconSaved === true,
    };
  }

  namedWeights(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {
      wordEmbedding: this.wordEmbedding,
      'projection/kernel': this.projectionKernel,
      'projection/bias': this.projectionBias,
    };
    for (const [name, v] of Object.entries(this.segmenterModel.namedWeights())) out[`segmenter/${name}`] = v;
    return out;
  }

  trainableVariables(): tf.Variable[] {
    return [this.wordEmbedding, this.projectionKernel, this.projectionBias];
  }

  /** The words each hashtag token is read as (for inspection; encode() uses the same). */
  segmentTokens(hashtags: readonly string[]): string[][] {
    const { states, words } = this.analyse(hashtags);
    states.dispose(); // only encode() needs the network's states
    return words;
  }

  /**
   * posts: B token lists. Returns features [B, T, Dh] (zeros off hashtags) and mask [B, T]
   * (1 on hashtag tokens), T = the longest post's token count.
   */
  encode(posts: string[][], opts: EncodeOptions): TokenFeatures {
    if (!Array.isArray(posts)) throw new Error('HashtagEncoder.encode: expected posts as an array of token arrays');
    posts.forEach((p, i) => {
      if (!Array.isArray(p)) throw new Error(`HashtagEncoder.encode: post ${i} is not an array of tokens`);
      p.forEach((t, j) => {
        if (typeof t !== 'string') throw new Error(`HashtagEncoder.encode: token ${j} of post ${i} is not a string`);
      });
    });
    const b = posts.length;
    const t = posts.reduce((m, p) => Math.max(m, p.length), 0);
    const d = this.config.outputDim;
    const positions: number[] = [];
    const hashtags: string[] = [];
    const mask = new Float32Array(b * t);
    posts.forEach((tokens, i) =>
      tokens.forEach((token, j) => {
        if (!isHashtagToken(token)) return;
        positions.push(i * t + j);
        hashtags.push(token);
        mask[i * t + j] = 1;
      }),
    );
    if (hashtags.length === 0) {
      return { features: tf.zeros([b, t, d]), mask: tf.tensor2d(mask, [b, t]) };
    }
    const { states, charWeights, bag } = this.analyse(hashtags);
    const n = hashtags.length;
    const place = new Float32Array(b * t * n);
    positions.forEach((pos, k) => (place[pos * n + k] = 1));
    const features = tf.tidy(() => {
      const [p, tc, sd] = states.shape;
      // Mean of the character states of each hashtag's Latin pieces: [N, 2H].
      const charMean = tf.matMul(tf.tensor2d(charWeights, [n, p * tc]), tf.reshape(states, [p * tc, sd]));
      // Mean hashed embedding of each hashtag's words: [N, wordDim].
      const wordMean = tf.matMul(tf.tensor2d(bag, [n, this.config.hashBuckets]), this.wordEmbedding);
      let input = tf.concat([charMean, wordMean], 1);
      if (opts.training && this.config.dropout > 0) {
        input = tf.dropout(input, this.config.dropout, undefined, (this.config.seed + this.dropoutCalls++) >>> 0);
      }
      const h = tf.tanh(tf.add(tf.matMul(input, this.projectionKernel), this.projectionBias));
      return tf.reshape(tf.matMul(tf.tensor2d(place, [b * t, n]), h), [b, t, d]) as tf.Tensor3D;
    });
    states.dispose();
    return { features, mask: tf.tensor2d(mask, [b, t]) };
  }

  /**
   * Runs the segmenter once over the hashtags: their Latin pieces' BiLSTM states [P, T, 2H],
   * averaging weights [N, P·T] over each hashtag's characters, its words, and its bag of hashed
   * words [N, buckets] (each row averages to 1 over the words).
   */
  private analyse(hashtags: readonly string[]): { states: tf.Tensor3D; charWeights: Float32Array; bag: Float32Array; words: string[][] } {
    const prepared = prepareBatch(hashtags);
    const pieces = prepared.latin;
    const length = Math.max(1, pieces.reduce((m, x) => Math.max(m, x.length), 0));
    const batch = charBatch(pieces.length > 0 ? pieces : [[]], length);
    const out = this.segmenterModel.forward(batch, true);
    const probsTensor = tf.sigmoid(out.logits);
    const probValues = probsTensor.dataSync() as Float32Array;
    tf.dispose([probsTensor, out.logits]);
    const probs = pieces.map((chars, i) => probValues.slice(i * length, i * length + chars.length));
    const mode = this.lexicon ? 'combined' : 'neural';
    const words = decodePrepared(prepared, probs, mode, this.lexicon, this.config.decode);
    const n = hashtags.length;
    const rows = Math.max(1, pieces.length);
    const charWeights = new Float32Array(n * rows * length);
    const buckets = this.config.hashBuckets;
    const bag = new Float32Array(n * buckets);
    let piece = 0;
    prepared.pieced.forEach((hashtagPieces, h) => {
      const own: number[] = [];
      for (const p of hashtagPieces) if (p.kind === 'latin') own.push(piece++);
      const count = own.reduce((s, i) => s + pieces[i].length, 0);
      for (const i of own) for (let k = 0; k < pieces[i].length; k++) charWeights[h * rows * length + i * length + k] = 1 / count;
      const ws = words[h];
      for (const w of ws) bag[h * buckets + hashWord(w, buckets)] += 1 / ws.length;
    });
    return { states: out.states as tf.Tensor3D, charWeights, bag, words };
  }

  dispose(): void {
    this.segmenterModel.dispose();
    tf.dispose([this.wordEmbedding, this.projectionKernel, this.projectionBias]);
  }
}

registerClass('HashtagEncoder', (config) => new HashtagEncoder(config as Partial<HashtagEncoderConfig>));

/**
 * A HashtagEncoder on a loaded segmenter (by default the shipped one): the segmenter's network
 * weights are copied in and its lexicon and decoder settings are used for segmenting.
 */
export async function createHashtagEncoder(
  config: Partial<Omit<HashtagEncoderConfig, 'boundaryModel' | 'decode'>> = {},
  segmenter?: HashtagSegmenter,
): Promise<HashtagEncoder> {
  const s = segmenter ?? (await loadSegmenter());
  if (!s.model) throw new Error('createHashtagEncoder: the segmenter has no network to take states from');
  const weights: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(s.model.namedWeights())) weights[name] = v;
  const model = new BoundaryModel(s.model.config, weights);
  return new HashtagEncoder({ ...config, boundaryModel: s.model.config, decode: s.params }, { lexicon: s.lexicon, segmenterModel: model });
}
