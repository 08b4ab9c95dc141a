import * as tf from '@tensorflow/tfjs-core';
import { checkAtMost, MAX_TAGS, newVariable, registerClass, SeededRandom, type JsonObject, type Saveable } from '@trimod/core';
import { marginalArrays, viterbiArrays, type ScoreArrays } from './array-inference';
import { checkTransitionMask, penaltyArrays } from './constraints';
import { goldScore } from './gold-score';
import { checkEmissions, readMask, readMaskSync, readTagsSync, type BatchShape } from './inputs';
import { logPartition } from './log-partition';
import { forwardBackwardMarginals } from './marginals';
import { emissionSteps, stepMasks, tokenMask3d, usedEmissions, type CrfScores } from './steps';
import { topKBacktrack, topKForward } from './top-k';
import type { MaskInput, Reduction, ScoredPath, TagsInput, TransitionMask } from './types';
import { kernelPartitionStatistics, gpuViterbi, readViterbi, webgpuCrfUsable } from './webgpu/crf-webgpu';

/** Constructor options; also the saved config (plain JSON). */
export interface CRFConfig {
  /** K, the number of tags. */
  numTags: number;
  /** Allowed transitions (see `allowedTransitions`); decode and marginals always obey them. */
  constraints?: TransitionMask | null;
  /** Also apply the constraints in `logLikelihood` / `logPartition`, as a finite penalty. */
  constrainTraining?: boolean;
  /** Seed for the initial weights, U(-0.1, 0.1) as in pytorch-crf. */
  seed?: number;
}

export interface LogLikelihoodOptions {
  /** Default `'sum'` (as pytorch-crf). */
  reduction?: Reduction;
}

export interface DecodeOptions {
  /** Return the k best sequences per row with their scores instead of the single best tags. */
  topK?: number;
}

/**
 * Penalty added to forbidden transitions when `constrainTraining` is on: large enough that
 * forbidden paths carry no weight in log Z, finite so gradients stay finite even for a gold path
 * that breaks a constraint.
 */
export const TRAINING_PENALTY = -1e4;
/**
 * Penalty for forbidden transitions in decode and marginals. Finite on purpose: some GPU shader
 * languages may assume floats are finite, and -Infinity - -Infinity is NaN in a logSumExp. It is
 * far beyond any real score, so such a path can never win against an allowed one.
 */
export const FORBIDDEN_SCORE = -1e30;
/** A decoded path scoring below this used a forbidden transition (or does not exist). */
const INVALID_BELOW = FORBIDDEN_SCORE / 2;

const REDUCTIONS: readonly Reduction[] = ['none', 'sum', 'mean', 'tokenMean'];

/**
 * A linear-chain conditional random field over K tags, batched over [B, T, K] emissions.
 * p(y | x) ∝ exp(start[y_0] + Σ_t emissions[t, y_t] + Σ_t transitions[y_{t-1}, y_t] + end[y_last]).
 */
export class CRF implements Saveable {
  readonly className = 'CRF';
  readonly numTags: number;
  readonly constraints: TransitionMask | null;
  readonly constrainTraining: boolean;
  readonly seed: number;
  /** `[K, K]`: score of tag i followed by tag j (row = from, column = to). */
  readonly transitions: tf.Variable<tf.Rank.R2>;
  /** `[K]`: score of a sequence starting with each tag. */
  readonly startTransitions: tf.Variable<tf.Rank.R1>;
  /** `[K]`: score of a sequence ending with each tag. */
  readonly endTransitions: tf.Variable<tf.Rank.R1>;

  constructor(config: CRFConfig) {
    const { numTags, constraints = null, constrainTraining = false, seed = 1 } = config ?? ({} as CRFConfig);
    if (!Number.isInteger(numTags) || numTags < 1) throw new Error(`CRF: numTags must be a positive integer, got ${String(numTags)}`);
    checkAtMost('CRF', 'numTags', numTags, MAX_TAGS);
    if (typeof constrainTraining !== 'boolean') throw new Error(`CRF: constrainTraining must be a boolean, got ${String(constrainTraining)}`);
    if (!Number.isFinite(seed)) throw new Error(`CRF: seed must be a finite number, got ${String(seed)}`);
    if (constrainTraining && !constraints) throw new Error('CRF: constrainTraining is true but no constraints were given');
    if (constraints) checkTransitionMask(constraints, numTags);
    this.numTags = numTags;
    this.constraints = constraints ? copyMask(constraints) : null;
    this.constrainTraining = constrainTraining;
    this.seed = seed;
    const random = new SeededRandom(seed);
    this.transitions = newVariable(random.uniformArray(numTags * numTags, 0.1), [numTags, numTags]);
    this.startTransitions = newVariable(random.uniformArray(numTags, 0.1), [numTags]);
    this.endTransitions = newVariable(random.uniformArray(numTags, 0.1), [numTags]);
  }

  getConfig(): JsonObject {
    const c = this.constraints;
    return {
      numTags: this.numTags,
      constraints: c ? { transitions: c.transitions.map((row) => [...row]), start: [...c.start], end: [...c.end] } : null,
      constrainTraining: this.constrainTraining,
      seed: this.seed,
    };
  }

  namedWeights(): Record<string, tf.Variable> {
    return { transitions: this.transitions, startTransitions: this.startTransitions, endTransitions: this.endTransitions };
  }

  trainableVariables(): tf.Variable[] {
    return [this.transitions, this.startTransitions, this.endTransitions];
  }

  /**
   * log p(tags | emissions) per sequence, differentiable with respect to the emissions and the
   * CRF's weights. Reads the mask and tags once (synchronously) to check them.
   * @param emissions `[B, T, K]` float32
   * @param tags `[B, T]` gold tag indices (any value at padding)
   * @param mask `[B, T]`, rows a prefix of ones; omitted = every token real
   * @returns `[B]` for reduction `'none'`, else a scalar
   */
  logLikelihood(emissions: tf.Tensor3D, tags: TagsInput, mask?: MaskInput | null, options: LogLikelihoodOptions = {}): tf.Tensor {
    const fn = 'CRF.logLikelihood';
    const reduction = options.reduction ?? 'sum';
    if (!REDUCTIONS.includes(reduction)) throw new Error(`${fn}: unknown reduction ${JSON.stringify(reduction)}; expected one of ${REDUCTIONS.join(', ')}`);
    const { batch, steps } = checkEmissions(emissions, this.numTags, fn);
    const shape = readMaskSync(mask, batch, steps, fn);
    const tagData = readTagsSync(tags, shape, this.numTags, fn);
    return tf.tidy(() => {
      const scores = this.scoreTables(this.constrainTraining ? TRAINING_PENALTY : null);
      const perRow = tf.sub(goldScore(scores, emissions, tagData, shape), this.logZ(scores, emissions, shape));
      switch (reduction) {
        case 'none':
          return perRow;
        case 'sum':
          return tf.sum(perRow);
        case 'mean':
          return tf.mean(perRow);
        case 'tokenMean':
          return tf.div(tf.sum(perRow), shape.lengths.reduce((a, b) => a + b, 0));
      }
    });
  }

  /**
   * log Z `[B]`: the log partition function, over every tag sequence of each row's length
   * (with the training penalty for forbidden transitions when `constrainTraining` is on).
   */
  logPartition(emissions: tf.Tensor3D, mask?: MaskInput | null): tf.Tensor1D {
    const fn = 'CRF.logPartition';
    const { batch, steps } = checkEmissions(emissions, this.numTags, fn);
    const shape = readMaskSync(mask, batch, steps, fn);
    return tf.tidy(() => this.logZ(this.scoreTables(this.constrainTraining ? TRAINING_PENALTY : null), emissions, shape));
  }

  /**
   * The best tag sequence per row (Viterbi), each as long as its row's mask; with `{ topK: k }`
   * the k best per row, best first, with their unnormalised scores (fewer when fewer sequences
   * exist). Never returns a sequence the constraints forbid. Reads tensors with `await data()`.
   * @param emissions `[B, T, K]` float32
   * @param mask `[B, T]`; omitted = every token real
   */
  decode(emissions: tf.Tensor3D, mask?: MaskInput | null, options?: { topK?: undefined }): Promise<number[][]>;
  decode(emissions: tf.Tensor3D, mask: MaskInput | null | undefined, options: { topK: number }): Promise<ScoredPath[][]>;
  decode(emissions: tf.Tensor3D, mask?: MaskInput | null, options?: DecodeOptions): Promise<number[][] | ScoredPath[][]>;
  async decode(emissions: tf.Tensor3D, mask?: MaskInput | null, options: DecodeOptions = {}): Promise<number[][] | ScoredPath[][]> {
    const fn = 'CRF.decode';
    const topK = checkTopK(options.topK, fn);
    const { batch, steps } = checkEmissions(emissions, this.numTags, fn);
    const shape = await readMask(mask, batch, steps, fn);
    if (topK === undefined) {
      if (webgpuCrfUsable(this.numTags, shape.maxLength, batch)) return this.viterbiOnGpu(emissions, shape, fn);
      const [values, ...weights] = await Promise.all([emissions, ...this.trainableVariables()].map((t) => t.data() as Promise<Float32Array>));
      return this.viterbiPaths(values, shape, weights, fn);
    }
    const outputs = this.decodeTensors(emissions, shape, topK);
    try {
      const values = await Promise.all(outputs.map((t) => t.data()));
      return this.finishDecode(values, shape, topK, fn);
    } finally {
      tf.dispose(outputs);
    }
  }

  /** `decode` with synchronous reads (`dataSync`), for cpu and wasm. */
  decodeSync(emissions: tf.Tensor3D, mask?: MaskInput | null, options?: { topK?: undefined }): number[][];
  decodeSync(emissions: tf.Tensor3D, mask: MaskInput | null | undefined, options: { topK: number }): ScoredPath[][];
  decodeSync(emissions: tf.Tensor3D, mask?: MaskInput | null, options?: DecodeOptions): number[][] | ScoredPath[][];
  decodeSync(emissions: tf.Tensor3D, mask?: MaskInput | null, options: DecodeOptions = {}): number[][] | ScoredPath[][] {
    const fn = 'CRF.decodeSync';
    const topK = checkTopK(options.topK, fn);
    const { batch, steps } = checkEmissions(emissions, this.numTags, fn);
    const shape = readMaskSync(mask, batch, steps, fn);
    if (topK === undefined) {
      const [values, ...weights] = [emissions, ...this.trainableVariables()].map((t) => t.dataSync() as Float32Array);
      return this.viterbiPaths(values, shape, weights, fn);
    }
    const outputs = this.decodeTensors(emissions, shape, topK);
    try {
      return this.finishDecode(outputs.map((t) => t.dataSync()), shape, topK, fn);
    } finally {
      tf.dispose(outputs);
    }
  }

  /**
   * Per-token tag probabilities `[B, T, K]` (forward–backward): p(y_t = j | x) under the
   * constrained model, summing to 1 over tags at real tokens and 0 at padding.
   * Reads the mask synchronously; pass it as JS arrays on backends where reads must be async.
   */
  marginals(emissions: tf.Tensor3D, mask?: MaskInput | null): tf.Tensor3D {
    const fn = 'CRF.marginals';
    const { batch, steps } = checkEmissions(emissions, this.numTags, fn);
    const shape = readMaskSync(mask, batch, steps, fn);
    // On cpu and wasm a synchronous read is a plain copy, so compute on arrays unless a gradient
    // is being recorded (the tensor version below is differentiable; GPU backends keep it too).
    if (ARRAY_BACKENDS.has(tf.getBackend()) && !recordingGradients()) {
      const [values, ...weights] = [emissions, ...this.trainableVariables()].map((t) => t.dataSync() as Float32Array);
      return tf.tensor3d(marginalArrays(values, shape, this.scoreArrays(weights, FORBIDDEN_SCORE)), [batch, steps, this.numTags]);
    }
    if (webgpuCrfUsable(this.numTags, undefined, batch) && !recordingGradients()) return this.marginalsOnGpu(emissions, shape);
    return tf.tidy(() => {
      const scores = this.scoreTables(FORBIDDEN_SCORE);
      let probs = forwardBackwardMarginals(scores, emissionSteps(emissions, shape), stepMasks(shape, [this.numTags]));
      if (shape.maxLength < steps) probs = tf.pad(probs, [[0, 0], [0, steps - shape.maxLength], [0, 0]]);
      return tf.mul(probs, tokenMask3d(shape));
    });
  }

  /** Frees the weights. */
  dispose(): void {
    tf.dispose(this.trainableVariables());
  }

  /** Viterbi on arrays (see array-inference.ts): `weights` are the values of trainableVariables(). */
  private viterbiPaths(emissions: Float32Array, shape: BatchShape, weights: Float32Array[], fn: string): number[][] {
    return viterbiArrays(emissions, shape, this.scoreArrays(weights, FORBIDDEN_SCORE)).map((path, b) => {
      if (!(path.score > INVALID_BELOW)) throw noValidSequence(fn, b, shape.lengths[b]);
      return path.tags;
    });
  }

  /** Viterbi as one WGSL dispatch on webgpu (webgpu/crf-programs.ts): only the paths are read back, not the emissions. */
  private async viterbiOnGpu(emissions: tf.Tensor3D, shape: BatchShape, fn: string): Promise<number[][]> {
    const out = tf.tidy(() => gpuViterbi(this.scoreTables(FORBIDDEN_SCORE), usedEmissions(emissions, shape), shape));
    return (await readViterbi(out, shape)).map((path, b) => {
      if (!(path.score > INVALID_BELOW)) throw noValidSequence(fn, b, shape.lengths[b]);
      return path.tags;
    });
  }

  /**
   * Marginals from forward–backward as one WGSL dispatch on webgpu (its token rows), normalised
   * per token as the tensor path's softmax is (exp(alpha + beta − log Z) sums to 1 only up to
   * float rounding); padding stays 0.
   */
  private marginalsOnGpu(emissions: tf.Tensor3D, shape: BatchShape): tf.Tensor3D {
    const K = this.numTags;
    const used = shape.maxLength;
    return tf.tidy(() => {
      const stats = kernelPartitionStatistics(this.scoreTables(FORBIDDEN_SCORE), usedEmissions(emissions, shape), shape);
      const tokens = tf.reshape(tf.slice(stats, [0, 1], [-1, used * K]), [shape.batch, used, K]);
      const probs = tf.divNoNan(tokens, tf.sum(tokens, 2, true));
      return (used < shape.steps ? tf.pad(probs, [[0, 0], [0, shape.steps - used], [0, 0]]) : probs) as tf.Tensor3D;
    });
  }

  /**
   * scoreTables on arrays: the values of [transitions, start, end] plus `penalty` on forbidden
   * transitions, each sum rounded to float32 as the tensor addition rounds it.
   */
  private scoreArrays([transitions, start, end]: Float32Array[], penalty: number): ScoreArrays {
    const plain = { numTags: this.numTags, transitions, start, end };
    if (!this.constraints) return plain;
    const p = penaltyArrays(this.constraints, penalty);
    const add = (a: Float32Array, b: Float32Array) => a.map((v, i) => v + b[i]);
    return { numTags: this.numTags, transitions: add(transitions, p.transitions), start: add(start, p.start), end: add(end, p.end) };
  }

  /** The weights plus `penalty` on forbidden transitions (none when null or unconstrained). */
  private scoreTables(penalty: number | null): CrfScores {
    const plain: CrfScores = { transitions: this.transitions, start: this.startTransitions, end: this.endTransitions };
    if (!this.constraints || penalty === null) return plain;
    const k = this.numTags;
    const p = penaltyArrays(this.constraints, penalty);
    return {
      transitions: tf.add(plain.transitions, tf.tensor2d(p.transitions, [k, k])),
      start: tf.add(plain.start, tf.tensor1d(p.start)),
      end: tf.add(plain.end, tf.tensor1d(p.end)),
    };
  }

  private logZ(scores: CrfScores, emissions: tf.Tensor3D, shape: BatchShape): tf.Tensor1D {
    return logPartition(scores, usedEmissions(emissions, shape), shape);
  }

  /** Top-k Viterbi: [pointers, finalScores, finalIndices]. Caller disposes. */
  private decodeTensors(emissions: tf.Tensor3D, shape: BatchShape, topK: number): tf.Tensor[] {
    return tf.tidy(() => {
      const v = topKForward(this.scoreTables(FORBIDDEN_SCORE), emissionSteps(emissions, shape), stepMasks(shape, [this.numTags, topK]), topK, FORBIDDEN_SCORE);
      return [v.pointers, v.finalScores, v.finalIndices];
    });
  }

  private finishDecode(values: ArrayLike<number>[], shape: BatchShape, topK: number, fn: string): ScoredPath[][] {
    const paths = topKBacktrack(values[0], values[1], values[2], shape, this.numTags, topK, INVALID_BELOW);
    paths.forEach((row, b) => {
      if (row.length === 0) throw noValidSequence(fn, b, shape.lengths[b]);
    });
    return paths;
  }
}

/** Backends on which reading a tensor synchronously is a plain memory copy. */
const ARRAY_BACKENDS = new Set(['cpu', 'wasm']);

/** Whether tfjs is recording operations for a gradient (inside tf.grad, tf.variableGrads, …). */
function recordingGradients(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

function noValidSequence(fn: string, row: number, length: number): Error {
  return new Error(`${fn}: row ${row} (length ${length}) has no tag sequence that the transition constraints allow`);
}

function checkTopK(topK: number | undefined, fn: string): number | undefined {
  if (topK === undefined) return undefined;
  if (!Number.isInteger(topK) || topK < 1) throw new Error(`${fn}: topK must be a positive integer, got ${String(topK)}`);
  return topK;
}

function copyMask(mask: TransitionMask): TransitionMask {
  return { transitions: mask.transitions.map((row) => [...row]), start: [...mask.start], end: [...mask.end] };
}

/** Rebuilds a CRF from a saved config (checked field by field, since it comes from a file). */
function crfFromConfig(config: JsonObject): CRF {
  const { numTags, constraints, constrainTraining, seed } = config;
  if (typeof numTags !== 'number') throw new Error(`CRF config: numTags must be a number, got ${JSON.stringify(numTags)}`);
  if (constraints !== null && constraints !== undefined && (typeof constraints !== 'object' || Array.isArray(constraints))) {
    throw new Error('CRF config: constraints must be an object {transitions, start, end} or null');
  }
  return new CRF({
    numTags,
    constraints: (constraints ?? null) as unknown as TransitionMask | null,
    constrainTraining: (constrainTraining ?? false) as boolean,
    seed: (seed ?? 1) as number,
  });
}

registerClass('CRF', crfFromConfig);
