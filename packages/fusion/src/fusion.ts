import * as tf from '@tensorflow/tfjs-core';
import {
  checkAtMost,
  MAX_LAYER_SIZE,
  newVariable,
  registerClass,
  SeededRandom,
  type JsonObject,
  type Saveable,
  type SetFeatures,
  type TokenFeatures,
} from '@trimod/core';
import { applyDense, makeDense, type DenseWeights } from './dense';

/**
 * How the three modalities are combined per token.
 * - `attention`: the paper's Eq. 11–12 — each modality's feature through its own dense + tanh,
 *   scored by a shared learned vector; exp and normalisation give the modality weights.
 * - `gated-attention`: `attention` plus an image–text relevance gate (HamLearning's idea): a
 *   learned per-post score in (0, 1) that scales the visual weight down when the image has
 *   nothing to do with the text.
 * - `concat`: the projected features concatenated and mixed by a dense layer (a baseline; its
 *   reported weights are the share of present modalities, not learned).
 */
export type FusionKind = 'attention' | 'gated-attention' | 'concat';

export interface FusionConfig {
  kind: FusionKind;
  textDim: number;
  /** 0 when there is no hashtag encoder. */
  hashtagDim: number;
  /** 0 when there is no visual encoder. */
  visualDim: number;
  /** D of the fused features. */
  outputDim: number;
  /** Hidden size of the attention scorer (u · tanh(W f + b)). */
  attentionDim: number;
  seed: number;
}

export interface FusionInputs {
  text: TokenFeatures;
  hashtag?: TokenFeatures;
  visual?: SetFeatures;
}

export interface FusionOutput {
  /** [B, T, D] fused features; mask is the text mask. */
  fused: TokenFeatures;
  /** [B, T, 3] weights of text, hashtag, visual per token; a missing modality gets 0. */
  weights: tf.Tensor3D;
  /** [B] image–text relevance in (0, 1) for `gated-attention`, else undefined. */
  relevance?: tf.Tensor1D;
}

export const MODALITIES = ['text', 'hashtag', 'visual'] as const;

const DEFAULTS: Omit<FusionConfig, 'textDim'> = {
  kind: 'attention',
  hashtagDim: 0,
  visualDim: 0,
  outputDim: 256,
  attentionDim: 128,
  seed: 1,
};

/** Large negative instead of -Infinity so masked softmax stays finite and differentiable. */
const NEG = -1e9;

export class ModalityFusion implements Saveable {
  readonly className = 'ModalityFusion';
  readonly config: FusionConfig;
  private readonly w: Record<string, tf.Variable> = {};
  private readonly proj: { text: DenseWeights; hashtag?: DenseWeights; visual?: DenseWeights };
  private readonly score: { text: DenseWeights; hashtag?: DenseWeights; visual?: DenseWeights } = {} as never;
  private readonly u?: tf.Variable;
  private readonly query?: DenseWeights;
  private readonly key?: DenseWeights;
  private readonly gate?: DenseWeights;
  private readonly mix?: DenseWeights;

  constructor(config: Partial<FusionConfig> & { textDim: number }) {
    this.config = { ...DEFAULTS, ...config };
    const c = this.config;
    for (const [k, v] of Object.entries({ textDim: c.textDim, outputDim: c.outputDim, attentionDim: c.attentionDim })) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`ModalityFusion: ${k} must be a positive integer, got ${v}`);
    }
    for (const [k, v] of Object.entries({ textDim: c.textDim, hashtagDim: c.hashtagDim, visualDim: c.visualDim, outputDim: c.outputDim, attentionDim: c.attentionDim })) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`ModalityFusion: ${k} must be an integer ≥ 0, got ${v}`);
      checkAtMost('ModalityFusion', k, v, MAX_LAYER_SIZE);
    }
    if (!['attention', 'gated-attention', 'concat'].includes(c.kind)) {
      throw new Error(`ModalityFusion: unknown kind "${c.kind}" (attention, gated-attention or concat)`);
    }
    const rng = new SeededRandom(c.seed);
    const D = c.outputDim;
    const add = (d: DenseWeights) => {
      this.w[`${d.name}/kernel`] = d.kernel;
      if (d.bias) this.w[`${d.name}/bias`] = d.bias;
      return d;
    };
    // Each modality is first projected to the common size D, so the weighted sum is defined.
    this.proj = { text: add(makeDense(rng, 'proj/text', c.textDim, D)) };
    if (c.hashtagDim > 0) this.proj.hashtag = add(makeDense(rng, 'proj/hashtag', c.hashtagDim, D));
    if (c.visualDim > 0) {
      this.proj.visual = add(makeDense(rng, 'proj/visual', c.visualDim, D));
      // Token-as-query attention brings the set of visual features to each token.
      this.query = add(makeDense(rng, 'visualAttention/query', D, c.attentionDim, false));
      this.key = add(makeDense(rng, 'visualAttention/key', D, c.attentionDim, false));
    }
    if (c.kind === 'concat') {
      this.mix = add(makeDense(rng, 'concat/mix', 3 * D, D));
    } else {
      for (const m of MODALITIES) {
        if (this.proj[m]) this.score[m] = add(makeDense(rng, `score/${m}`, D, c.attentionDim));
      }
      this.u = newVariable(rng.uniformArray(c.attentionDim, glorot(c.attentionDim)), [c.attentionDim]);
      this.w['score/u'] = this.u;
      if (c.kind === 'gated-attention' && c.visualDim > 0) this.gate = add(makeDense(rng, 'relevance/gate', 2 * D, 1));
    }
  }

  get outputDim(): number {
    return this.config.outputDim;
  }

  getConfig(): JsonObject {
    return { ...this.config };
  }

  namedWeights(): Record<string, tf.Variable> {
    return { ...this.w };
  }

  trainableVariables(): tf.Variable[] {
    return Object.values(this.w);
  }

  /**
   * Fuses the modalities per token. A modality that is absent (not passed, or masked out for a
   * token / post) gets weight 0, so a post without image or hashtags is fused from what it has.
   */
  apply(inputs: FusionInputs): FusionOutput {
    return tf.tidy(() => {
      const { text } = inputs;
      const [B, T] = text.features.shape;
      const textMask = tf.cast(text.mask, 'float32') as tf.Tensor2D; // [B, T]
      const feats: tf.Tensor3D[] = [applyDense(text.features, this.proj.text) as tf.Tensor3D];
      const masks: tf.Tensor2D[] = [textMask];

      if (inputs.hashtag && this.proj.hashtag) {
        checkTokens('hashtag', inputs.hashtag, B, T);
        feats.push(applyDense(inputs.hashtag.features, this.proj.hashtag) as tf.Tensor3D);
        masks.push(tf.mul(textMask, tf.cast(inputs.hashtag.mask, 'float32')) as tf.Tensor2D);
      } else {
        feats.push(tf.zeros([B, T, this.config.outputDim]));
        masks.push(tf.zeros([B, T]));
      }

      let relevance: tf.Tensor1D | undefined;
      if (inputs.visual && this.proj.visual) {
        const { perToken, present } = this.attendVisual(feats[0], inputs.visual, B);
        feats.push(perToken);
        masks.push(tf.mul(textMask, tf.expandDims(present, 1)) as tf.Tensor2D);
        if (this.gate) relevance = this.relevance(feats[0], textMask, perToken);
      } else {
        feats.push(tf.zeros([B, T, this.config.outputDim]));
        masks.push(tf.zeros([B, T]));
      }

      const stacked = tf.stack(feats, 2) as tf.Tensor4D; // [B, T, 3, D]
      const maskStack = tf.stack(masks, 2) as tf.Tensor3D; // [B, T, 3], 1 where the modality is present
      let weights: tf.Tensor3D;
      let fused: tf.Tensor3D;
      if (this.mix) {
        weights = tf.divNoNan(maskStack, tf.sum(maskStack, 2, true)) as tf.Tensor3D;
        const gated = tf.mul(stacked, tf.expandDims(maskStack, 3));
        fused = tf.tanh(applyDense(tf.reshape(gated, [B, T, 3 * this.config.outputDim]), this.mix)) as tf.Tensor3D;
      } else {
        // gamma_i = exp(u · tanh(W_i f_i + b_i)), normalised over the present modalities.
        const scores = tf.stack(
          MODALITIES.map((m, i) => {
            const s = this.score[m];
            if (!s) return tf.zeros([B, T]);
            const h = tf.tanh(applyDense(feats[i], s)); // [B, T, A]
            return tf.sum(tf.mul(h, this.u!), 2);
          }),
          2,
        ) as tf.Tensor3D; // [B, T, 3]
        // Absent modalities get a large negative score (weight 0). The relevance gate multiplies
        // the visual gamma, i.e. adds log(relevance) to the visual score.
        let logits: tf.Tensor3D = tf.add(scores, tf.mul(tf.sub(1, maskStack), NEG));
        if (relevance) {
          const logGate = tf.log(tf.maximum(relevance, 1e-6)); // [B]
          const visualOnly = tf.tensor1d([0, 0, 1]);
          logits = tf.add(logits, tf.mul(tf.reshape(logGate, [B, 1, 1]), visualOnly));
        }
        // Padding tokens have no modality at all: their weights are 0, not a uniform 1/3.
        const anyPresent = tf.minimum(tf.sum(maskStack, 2, true), 1);
        weights = tf.mul(tf.softmax(logits, 2), anyPresent) as tf.Tensor3D;
        fused = tf.sum(tf.mul(stacked, tf.expandDims(weights, 3)), 2) as tf.Tensor3D;
      }
      fused = tf.mul(fused, tf.expandDims(textMask, 2)) as tf.Tensor3D;
      // The caller owns the input mask and may dispose it: the output carries its own copy.
      const out: FusionOutput = { fused: { features: fused, mask: tf.clone(text.mask) }, weights };
      if (relevance) out.relevance = relevance;
      return out as unknown as tf.TensorContainer;
    }) as unknown as FusionOutput;
  }

  /**
   * Scaled dot-product attention with each token as query over the visual set.
   * Returns per-token visual features [B, T, D] and, per post, 1 when any visual member exists.
   */
  private attendVisual(textProj: tf.Tensor3D, visual: SetFeatures, B: number): { perToken: tf.Tensor3D; present: tf.Tensor1D } {
    if (visual.features.shape[0] !== B) {
      throw new Error(`ModalityFusion: visual features have batch ${visual.features.shape[0]} but text has ${B}`);
    }
    if (visual.features.shape[2] !== this.config.visualDim) {
      throw new Error(`ModalityFusion: visual features have D=${visual.features.shape[2]} but the config says visualDim=${this.config.visualDim}`);
    }
    const vMask = tf.cast(visual.mask, 'float32'); // [B, N]
    const values = applyDense(visual.features, this.proj.visual!) as tf.Tensor3D; // [B, N, D]
    const q = applyDense(textProj, this.query!) as tf.Tensor3D; // [B, T, A]
    const k = applyDense(values, this.key!) as tf.Tensor3D; // [B, N, A]
    const logits = tf.div(tf.matMul(q, k, false, true), Math.sqrt(this.config.attentionDim)); // [B, T, N]
    const masked = tf.add(logits, tf.expandDims(tf.mul(tf.sub(1, vMask), NEG), 1));
    const alpha = tf.softmax(masked, 2);
    const perToken = tf.matMul(alpha, values) as tf.Tensor3D; // [B, T, D]
    const present = tf.cast(tf.greater(tf.sum(vMask, 1), 0), 'float32') as tf.Tensor1D;
    return { perToken, present };
  }

  /** Per-post relevance in (0, 1) from the mean text and mean attended visual features. */
  private relevance(textProj: tf.Tensor3D, textMask: tf.Tensor2D, visualPerToken: tf.Tensor3D): tf.Tensor1D {
    const m = tf.expandDims(textMask, 2);
    const count = tf.maximum(tf.sum(textMask, 1, true), 1); // [B, 1]
    const meanText = tf.div(tf.sum(tf.mul(textProj, m), 1), count);
    const meanVis = tf.div(tf.sum(tf.mul(visualPerToken, m), 1), count);
    const g = applyDense(tf.concat([meanText, meanVis], 1), this.gate!);
    return tf.squeeze(tf.sigmoid(g), [1]) as tf.Tensor1D;
  }

  dispose(): void {
    for (const v of Object.values(this.w)) v.dispose();
  }
}

function glorot(n: number): number {
  return Math.sqrt(6 / (n + 1));
}

function checkTokens(name: string, f: TokenFeatures, B: number, T: number): void {
  const [b, t] = f.features.shape;
  if (b !== B || t !== T) throw new Error(`ModalityFusion: ${name} features are [${b}, ${t}, …] but text is [${B}, ${T}, …]`);
}

registerClass('ModalityFusion', (config) => new ModalityFusion(config as unknown as FusionConfig));
