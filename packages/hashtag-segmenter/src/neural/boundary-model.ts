import * as tf from '@tensorflow/tfjs-core';
import { tanh } from './fast-ops';
import { checkAtMost, glorotLimit, MAX_LAYER_SIZE, MAX_RECURRENT_SIZE, MAX_TABLE_ROWS, SeededRandom, type JsonObject } from '@trimod/core';
import { ALPHABET_SIZE } from '../alphabet';
import { embedAndConvolve, gateInputs, gateTable } from './char-conv';
import { stepInputs, type CharBatch } from './char-batch';
import { lstm, lstmFromGateInputs } from './lstm';

/** Sizes of the character CNN + BiLSTM boundary tagger. Plain JSON, saved in model.json. */
export interface BoundaryModelConfig {
  alphabetSize: number;
  charDim: number;
  /** Odd convolution width over characters. */
  convWidth: number;
  convFilters: number;
  /** Hidden size of each LSTM direction. */
  hidden: number;
  /** Width of the decoder's hidden layer. */
  decoderDim: number;
  seed: number;
}

export const DEFAULT_BOUNDARY_CONFIG: BoundaryModelConfig = {
  alphabetSize: ALPHABET_SIZE,
  charDim: 32,
  convWidth: 3,
  convFilters: 64,
  hidden: 64,
  decoderDim: 32,
  seed: 1234,
};

/** What one forward pass gives. */
export interface BoundaryOutput {
  /** Logit that a word boundary follows each character: [B, T]. */
  logits: tf.Tensor2D;
  /** BiLSTM states per character, forward then backward half: [B, T, 2H] (when asked for). */
  states?: tf.Tensor3D;
}

const NUMBER_KEYS: (keyof BoundaryModelConfig)[] = [
  'alphabetSize',
  'charDim',
  'convWidth',
  'convFilters',
  'hidden',
  'decoderDim',
  'seed',
];

/** Reads and checks a config, naming the field that is wrong. */
export function parseBoundaryConfig(json: JsonObject): BoundaryModelConfig {
  const out = { ...DEFAULT_BOUNDARY_CONFIG };
  for (const key of NUMBER_KEYS) {
    const v = json[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new Error(`BoundaryModel config: "${key}" must be a non-negative integer, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  if (out.convWidth % 2 !== 1) throw new Error(`BoundaryModel config: "convWidth" must be odd, got ${out.convWidth}`);
  for (const key of NUMBER_KEYS) {
    if (key !== 'seed' && out[key] === 0) throw new Error(`BoundaryModel config: "${key}" must be positive`);
  }
  // Sizes come from model.json (input): bounded before anything is allocated.
  checkAtMost('BoundaryModel config', 'alphabetSize', out.alphabetSize, MAX_TABLE_ROWS);
  checkAtMost('BoundaryModel config', 'hidden', out.hidden, MAX_RECURRENT_SIZE);
  for (const key of ['charDim', 'convWidth', 'convFilters', 'decoderDim'] as const) checkAtMost('BoundaryModel config', key, out[key], MAX_LAYER_SIZE);
  return out;
}

/** Names and shapes of every weight, in a fixed order (the order of the weight manifest). */
export function boundaryWeightShapes(c: BoundaryModelConfig): [string, number[]][] {
  const h4 = 4 * c.hidden;
  return [
    ['charEmbedding', [c.alphabetSize, c.charDim]],
    ['conv/kernel', [c.convWidth * c.charDim, c.convFilters]],
    ['conv/bias', [c.convFilters]],
    ['lstm/fw/kernel', [c.convFilters, h4]],
    ['lstm/fw/recurrent', [c.hidden, h4]],
    ['lstm/fw/bias', [h4]],
    ['lstm/bw/kernel', [c.convFilters, h4]],
    ['lstm/bw/recurrent', [c.hidden, h4]],
    ['lstm/bw/bias', [h4]],
    ['decoder/hidden/kernel', [2 * c.hidden, c.decoderDim]],
    ['decoder/hidden/bias', [c.decoderDim]],
    ['decoder/out/kernel', [c.decoderDim, 1]],
    ['decoder/out/bias', [1]],
  ];
}

function initialValue(name: string, shape: number[], rng: SeededRandom, hidden: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (name === 'charEmbedding') return rng.normalArray(size, 0.3);
  if (name.endsWith('/bias')) {
    const bias = new Float32Array(size);
    // A forget-gate bias of 1 lets early training carry state across characters.
    if (name.startsWith('lstm/')) bias.fill(1, hidden, 2 * hidden);
    return bias;
  }
  return rng.uniformArray(size, glorotLimit(shape[0], shape[1]));
}

/**
 * The neural half of the segmenter: character embedding → character CNN (linear, width K) →
 * BiLSTM → a small decoder (tanh hidden layer) giving, for each character, the logit that a
 * word boundary follows it.
 *
 * The embedding lookup is a one-hot matMul folded into the convolution (see char-conv.ts): the
 * alphabet is ~75 symbols, so it is cheap, and it trains on every backend.
 */
export class BoundaryModel {
  readonly config: BoundaryModelConfig;
  private readonly weights: Record<string, tf.Variable>;

  /** Builds fresh weights from the config's seed, or adopts `weights` (checked by name and shape). */
  constructor(config: Partial<BoundaryModelConfig> = {}, weights?: Record<string, tf.Tensor>) {
    this.config = parseBoundaryConfig(config as JsonObject);
    const rng = new SeededRandom(this.config.seed);
    this.weights = {};
    for (const [name, shape] of boundaryWeightShapes(this.config)) {
      const given = weights?.[name];
      if (weights && !given) throw new Error(`BoundaryModel: weight "${name}" is missing`);
      if (given && given.shape.join('x') !== shape.join('x')) {
        throw new Error(`BoundaryModel: weight "${name}" has shape [${given.shape}], expected [${shape}]`);
      }
      const value = given ?? tf.tensor(initialValue(name, shape, rng, this.config.hidden), shape);
      this.weights[name] = tf.variable(value, true, `hashtagSegmenter/${name}_${variableCounter++}`);
      if (!given) value.dispose();
    }
  }

  /** Stable weight names → variables (the names used in model.json). */
  namedWeights(): Record<string, tf.Variable> {
    return { ...this.weights };
  }

  trainableVariables(): tf.Variable[] {
    return Object.values(this.weights);
  }

  /** Width of `states`' last axis. */
  get stateDim(): number {
    return 2 * this.config.hidden;
  }

  /**
   * Runs the model on a batch of right-padded character ids.
   * Returns logits [B, T] and, when `withStates`, the BiLSTM states [B, T, 2H].
   * Padding never changes the values at real positions.
   */
  forward(batch: CharBatch, withStates = false): BoundaryOutput {
    const [logits, states] = tf.tidy(() => {
      const { logits, fw, bw } = this.forwardTimeMajor(batch, false);
      const { batchSize: b, length: t } = batch;
      if (!withStates) return [tf.transpose(logits)];
      const h = this.config.hidden;
      const fwAll = tf.reshape(tf.concat(fw, 0), [t, b, h]);
      const bwAll = tf.reshape(tf.concat(bw, 0), [t, b, h]);
      return [tf.transpose(logits), tf.transpose(tf.concat([fwAll, bwAll], 2), [1, 0, 2])];
    }) as [tf.Tensor2D, tf.Tensor3D?];
    return states ? { logits, states } : { logits };
  }

  /**
   * The forward pass in time-major form, as training uses it (labels are built time-major in
   * JS, so no [B, T] tensor is ever sliced per step). `differentiable: false` computes the
   * embedding, convolution and LSTM input projection as table sums in JS (faster, for
   * inference; no gradient reaches those weights).
   * Returns logits [T, B] and the per-step forward and backward states, T × [B, H] each.
   * Call inside tf.tidy.
   */
  forwardTimeMajor(batch: CharBatch, differentiable = true): { logits: tf.Tensor2D; fw: tf.Tensor2D[]; bw: tf.Tensor2D[] } {
    const w = this.weights;
    const c = this.config;
    const { batchSize: b, length: t } = batch;
    if (t === 0) throw new Error('BoundaryModel.forward: the batch has length 0');
    const { windows, masks } = stepInputs(batch, c.convWidth, differentiable);
    const embedding = w['charEmbedding'] as tf.Tensor2D;
    const kernel = w['conv/kernel'] as tf.Tensor2D;
    const bias = w['conv/bias'] as tf.Tensor1D;
    let fw: tf.Tensor2D[];
    let bw: tf.Tensor2D[];
    if (differentiable) {
      const conv = embedAndConvolve(windows, embedding, kernel, bias);
      fw = lstm(conv, masks, this.lstmWeights('fw'), false);
      bw = lstm(conv, masks, this.lstmWeights('bw'), true);
    } else {
      fw = this.inferenceDirection(batch, masks, 'fw');
      bw = this.inferenceDirection(batch, masks, 'bw');
    }
    // A boundary after character i sits between i and i+1: the forward state has read up to
    // i, the backward state of i+1 has read everything after it.
    const bwNext = [...bw.slice(1), tf.zeros([b, c.hidden]) as tf.Tensor2D];
    const joined = tf.concat([tf.concat(fw, 0), tf.concat(bwNext, 0)], 1) as tf.Tensor2D; // [T·B, 2H]
    const hidden = tanh(tf.add(tf.matMul(joined, w['decoder/hidden/kernel'] as tf.Tensor2D), w['decoder/hidden/bias']) as tf.Tensor2D);
    const logits = tf.add(tf.matMul(hidden, w['decoder/out/kernel'] as tf.Tensor2D), w['decoder/out/bias']);
    return { logits: tf.reshape(logits, [t, b]), fw, bw };
  }

  /** One LSTM direction at inference: gate inputs from the folded tables, then the recurrence. */
  private inferenceDirection(batch: CharBatch, masks: tf.Tensor2D[], dir: 'fw' | 'bw'): tf.Tensor2D[] {
    const w = this.weights;
    const h = this.config.hidden;
    const { batchSize: b, length: t } = batch;
    const table = gateTable(
      w['charEmbedding'] as tf.Tensor2D,
      w['conv/kernel'] as tf.Tensor2D,
      w['conv/bias'] as tf.Tensor1D,
      w[`lstm/${dir}/kernel`] as tf.Tensor2D,
      w[`lstm/${dir}/bias`] as tf.Tensor1D,
    );
    const inputs: tf.Tensor2D[][] = [];
    for (let step = 0; step < t; step++) {
      inputs.push(gateInputs(table, batch.ids, b, t, step).map((v) => tf.tensor2d(v, [b, h])));
    }
    const recurrent = w[`lstm/${dir}/recurrent`] as tf.Tensor2D;
    const perGate = [0, 1, 2, 3].map((g) => tf.slice(recurrent, [0, g * h], [h, h]));
    return lstmFromGateInputs(inputs, masks, perGate, dir === 'bw');
  }

  dispose(): void {
    for (const v of Object.values(this.weights)) v.dispose();
  }

  private lstmWeights(dir: 'fw' | 'bw') {
    return {
      kernel: this.weights[`lstm/${dir}/kernel`] as tf.Tensor2D,
      recurrent: this.weights[`lstm/${dir}/recurrent`] as tf.Tensor2D,
      bias: this.weights[`lstm/${dir}/bias`] as tf.Tensor1D,
    };
  }
}

/** Keeps variable names unique when several models live in one process (tfjs requires it). */
let variableCounter = 0;
