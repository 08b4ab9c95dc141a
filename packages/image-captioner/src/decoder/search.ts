import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@trimod/core';
import type { StepDecoder } from './step-decoder';
import { END, PAD, START, UNK } from './vocab';

/** One decoded caption: word ids (without `<start>`, ending with `<end>` if it ended) and its log-probability. */
export interface Hypothesis {
  ids: number[];
  /** Sum of the words' log-probabilities. */
  logProb: number;
  /** What beams are ranked by: logProb / length^lengthPenalty. */
  score: number;
}

function rankScore(logProb: number, length: number, lengthPenalty: number): number {
  return lengthPenalty === 0 ? logProb : logProb / Math.pow(Math.max(1, length), lengthPenalty);
}

/**
 * Ids a caption never contains: <pad>, <start>, and <unk> (an "unknown word" helps no reader
 * and never matches a reference, so decoding picks the best real word instead).
 */
const NEVER = [PAD, START, UNK];

/**
 * One step for N hypotheses: previous word ids and states → log-probabilities [N, V] and new
 * states [N, H]; `temperature` divides the scores first (sampling only: it never changes the argmax).
 */
function nextWord(decoder: StepDecoder, prev: number[], h: tf.Tensor2D, keys: tf.Tensor3D, values: tf.Tensor3D, temperature = 1): { logp: tf.Tensor2D; h: tf.Tensor2D } {
  return tf.tidy(() => {
    const out = decoder.nextScores(tf.tensor1d(prev, 'int32'), h, keys, values, temperature);
    const ban = new Float32Array(decoder.vocab.size);
    for (const id of NEVER) ban[id] = -1e9;
    return { logp: tf.logSoftmax(tf.add(out.scores, tf.tensor1d(ban))) as tf.Tensor2D, h: out.h };
  });
}

/** Greedy decoding of a batch: regions [B, R, D] → one hypothesis per image. */
export async function greedyDecode(decoder: StepDecoder, regions: tf.Tensor3D, maxWords = decoder.config.maxWords): Promise<Hypothesis[]> {
  const ctx = decoder.prepare(regions);
  const b = regions.shape[0];
  const hyps: Hypothesis[] = Array.from({ length: b }, () => ({ ids: [], logProb: 0, score: 0 }));
  const done = new Array<boolean>(b).fill(false);
  let prev = new Array<number>(b).fill(START);
  let h = ctx.h0;
  try {
    for (let t = 0; t <= maxWords && done.some((d) => !d); t++) {
      const out = nextWord(decoder, prev, h, ctx.keys, ctx.values);
      if (h !== ctx.h0) h.dispose();
      h = out.h;
      const best = tf.tidy(() => {
        const { values, indices } = tf.topk(out.logp, 1);
        return [tf.reshape(values, [-1]), tf.reshape(indices, [-1])];
      });
      out.logp.dispose();
      const [lp, ids] = await Promise.all(best.map((x) => x.data()));
      tf.dispose(best);
      // After maxWords words the caption is closed with <end> whatever the model says.
      const forceEnd = t === maxWords;
      prev = Array.from(ids, (id, i) => {
        if (done[i]) return END;
        const word = forceEnd ? END : id;
        hyps[i].ids.push(word);
        hyps[i].logProb += forceEnd && id !== END ? 0 : lp[i];
        if (word === END) done[i] = true;
        return word;
      });
    }
  } finally {
    if (h !== ctx.h0) h.dispose();
    tf.dispose([ctx.values, ctx.keys, ctx.h0]);
  }
  for (const hyp of hyps) hyp.score = hyp.logProb;
  return hyps;
}

export interface BeamOptions {
  beamWidth?: number;
  maxWords?: number;
  /** Rank by logProb / length^lengthPenalty; 0 ranks by logProb alone (then width 1 is greedy). */
  lengthPenalty?: number;
}

/**
 * Beam search per image: regions [B, R, D] → for each image, its finished hypotheses, best
 * first (at most beamWidth).
 */
export async function beamSearch(decoder: StepDecoder, regions: tf.Tensor3D, opts: BeamOptions = {}): Promise<Hypothesis[][]> {
  const k = opts.beamWidth ?? 3;
  const maxWords = opts.maxWords ?? decoder.config.maxWords;
  const lp = opts.lengthPenalty ?? 0;
  if (!Number.isInteger(k) || k < 1) throw new Error(`beamSearch: beamWidth must be a positive integer, got ${k}`);
  const results: Hypothesis[][] = [];
  for (let img = 0; img < regions.shape[0]; img++) {
    const one = tf.slice(regions, img, 1) as tf.Tensor3D;
    const ctx = decoder.prepare(one);
    one.dispose();
    const finished: Hypothesis[] = [];
    let alive: Hypothesis[] = [{ ids: [], logProb: 0, score: 0 }];
    let h = ctx.h0;
    try {
      for (let t = 0; t <= maxWords && alive.length > 0; t++) {
        const n = alive.length;
        const out = tf.tidy(() => {
          const rows = tf.zeros([n], 'int32');
          const keys = tf.gather(ctx.keys, rows);
          const values = tf.gather(ctx.values, rows);
          return nextWord(decoder, alive.map((a) => a.ids[a.ids.length - 1] ?? START), h, keys, values);
        });
        if (h !== ctx.h0) h.dispose();
        h = out.h;
        const top = tf.topk(out.logp, Math.min(k, out.logp.shape[1]));
        out.logp.dispose();
        const [vals, idx] = await Promise.all([top.values.data(), top.indices.data()]);
        tf.dispose([top.values, top.indices]);
        const width = top.values.shape[1];
        const forceEnd = t === maxWords;
        const candidates: { parent: number; hyp: Hypothesis }[] = [];
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < width; j++) {
            const word = forceEnd ? END : idx[i * width + j];
            // A forced <end> adds nothing unless the model itself would have ended here (as in greedy).
            const gain = forceEnd && idx[i * width + j] !== END ? 0 : vals[i * width + j];
            const logProb = alive[i].logProb + gain;
            const ids = [...alive[i].ids, word];
            candidates.push({ parent: i, hyp: { ids, logProb, score: rankScore(logProb, ids.length, lp) } });
            if (forceEnd) break;
          }
        }
        candidates.sort((a, b) => b.hyp.score - a.hyp.score);
        const keep: { parent: number; hyp: Hypothesis }[] = [];
        for (const c of candidates.slice(0, k)) {
          if (c.hyp.ids[c.hyp.ids.length - 1] === END) finished.push(c.hyp);
          else keep.push(c);
        }
        // Stop once no live beam can beat the worst of k finished ones (scores only fall with lp = 0).
        finished.sort((a, b) => b.score - a.score);
        if (lp === 0 && finished.length >= k && keep.every((c) => c.hyp.score <= finished[k - 1].score)) keep.length = 0;
        alive = keep.map((c) => c.hyp);
        if (keep.length > 0) {
          const old = h;
          h = tf.tidy(() => tf.gather(old, tf.tensor1d(keep.map((c) => c.parent), 'int32')));
          old.dispose();
        }
      }
    } finally {
      if (h !== ctx.h0) h.dispose();
      tf.dispose([ctx.values, ctx.keys, ctx.h0]);
    }
    finished.sort((a, b) => b.score - a.score);
    results.push(finished.slice(0, k));
  }
  return results;
}

export interface SampleOptions {
  /** Captions drawn per image. */
  samples?: number;
  maxWords?: number;
  /** Seed of the draws: the same seed, weights and regions give the same captions. */
  seed?: number;
  /**
   * Draw from softmax(scores / temperature): below 1 the draws stay nearer the most likely
   * caption. Self-critical training then trains this sharpened policy (`CaptionBatch.temperature`).
   */
  temperature?: number;
}

/**
 * Draws captions from the decoder's own distribution, word by word (self-critical training
 * scores such samples): regions [B, R, D] → for each image, `samples` hypotheses, each ending
 * with <end> unless it reached maxWords. The draw runs in JavaScript with a seeded generator,
 * so it is the same on every backend.
 */
export async function sampleCaptions(decoder: StepDecoder, regions: tf.Tensor3D, opts: SampleOptions = {}): Promise<Hypothesis[][]> {
  const k = opts.samples ?? 5;
  const maxWords = opts.maxWords ?? decoder.config.maxWords;
  if (!Number.isInteger(k) || k < 1) throw new Error(`sampleCaptions: samples must be a positive integer, got ${k}`);
  const temperature = opts.temperature ?? 1;
  if (!(temperature > 0)) throw new Error(`sampleCaptions: temperature must be positive, got ${temperature}`);
  const rng = new SeededRandom(opts.seed ?? 1);
  const b = regions.shape[0];
  const n = b * k;
  const v = decoder.vocab.size;
  // Row j draws for image floor(j / k).
  const ctx = decoder.prepare(regions);
  const [keys, values, h0] = tf.tidy(() => {
    const rows = tf.tensor1d(Array.from({ length: n }, (_, j) => Math.floor(j / k)), 'int32');
    return [tf.gather(ctx.keys, rows), tf.gather(ctx.values, rows), tf.gather(ctx.h0, rows)] as [tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];
  });
  tf.dispose([ctx.keys, ctx.values, ctx.h0]);
  const hyps: Hypothesis[] = Array.from({ length: n }, () => ({ ids: [], logProb: 0, score: 0 }));
  const done = new Array<boolean>(n).fill(false);
  let prev = new Array<number>(n).fill(START);
  let h = h0;
  try {
    for (let t = 0; t < maxWords && done.some((d) => !d); t++) {
      const out = nextWord(decoder, prev, h, keys, values, temperature);
      if (h !== h0) h.dispose();
      h = out.h;
      const logp = await out.logp.data();
      out.logp.dispose();
      prev = prev.map((_, i) => {
        if (done[i]) return END;
        // Inverse CDF; rounding can leave u beyond the last cumulative sum: take <end> then.
        let u = rng.random();
        let word = END;
        for (let w = 0; w < v; w++) {
          u -= Math.exp(logp[i * v + w]);
          if (u < 0) {
            word = w;
            break;
          }
        }
        hyps[i].ids.push(word);
        hyps[i].logProb += logp[i * v + word];
        if (word === END) done[i] = true;
        return word;
      });
    }
  } finally {
    if (h !== h0) h.dispose();
    tf.dispose([keys, values, h0]);
  }
  for (const hyp of hyps) hyp.score = hyp.logProb;
  return Array.from({ length: b }, (_, i) => hyps.slice(i * k, (i + 1) * k));
}
