import * as tf from '@tensorflow/tfjs-core';
import type { CaptionDecoder } from './decoder';
import { PAD } from './vocab';

/**
 * A training batch grouped by image: the regions of I images and N captions of them.
 * Captions must be sorted by length, longest first, so that each step runs only on the
 * captions still going (the first b_t rows), like a packed sequence.
 */
export interface CaptionBatch {
  /** [I, R, D] backbone regions. */
  regions: tf.Tensor3D;
  /** For each caption, the row of its image in `regions`. */
  imageOf: number[];
  /** Caption ids `<start> w1 .. wn <end>`, one array per caption, longest first. */
  captions: number[][];
  /**
   * Weight of each caption's token losses (self-critical training: the caption's reward minus
   * a baseline, so sampled captions better than usual become likelier). Absent: all 1.
   */
  weights?: number[];
  /**
   * Scores are divided by this before the softmax (self-critical training of a policy sampled
   * at this temperature). Absent: 1.
   */
  temperature?: number;
}

/**
 * Mean next-word cross-entropy over all real target tokens (teacher forcing), each token
 * weighted by its caption's weight when the batch has weights.
 * `dropoutSeed` switches dropout on (training). Returns a scalar; call inside tf.tidy or
 * variableGrads.
 */
export function teacherForcedLoss(decoder: CaptionDecoder, batch: CaptionBatch, dropoutSeed?: number): tf.Scalar {
  const { captions, imageOf, weights } = batch;
  const n = captions.length;
  if (weights !== undefined && weights.length !== n) throw new Error(`teacherForcedLoss: ${n} captions but ${weights.length} weights`);
  for (let i = 1; i < n; i++) {
    if (captions[i].length > captions[i - 1].length) throw new Error('teacherForcedLoss: captions must be sorted longest first');
  }
  const steps = captions[0].length - 1;
  const images = batch.regions.shape[0];
  const ctx = decoder.prepare(batch.regions);
  // Rows of the per-image tensors picked for each caption by a one-hot matMul (its gradient
  // is a matMul too, which every backend has).
  const pick = oneHotRows(imageOf, images);
  const spread = <T extends tf.Tensor>(t: T): T => {
    const flat = tf.reshape(t, [images, -1]);
    return tf.reshape(tf.matMul(pick, flat), [n, ...t.shape.slice(1)]) as T;
  };
  const values = spread(ctx.values);
  const keys = spread(ctx.keys);
  let h = spread(ctx.h0);
  const inputIds = new Int32Array(n * steps);
  captions.forEach((c, i) => {
    for (let t = 0; t < steps; t++) inputIds[i * steps + t] = t < c.length - 1 ? c[t] : PAD;
  });
  const words = decoder.embedWords(tf.tensor1d(inputIds, 'int32'));
  const inputDropout = decoder.config.inputDropout ?? 0;
  const emb = dropoutSeed !== undefined && inputDropout > 0 ? (tf.dropout(words, inputDropout, undefined, dropoutSeed + 1) as tf.Tensor2D) : words;
  const gates = tf.reshape(decoder.embeddedGates(emb), [n, steps, -1]);
  const deep = decoder.config.deepOutput === true;
  const embSteps = deep ? tf.reshape(emb, [n, steps, -1]) : null;
  const states: tf.Tensor2D[] = [];
  const contexts: tf.Tensor2D[] = [];
  const inputs: tf.Tensor2D[] = [];
  const targets: number[] = [];
  const tokenWeights: number[] = [];
  for (let t = 0; t < steps; t++) {
    let active = 0;
    while (active < n && captions[active].length - 1 > t) active++;
    const xEmb = tf.reshape(tf.slice(gates, [0, t, 0], [active, 1, -1]), [active, -1]) as tf.Tensor2D;
    const sliceRows = <T extends tf.Tensor>(x: T): T => (x.shape[0] === active ? x : (tf.slice(x, 0, active) as T));
    const out = decoder.step(xEmb, sliceRows(h), sliceRows(keys), sliceRows(values));
    h = out.h;
    states.push(h);
    if (embSteps) {
      contexts.push(out.context);
      inputs.push(tf.reshape(tf.slice(embSteps, [0, t, 0], [active, 1, -1]), [active, -1]) as tf.Tensor2D);
    }
    for (let i = 0; i < active; i++) {
      targets.push(captions[i][t + 1]);
      tokenWeights.push(weights?.[i] ?? 1);
    }
  }
  // One classifier matMul over every step's states: far cheaper than one per step.
  const scores = decoder.classify(tf.concat(states, 0), dropoutSeed, deep ? { context: tf.concat(contexts, 0), emb: tf.concat(inputs, 0) } : undefined);
  const temperature = batch.temperature ?? 1;
  const all: tf.Tensor2D = temperature === 1 ? scores : tf.div(scores, temperature);
  const target = tf.oneHot(tf.tensor1d(targets, 'int32'), all.shape[1]);
  // logSoftmax rather than logSumExp: the latter's gradient goes through max (an Equal over [N, V]).
  const logp = tf.sum(tf.mul(tf.logSoftmax(all), target), 1);
  const weighted = weights === undefined ? logp : tf.mul(logp, tf.tensor1d(tokenWeights));
  return tf.neg(tf.div(tf.sum(weighted), targets.length)) as tf.Scalar;
}

/** A [N, depth] float one-hot matrix built on the host (tf.oneHot refuses depth 1: one image). */
function oneHotRows(indices: readonly number[], depth: number): tf.Tensor2D {
  const m = new Float32Array(indices.length * depth);
  indices.forEach((j, i) => {
    m[i * depth + j] = 1;
  });
  return tf.tensor2d(m, [indices.length, depth]);
}
