import * as tf from '@tensorflow/tfjs-core';
import { glorotLimit, newVariable, SeededRandom, type JsonObject } from '@trimod/core';
import { requireWeight, type NamedArray } from '../weights/io';
import type { DecoderConfig } from './config';
import { CaptionVocab } from './vocab';

/** What the decoder precomputes once per image: projected regions, attention keys, first state. */
export interface ImageContext {
  /** [B, R, C] regions projected to the context size. */
  values: tf.Tensor3D;
  /** [B, R, A] attention keys. */
  keys: tf.Tensor3D;
  /** [B, H] initial GRU state. */
  h0: tf.Tensor2D;
}

let instanceCount = 0;

/** Weight names and shapes, in one place for building, loading and saving. */
export function decoderWeightShapes(c: DecoderConfig, vocabSize: number): Record<string, number[]> {
  const standardize: Record<string, number[]> = c.standardizeRegions ? { 'region/mean': [c.regionDim], 'region/invStd': [c.regionDim] } : {};
  const deep: Record<string, number[]> = c.deepOutput ? { 'deep/context': [c.contextDim, c.hiddenDim], 'deep/embed': [c.embedDim, c.hiddenDim] } : {};
  return {
    ...standardize,
    ...deep,
    'embedding': [vocabSize, c.embedDim],
    'region/kernel': [c.regionDim, c.contextDim],
    'region/bias': [c.contextDim],
    'key/kernel': [c.contextDim, c.attentionDim],
    'query/kernel': [c.hiddenDim, c.attentionDim],
    'attention/v': [c.attentionDim, 1],
    'init/kernel': [c.contextDim, c.hiddenDim],
    'init/bias': [c.hiddenDim],
    'gru/inputKernel': [c.embedDim + c.contextDim, 3 * c.hiddenDim],
    'gru/recurrentKernel': [c.hiddenDim, 3 * c.hiddenDim],
    'gru/inputBias': [3 * c.hiddenDim],
    'gru/recurrentBias': [3 * c.hiddenDim],
    'out/kernel': [c.hiddenDim, vocabSize],
    'out/bias': [vocabSize],
  };
}

/**
 * Show, Attend and Tell with a GRU: at each step, additive attention over the image regions
 * (query = previous state) gives a context vector; [word embedding; context] drives a GRU
 * whose state scores the next word.
 */
export class CaptionDecoder {
  readonly className = 'CaptionDecoder';
  readonly vocab: CaptionVocab;
  private readonly w: Record<string, tf.Variable>;

  constructor(readonly config: DecoderConfig, vocab: CaptionVocab | readonly string[], weights?: Map<string, NamedArray>, source = 'decoder') {
    this.vocab = vocab instanceof CaptionVocab ? vocab : new CaptionVocab(vocab);
    const shapes = decoderWeightShapes(config, this.vocab.size);
    const rng = new SeededRandom(config.seed);
    this.w = {};
    instanceCount += 1; // tfjs variable names are global: keep each decoder's apart
    for (const [name, shape] of Object.entries(shapes)) {
      let values: Float32Array;
      const fixed = name === 'region/mean' || name === 'region/invStd';
      if (weights !== undefined) {
        values = requireWeight(weights, name, shape, source).values as Float32Array;
      } else if (name === 'region/invStd') {
        values = new Float32Array(shape[0]).fill(1);
      } else if (shape.length === 1) {
        values = new Float32Array(shape[0]);
      } else if (name === 'embedding') {
        values = rng.uniformArray(shape[0] * shape[1], 0.1);
      } else {
        values = rng.uniformArray(shape[0] * shape[1], glorotLimit(shape[0], shape[1]));
      }
      this.w[name] = newVariable(values, shape, !fixed, `captionDecoder${instanceCount}/${name}`);
    }
  }

  getConfig(): JsonObject {
    return { ...this.config, vocab: [...this.vocab.words] } as unknown as JsonObject;
  }

  namedWeights(): Record<string, tf.Variable> {
    return { ...this.w };
  }

  trainableVariables(): tf.Variable[] {
    return Object.values(this.w).filter((v) => v.trainable);
  }

  /**
   * Sets the region statistics of a `standardizeRegions` decoder (from its training regions):
   * features are used as (x - mean) * invStd.
   */
  setRegionStatistics(mean: Float32Array, invStd: Float32Array): void {
    if (!this.config.standardizeRegions) throw new Error('CaptionDecoder: setRegionStatistics needs config.standardizeRegions');
    const d = this.config.regionDim;
    if (mean.length !== d || invStd.length !== d) throw new Error(`CaptionDecoder: region statistics must have ${d} values, got ${mean.length} and ${invStd.length}`);
    tf.tidy(() => {
      this.w['region/mean'].assign(tf.tensor1d(mean));
      this.w['region/invStd'].assign(tf.tensor1d(invStd));
    });
  }

  /** The word embedding table [V, E] (shared with VisualEncoder for caption words). */
  get embedding(): tf.Variable {
    return this.w['embedding'];
  }

  /** regions [B, R, Dr] → per-image context. */
  prepare(regions: tf.Tensor3D): ImageContext {
    const { regionDim, contextDim, attentionDim } = this.config;
    if (regions.rank !== 3 || regions.shape[2] !== regionDim) {
      throw new Error(`CaptionDecoder: regions must be [B, R, ${regionDim}], got [${regions.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const [b, r] = regions.shape;
      let flat: tf.Tensor2D = tf.reshape(regions, [b * r, regionDim]);
      if (this.config.standardizeRegions) flat = tf.mul(tf.sub(flat, this.w['region/mean']), this.w['region/invStd']);
      const values2d = tf.add(tf.matMul(flat, this.w['region/kernel']), this.w['region/bias']);
      const keys2d = tf.matMul(values2d, this.w['key/kernel']);
      const values = tf.reshape(values2d, [b, r, contextDim]) as tf.Tensor3D;
      const keys = tf.reshape(keys2d, [b, r, attentionDim]) as tf.Tensor3D;
      const h0 = tf.tanh(tf.add(tf.matMul(tf.mean(values, 1), this.w['init/kernel']), this.w['init/bias'])) as tf.Tensor2D;
      return { values, keys, h0 };
    });
  }

  /**
   * Embeddings of word ids: int32 [N] → [N, E]. tf.gather's gradient is an UnsortedSegmentSum,
   * which core registers for wasm and cpu (initBackend), N·E additions like a hand-written one.
   */
  embedWords(ids: tf.Tensor1D): tf.Tensor2D {
    return tf.gather(this.w['embedding'] as tf.Tensor2D, ids);
  }

  /** Input-gate part from the embeddings, computable for all steps at once: [N, E] → [N, 3H]. */
  embeddedGates(emb: tf.Tensor2D): tf.Tensor2D {
    const kernel = tf.slice(this.w['gru/inputKernel'], [0, 0], [this.config.embedDim, -1]);
    return tf.add(tf.matMul(emb, kernel), this.w['gru/inputBias']);
  }

  /**
   * One recurrent step (attention + GRU). xEmb: [N, 3H] (from `embeddedGates`); h: [N, H];
   * keys / values of the N captions' images. The word classifier is separate (`classify`) so
   * training can run it once over all steps' states: one big matMul instead of one per step.
   */
  step(xEmb: tf.Tensor2D, h: tf.Tensor2D, keys: tf.Tensor3D, values: tf.Tensor3D): { h: tf.Tensor2D; alpha: tf.Tensor2D; context: tf.Tensor2D } {
    const H = this.config.hiddenDim;
    const [n, r] = keys.shape;
    // Additive attention: e_i = vᵀ tanh(k_i + W_q h).
    const q = tf.matMul(h, this.w['query/kernel']);
    const hidden = tf.tanh(tf.add(keys, tf.expandDims(q, 1)));
    const scores = tf.reshape(tf.matMul(tf.reshape(hidden, [n * r, -1]), this.w['attention/v']), [n, r]);
    const alpha = tf.softmax(scores) as tf.Tensor2D;
    const context = tf.reshape(tf.matMul(tf.expandDims(alpha, 1), values), [n, -1]) as tf.Tensor2D;
    const ctxKernel = tf.slice(this.w['gru/inputKernel'], [this.config.embedDim, 0], [-1, -1]);
    const x = tf.add(xEmb, tf.matMul(context, ctxKernel));
    const hh = tf.add(tf.matMul(h, this.w['gru/recurrentKernel']), this.w['gru/recurrentBias']);
    // GRU with the reset gate applied after the recurrent matMul (Keras reset_after / cuDNN).
    const [xz, xr, xn] = tf.split(x, [H, H, H], 1);
    const [hz, hr, hn] = tf.split(hh, [H, H, H], 1);
    const z = tf.sigmoid(tf.add(xz, hz));
    const rr = tf.sigmoid(tf.add(xr, hr));
    const cand = tf.tanh(tf.add(xn, tf.mul(rr, hn)));
    const hNew = tf.add(tf.mul(tf.sub(1, z), cand), tf.mul(z, h)) as tf.Tensor2D;
    return { h: hNew, alpha, context };
  }

  /**
   * GRU states [N, H] → next-word scores [N, V]; `dropoutSeed` (training) turns dropout on.
   * A `deepOutput` decoder also needs each row's attended context [N, C] (from `step`) and the
   * embedding [N, E] of the word that was fed in.
   */
  classify(h: tf.Tensor2D, dropoutSeed?: number, inputs?: { context: tf.Tensor2D; emb: tf.Tensor2D }): tf.Tensor2D {
    let pre = h;
    if (this.config.deepOutput) {
      if (inputs === undefined) throw new Error('CaptionDecoder: a deepOutput decoder classifies from the state, the attended context and the input word embedding');
      pre = tf.add(tf.add(h, tf.matMul(inputs.context, this.w['deep/context'])), tf.matMul(inputs.emb, this.w['deep/embed']));
    }
    const feat = dropoutSeed === undefined || this.config.dropout <= 0 ? pre : tf.dropout(pre, this.config.dropout, undefined, dropoutSeed);
    return tf.add(tf.matMul(feat, this.w['out/kernel']), this.w['out/bias']) as tf.Tensor2D;
  }

  /**
   * One decoding step for N hypotheses: previous word ids [N] (int32), states [N, H] and the
   * keys / values of each row's image → next-word scores [N, V] divided by `temperature`, and
   * the new states. What greedy, beam and sampled decoding call (see `StepDecoder`).
   */
  nextScores(prev: tf.Tensor1D, h: tf.Tensor2D, keys: tf.Tensor3D, values: tf.Tensor3D, temperature = 1): { scores: tf.Tensor2D; h: tf.Tensor2D } {
    return tf.tidy(() => {
      const emb = this.embedWords(prev);
      const out = this.step(this.embeddedGates(emb), h, keys, values);
      const scores = this.classify(out.h, undefined, { context: out.context, emb });
      return { scores: temperature === 1 ? scores : tf.div(scores, temperature), h: out.h };
    });
  }

  /** Sizes of the per-image context and state (how an ensemble splits its joined tensors). */
  get stateSizes(): { keys: number; values: number; h: number } {
    return { keys: this.config.attentionDim, values: this.config.contextDim, h: this.config.hiddenDim };
  }

  /** Weights as plain arrays, for saving. */
  async toArrays(): Promise<NamedArray[]> {
    const out: NamedArray[] = [];
    for (const [name, v] of Object.entries(this.w)) out.push({ name, shape: v.shape, values: (await v.data()) as Float32Array });
    return out;
  }

  dispose(): void {
    for (const v of Object.values(this.w)) v.dispose();
  }
}
