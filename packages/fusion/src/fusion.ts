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
 * How the modalities are combined per token.
 * - `attention`: the paper's Eq. 11–12 — each modality's feature through its own dense + tanh,
 *   scored by a shared learned vector; exp and normalisation give the modality weights.
 * - `gated-attention`: `attention` plus an image–text relevance gate (HamLearning's idea): a
 *   learned per-post score in (0, 1) that scales the weight of the first set modality (the
 *   image) down when it has nothing to do with the text.
 * - `concat`: the projected features concatenated and mixed by a dense layer (a baseline; its
 *   reported weights are the share of present modalities, not learned).
 */
export type FusionKind = 'attention' | 'gated-attention' | 'concat';

/**
 * One input of the fusion. `token` modalities give a feature per token ([B, T, dim], e.g. text,
 * hashtags); `set` modalities give an unordered set per post ([B, N, dim], e.g. image regions,
 * caption words), which each token attends over. Both are weighed per token. A `joined` modality
 * gives a feature per token too, but it is joined to the fused features as it is (concatenated
 * after the weighted sum, not weighed): for a small per-token cue such as caption match, which
 * attention would have to trade against the text instead of adding to it. `dim` 0 declares a
 * slot that never has an input (models saved before modalities were a list keep their three
 * slots this way).
 */
export interface ModalitySpec {
  name: string;
  dim: number;
  kind: 'token' | 'set' | 'joined';
}

export interface FusionConfig {
  kind: FusionKind;
  /** In order; the first is a token modality (the text) whose mask is the tokens' mask. */
  modalities: ModalitySpec[];
  /** D of the weighted sum; the fused features have this plus the dims of the joined modalities. */
  outputDim: number;
  /** Hidden size of the attention scorer (u · tanh(W f + b)). */
  attentionDim: number;
  seed: number;
}

/** Each modality's features by name; a modality left out (or undefined) is absent for every post. */
export type FusionInputs = Record<string, TokenFeatures | SetFeatures | undefined>;

export interface FusionOutput {
  /** [B, T, outputDim] fused features (the weighted sum, then the joined modalities); mask is the first modality's mask. */
  fused: TokenFeatures;
  /** [B, T, M] weight of each weighed modality per token, in the order of `modalities`; an absent one gets 0. */
  weights: tf.Tensor3D;
  /** [B] image–text relevance in (0, 1) for `gated-attention`, else undefined. */
  relevance?: tf.Tensor1D;
}

/** The config of a model saved before modalities were a list: three named dims. */
interface LegacyFusionConfig {
  kind?: FusionKind;
  textDim: number;
  hashtagDim?: number;
  visualDim?: number;
  outputDim?: number;
  attentionDim?: number;
  seed?: number;
}

const DEFAULTS = { kind: 'attention' as FusionKind, outputDim: 256, attentionDim: 128, seed: 1 };

/**
 * Training-time modality dropout: each post loses each auxiliary modality (every one but the
 * first) with probability `rate`, as if its input were absent. Without it, the attention learns
 * to lean on the text, which is always there and always most informative, and the auxiliary
 * weights stay near 0; dropping a modality for whole posts makes the model fuse from what it has
 * (the same trick as in multimodal transformers' modality dropout).
 */
export interface ModalityDropout {
  rate: number;
  /** Seed of this batch's keep/drop draws (one per post and auxiliary modality). */
  seed: number;
}

/** Dropout on the weighted sum before the joined modalities are joined (training only). */
export interface FeatureDropout {
  rate: number;
  seed: number;
}

/** Large negative instead of -Infinity so masked softmax stays finite and differentiable. */
const NEG = -1e9;

/** A legacy config as a list: always the three slots (weights stay [B, T, 3], concat's mix keeps its 3·D input). */
function fromLegacy(c: LegacyFusionConfig): Partial<FusionConfig> {
  const { textDim, hashtagDim = 0, visualDim = 0, ...rest } = c;
  return {
    ...rest,
    modalities: [
      { name: 'text', dim: textDim, kind: 'token' },
      { name: 'hashtag', dim: hashtagDim, kind: 'token' },
      { name: 'visual', dim: visualDim, kind: 'set' },
    ],
  };
}

interface Slot {
  spec: ModalitySpec;
  proj?: DenseWeights;
  score?: DenseWeights;
  query?: DenseWeights;
  key?: DenseWeights;
}

let fastPathOn = !(typeof process !== 'undefined' && process.env != null && process.env.TRIMOD_FUSION_FAST_PATH === '0');

/**
 * Turns off the path that skips the score layers when only the first modality is there (the
 * full softmax path runs instead; the same numbers and gradients), to measure one against the
 * other or to check that they agree; returns the previous setting. Also off in Node with
 * TRIMOD_FUSION_FAST_PATH=0.
 */
export function setFirstModalityFastPath(on: boolean): boolean {
  const before = fastPathOn;
  fastPathOn = on;
  return before;
}

export class ModalityFusion implements Saveable {
  readonly className = 'ModalityFusion';
  readonly config: FusionConfig;
  private readonly w: Record<string, tf.Variable> = {};
  /** The weighed modalities (token and set), in config order. */
  private readonly slots: Slot[];
  /** The joined modalities, in config order (no weights of their own). */
  private readonly joinedSlots: ModalitySpec[];
  private readonly u?: tf.Variable;
  private readonly gate?: DenseWeights;
  /** Index of the slot the relevance gate scales (the first set modality), or -1. */
  private readonly gated: number = -1;
  private readonly mix?: DenseWeights;

  constructor(config: (Partial<FusionConfig> & { modalities: ModalitySpec[] }) | LegacyFusionConfig) {
    const given = 'textDim' in config ? fromLegacy(config) : config;
    this.config = { ...DEFAULTS, ...given } as FusionConfig;
    const c = this.config;
    for (const [k, v] of Object.entries({ outputDim: c.outputDim, attentionDim: c.attentionDim })) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`ModalityFusion: ${k} must be a positive integer, got ${v}`);
      checkAtMost('ModalityFusion', k, v, MAX_LAYER_SIZE);
    }
    checkModalities(c.modalities);
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
    // Each modality is first projected to the common size D, so the weighted sum is defined;
    // token-as-query attention brings a set modality to each token.
    this.joinedSlots = c.modalities.filter((spec) => spec.kind === 'joined');
    this.slots = c.modalities.filter((spec) => spec.kind !== 'joined').map((spec) => {
      const slot: Slot = { spec };
      if (spec.dim === 0) return slot;
      slot.proj = add(makeDense(rng, `proj/${spec.name}`, spec.dim, D));
      if (spec.kind === 'set') {
        slot.query = add(makeDense(rng, `${spec.name}Attention/query`, D, c.attentionDim, false));
        slot.key = add(makeDense(rng, `${spec.name}Attention/key`, D, c.attentionDim, false));
      }
      return slot;
    });
    if (c.kind === 'concat') {
      this.mix = add(makeDense(rng, 'concat/mix', this.slots.length * D, D));
    } else {
      for (const slot of this.slots) if (slot.proj) slot.score = add(makeDense(rng, `score/${slot.spec.name}`, D, c.attentionDim));
      this.u = newVariable(rng.uniformArray(c.attentionDim, glorot(c.attentionDim)), [c.attentionDim]);
      this.w['score/u'] = this.u;
      const firstSet = this.slots.findIndex((s) => s.spec.kind === 'set' && s.proj);
      if (c.kind === 'gated-attention' && firstSet >= 0) {
        this.gated = firstSet;
        this.gate = add(makeDense(rng, 'relevance/gate', 2 * D, 1));
      }
    }
  }

  /** D of the fused features: the weighted sum's `config.outputDim` plus each joined modality's dim. */
  get outputDim(): number {
    return this.config.outputDim + this.joinedSlots.reduce((sum, m) => sum + m.dim, 0);
  }

  /** The weighed modalities' names, in the order of the weights' last axis. */
  get modalities(): string[] {
    return this.slots.map((m) => m.spec.name);
  }

  /** The joined modalities' names, in the order their features follow the weighted sum. */
  get joined(): string[] {
    return this.joinedSlots.map((m) => m.name);
  }

  getConfig(): JsonObject {
    return { ...this.config, modalities: this.config.modalities.map((m) => ({ ...m })) } as unknown as JsonObject;
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
   * `modalityDropout` drops weighed modalities only (a joined one is absent as its encoder reads
   * it; see TriMod's registry); `featureDropout` applies to the weighted sum only.
   */
  apply(inputs: FusionInputs, modalityDropout?: ModalityDropout, featureDropout?: FeatureDropout): FusionOutput {
    return tf.tidy(() => {
      const anchor = this.anchorOf(inputs);
      const [B, T] = anchor.features.shape;
      const D = this.config.outputDim;
      const textMask = tf.cast(anchor.mask, 'float32') as tf.Tensor2D; // [B, T]
      const anchorProj = applyDense(anchor.features, this.slots[0].proj!) as tf.Tensor3D;
      const feats: tf.Tensor3D[] = [];
      const masks: tf.Tensor2D[] = [];
      let relevance: tf.Tensor1D | undefined;
      const kept = modalityDropout ? keepMasks(modalityDropout, B, this.slots.length) : null;
      this.slots.forEach((slot, i) => {
        const input = i === 0 ? anchor : inputs[slot.spec.name];
        if (!input || !slot.proj) {
          feats.push(tf.zeros([B, T, D]));
          masks.push(tf.zeros([B, T]));
        } else if (i === 0) {
          feats.push(anchorProj);
          masks.push(textMask);
        } else if (slot.spec.kind === 'token') {
          checkTokens(slot.spec.name, input, B, T);
          feats.push(applyDense(input.features, slot.proj) as tf.Tensor3D);
          masks.push(tf.mul(textMask, tf.cast(input.mask, 'float32')) as tf.Tensor2D);
        } else {
          const { perToken, present } = this.attendSet(slot, anchorProj, input, B);
          feats.push(perToken);
          masks.push(tf.mul(textMask, tf.expandDims(present, 1)) as tf.Tensor2D);
          if (i === this.gated) relevance = this.relevance(anchorProj, textMask, perToken);
        }
        if (kept && i > 0) masks[i] = tf.mul(masks[i], tf.reshape(tf.tensor1d(kept[i]), [B, 1])) as tf.Tensor2D;
      });

      const M = this.slots.length;
      if (!kept && this.firstModalityOnly(inputs)) {
        // Only the first modality is there (a text-only model, or a post batch without the
        // others): the softmax below would give it weight exactly 1 on every real token and the
        // absent ones exactly 0 (their scores sit NEG below), so the weighted sum is its
        // projection itself. Skipping the score layers and the [B, T, M, D] stack gives the same
        // numbers at a third of the work.
        // In training too: there the softmax's gradient into the scores is exactly 0 (w = 1 for
        // the one present modality: 1 · (g − g); 0 · (…) for the others), so the score layers'
        // gradients are exactly 0 and add exactly 0 to the features' gradients. A term 0 · Σ (score
        // weights) keeps them reached, with those same zero gradients, so an optimizer still sees
        // every variable (Adam's momentum moves a weight on a zero gradient, not on a missing one).
        const weightsOnly = this.firstModalityWeights(textMask);
        let only = tf.mul(anchorProj, tf.expandDims(textMask, 2)) as tf.Tensor3D;
        if (tf.engine().isTapeOn()) only = tf.add(only, this.zeroScoreTerm()) as tf.Tensor3D;
        if (featureDropout && featureDropout.rate > 0) only = tf.dropout(only, featureDropout.rate, undefined, featureDropout.seed) as tf.Tensor3D;
        if (this.joinedSlots.length) only = tf.concat([only, ...this.joinedSlots.map((spec) => this.joinedFeatures(spec, inputs[spec.name], textMask, B, T))], 2) as tf.Tensor3D;
        return { fused: { features: only, mask: tf.clone(anchor.mask) }, weights: weightsOnly } as unknown as tf.TensorContainer;
      }
      const stacked = tf.stack(feats, 2) as tf.Tensor4D; // [B, T, M, D]
      const maskStack = tf.stack(masks, 2) as tf.Tensor3D; // [B, T, M], 1 where the modality is present
      let weights: tf.Tensor3D;
      let fused: tf.Tensor3D;
      if (this.mix) {
        weights = tf.divNoNan(maskStack, tf.sum(maskStack, 2, true)) as tf.Tensor3D;
        const gated = tf.mul(stacked, tf.expandDims(maskStack, 3));
        fused = tf.tanh(applyDense(tf.reshape(gated, [B, T, M * D]), this.mix)) as tf.Tensor3D;
      } else {
        // gamma_i = exp(u · tanh(W_i f_i + b_i)), normalised over the present modalities.
        const scores = tf.stack(
          this.slots.map((slot, i) => (slot.score ? tf.sum(tf.mul(tf.tanh(applyDense(feats[i], slot.score)), this.u!), 2) : tf.zeros([B, T]))),
          2,
        ) as tf.Tensor3D; // [B, T, M]
        // Absent modalities get a large negative score (weight 0). The relevance gate multiplies
        // the gated modality's gamma, i.e. adds log(relevance) to its score.
        let logits: tf.Tensor3D = tf.add(scores, tf.mul(tf.sub(1, maskStack), NEG));
        if (relevance) {
          const logGate = tf.log(tf.maximum(relevance, 1e-6)); // [B]
          const only = tf.reshape(tf.oneHot(tf.tensor1d([this.gated], 'int32'), M), [M]);
          logits = tf.add(logits, tf.mul(tf.reshape(logGate, [B, 1, 1]), only));
        }
        // Padding tokens have no modality at all: their weights are 0, not a uniform 1/M.
        const anyPresent = tf.minimum(tf.sum(maskStack, 2, true), 1);
        weights = tf.mul(tf.softmax(logits, 2), anyPresent) as tf.Tensor3D;
        fused = tf.sum(tf.mul(stacked, tf.expandDims(weights, 3)), 2) as tf.Tensor3D;
      }
      fused = tf.mul(fused, tf.expandDims(textMask, 2)) as tf.Tensor3D;
      if (featureDropout && featureDropout.rate > 0) fused = tf.dropout(fused, featureDropout.rate, undefined, featureDropout.seed) as tf.Tensor3D;
      if (this.joinedSlots.length) fused = tf.concat([fused, ...this.joinedSlots.map((spec) => this.joinedFeatures(spec, inputs[spec.name], textMask, B, T))], 2) as tf.Tensor3D;
      // The caller owns the input mask and may dispose it: the output carries its own copy.
      const out: FusionOutput = { fused: { features: fused, mask: tf.clone(anchor.mask) }, weights };
      if (relevance) out.relevance = relevance;
      return out as unknown as tf.TensorContainer;
    }) as unknown as FusionOutput;
  }

  /**
   * The fused features through a linear readout at inference: `x·kernel + bias` for x = apply's
   * fused features ([B, T, outputDim] → [B, T, K]; TriMod's emission layer), with apply's mask
   * and weights. When only the first modality is there, x is mask · (f·W + b) joined with the
   * joined modalities' features, so the readout of its weighted-sum part is
   * mask · (f·(W·R) + b·R) for R the kernel's first D rows: the D-wide projection folds into a
   * [in, K] matrix (K, the tag count, is far below D = 256), a tenth of the arithmetic per token.
   * The sums then run in another order, so the scores equal the unfolded ones up to float32
   * rounding, not bit for bit. No dropout and no gradients are meant here: train through apply.
   */
  readout(inputs: FusionInputs, kernel: tf.Tensor2D, bias: tf.Tensor1D): { scores: tf.Tensor3D; mask: tf.Tensor2D; weights: tf.Tensor3D } {
    if (kernel.shape[0] !== this.outputDim) throw new Error(`ModalityFusion: the readout kernel has ${kernel.shape[0]} rows but the fused features have ${this.outputDim}`);
    const K = kernel.shape[1];
    return tf.tidy(() => {
      if (!this.firstModalityOnly(inputs)) {
        const { fused, weights } = this.apply(inputs);
        const [B, T, D] = fused.features.shape;
        const scores = tf.reshape(tf.add(tf.matMul(tf.reshape(fused.features, [B * T, D]), kernel), bias), [B, T, K]) as tf.Tensor3D;
        return { scores, mask: fused.mask, weights } as unknown as tf.TensorContainer;
      }
      const anchor = this.anchorOf(inputs);
      const [B, T, F] = anchor.features.shape;
      const D = this.config.outputDim;
      const proj = this.slots[0].proj!;
      const head = tf.slice(kernel, [0, 0], [D, K]);
      const foldedKernel = tf.matMul(proj.kernel, head); // [F, K]
      const textMask = tf.cast(anchor.mask, 'float32') as tf.Tensor2D; // [B, T]
      let flat = tf.matMul(tf.reshape(anchor.features, [B * T, F]), foldedKernel);
      if (proj.bias) flat = tf.add(flat, tf.matMul(tf.reshape(proj.bias, [1, D]), head));
      flat = tf.mul(flat, tf.reshape(textMask, [B * T, 1]));
      let offset = D;
      for (const spec of this.joinedSlots) {
        const part = this.joinedFeatures(spec, inputs[spec.name], textMask, B, T);
        if (spec.dim > 0) flat = tf.add(flat, tf.matMul(tf.reshape(part, [B * T, spec.dim]), tf.slice(kernel, [offset, 0], [spec.dim, K])));
        offset += spec.dim;
      }
      const scores = tf.reshape(tf.add(flat, bias), [B, T, K]) as tf.Tensor3D;
      const weights = this.firstModalityWeights(textMask);
      return { scores, mask: tf.clone(anchor.mask), weights } as unknown as tf.TensorContainer;
    }) as unknown as { scores: tf.Tensor3D; mask: tf.Tensor2D; weights: tf.Tensor3D };
  }

  /** The first modality's features, after checking that every input names a modality of this fusion. */
  private anchorOf(inputs: FusionInputs): TokenFeatures {
    const names = this.config.modalities.map((m) => m.name);
    for (const name of Object.keys(inputs)) {
      if (!names.includes(name) && inputs[name] !== undefined) throw new Error(`ModalityFusion: no modality "${name}" (this fusion has ${names.join(', ')})`);
    }
    const anchor = inputs[names[0]];
    if (!anchor) throw new Error(`ModalityFusion: the first modality, "${names[0]}", is required`);
    return anchor as TokenFeatures;
  }

  /** [B, T, M] weights when only the first modality is there: its mask, then zeros. */
  private firstModalityWeights(textMask: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = textMask.shape;
    return tf.stack([textMask, ...this.slots.slice(1).map(() => tf.zeros([B, T]))], 2) as tf.Tensor3D;
  }

  /** Whether the first-modality path applies: attention fusion with no weighed modality but the first present (joined ones may be). */
  private firstModalityOnly(inputs: FusionInputs): boolean {
    return fastPathOn && !this.mix && this.slots.every((slot, i) => i === 0 || !inputs[slot.spec.name] || !slot.proj);
  }

  /** 0 · (the sum of every score weight): a scalar 0 whose gradient reaches each score layer as exact zeros. */
  private zeroScoreTerm(): tf.Scalar {
    const parts: tf.Tensor[] = [];
    for (const slot of this.slots) if (slot.score) parts.push(tf.sum(slot.score.kernel), ...(slot.score.bias ? [tf.sum(slot.score.bias)] : []));
    if (this.u) parts.push(tf.sum(this.u));
    return tf.mul(0, parts.length ? tf.addN(parts) : tf.scalar(0)) as tf.Scalar;
  }

  /** A joined modality's features [B, T, dim], zero on padding; zeros where it has no input at all. */
  private joinedFeatures(spec: ModalitySpec, input: TokenFeatures | SetFeatures | undefined, textMask: tf.Tensor2D, B: number, T: number): tf.Tensor3D {
    if (!input || spec.dim === 0) return tf.zeros([B, T, spec.dim]);
    checkTokens(spec.name, input, B, T);
    if (input.features.shape[2] !== spec.dim) throw new Error(`ModalityFusion: ${spec.name} features have D=${input.features.shape[2]} but the config says ${spec.dim}`);
    return input.features;
  }

  /**
   * Scaled dot-product attention with each token as query over a set modality.
   * Returns per-token features [B, T, D] and, per post, 1 when any member of the set exists.
   */
  private attendSet(slot: Slot, textProj: tf.Tensor3D, set: SetFeatures, B: number): { perToken: tf.Tensor3D; present: tf.Tensor1D } {
    const { name, dim } = slot.spec;
    if (set.features.shape[0] !== B) throw new Error(`ModalityFusion: ${name} features have batch ${set.features.shape[0]} but text has ${B}`);
    if (set.features.shape[2] !== dim) throw new Error(`ModalityFusion: ${name} features have D=${set.features.shape[2]} but the config says ${dim}`);
    const vMask = tf.cast(set.mask, 'float32'); // [B, N]
    const values = applyDense(set.features, slot.proj!) as tf.Tensor3D; // [B, N, D]
    const q = applyDense(textProj, slot.query!) as tf.Tensor3D; // [B, T, A]
    const k = applyDense(values, slot.key!) as tf.Tensor3D; // [B, N, A]
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

function checkModalities(modalities: ModalitySpec[] | undefined): void {
  if (!Array.isArray(modalities) || modalities.length === 0) throw new Error('ModalityFusion: modalities must be a non-empty list of {name, dim, kind}');
  const seen = new Set<string>();
  modalities.forEach((m, i) => {
    if (!m || typeof m.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(m.name)) throw new Error(`ModalityFusion: modality ${i} needs a name of letters, digits, _ or -, got ${JSON.stringify(m?.name)}`);
    if (seen.has(m.name)) throw new Error(`ModalityFusion: modality "${m.name}" is listed twice`);
    seen.add(m.name);
    if (m.kind !== 'token' && m.kind !== 'set' && m.kind !== 'joined') throw new Error(`ModalityFusion: modality "${m.name}" has kind ${JSON.stringify(m.kind)} (token, set or joined)`);
    if (!Number.isInteger(m.dim) || m.dim < 0) throw new Error(`ModalityFusion: modality "${m.name}" has dim ${m.dim}, not an integer ≥ 0`);
    checkAtMost('ModalityFusion', `${m.name} dim`, m.dim, MAX_LAYER_SIZE);
  });
  if (modalities[0].kind !== 'token' || modalities[0].dim === 0) throw new Error(`ModalityFusion: the first modality ("${modalities[0].name}") must be a token modality with dim > 0: its tokens are the ones fused`);
}

function checkTokens(name: string, f: TokenFeatures, B: number, T: number): void {
  const [b, t] = f.features.shape;
  if (b !== B || t !== T) throw new Error(`ModalityFusion: ${name} features are [${b}, ${t}, …] but text is [${B}, ${T}, …]`);
}

registerClass('ModalityFusion', (config) => new ModalityFusion(config as unknown as FusionConfig | LegacyFusionConfig));

/** A saved fusion config of any layout (a list, or the three named dims of older models) as a list. */
export function fusionConfigOf(config: JsonObject): Partial<FusionConfig> & { modalities: ModalitySpec[] } {
  const c = config as unknown as FusionConfig | LegacyFusionConfig;
  return ('textDim' in c ? fromLegacy(c) : { ...c, modalities: c.modalities.map((m) => ({ ...m })) }) as Partial<FusionConfig> & { modalities: ModalitySpec[] };
}

/** keep[m][b]: 1 to keep modality m for post b, 0 to drop it (row 0, the anchor, is always kept). */
function keepMasks({ rate, seed }: ModalityDropout, B: number, M: number): number[][] | null {
  if (!(rate >= 0 && rate < 1)) throw new Error(`ModalityFusion: modality dropout rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return null;
  const rng = new SeededRandom(seed);
  return Array.from({ length: M }, (_, m) => Array.from({ length: B }, () => (m === 0 || rng.random() >= rate ? 1 : 0)));
}
