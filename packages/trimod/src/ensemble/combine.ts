import * as tf from '@tensorflow/tfjs-core';
import { CRF, type TransitionMask } from '@trimod/crf';

/**
 * The arithmetic of an ensemble of CRF taggers, on plain arrays (the members' outputs are read
 * once per batch; K is 9 for Twitter NER, so this is a few small loops):
 * - `marginals`: average the members' per-token posteriors p_m(y_t = k | x), then the valid
 *   sequence with the highest product of averaged posteriors (Viterbi on their logs, with zero
 *   transition scores and the members' BIO constraints): posterior decoding of the mixture.
 * - `scores`: average the members' emission scores and their CRF weights (transitions, start,
 *   end), then plain Viterbi: one CRF whose scores are the members' mean.
 */
export type EnsembleCombination = 'marginals' | 'scores';
export const COMBINATIONS: readonly EnsembleCombination[] = ['marginals', 'scores'];

/**
 * Where each of `labels` sits in a member's labels: `order[k]` is the member's index of
 * `labels[k]`. Members may list the labels in another order, never another set.
 */
export function labelOrder(labels: readonly string[], memberLabels: readonly string[], member: string, first: string): number[] {
  const same = memberLabels.length === labels.length && labels.every((l) => memberLabels.includes(l)) && new Set(memberLabels).size === memberLabels.length;
  if (!same) {
    throw new Error(
      `TriModEnsemble: ${member} tags ${JSON.stringify(memberLabels)}, not the label set of ${first} ${JSON.stringify(labels)}; an ensemble's models must share their labels`,
    );
  }
  return labels.map((l) => memberLabels.indexOf(l));
}

/**
 * The mean of `rows` rows of row-major arrays [rows, K_m] as [rows, K] in the ensemble's column
 * order: out[r·K + k] = (1/N) Σ_m a_m[r·K_m + order_m[k]], a column with order −1 counting as 0
 * (a modality that member lacks). Summed in float64: for identical members the result is the
 * members' values exactly.
 */
export function averageColumns(arrays: readonly ArrayLike<number>[], orders: readonly (readonly number[])[], rows: number, K: number): Float32Array {
  if (arrays.length === 0) throw new Error('averageColumns: no arrays to average');
  const widths = arrays.map((a) => a.length / rows);
  const out = new Float32Array(rows * K);
  const N = arrays.length;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) {
      let sum = 0;
      for (let m = 0; m < N; m++) {
        const j = orders[m][k];
        if (j >= 0) sum += arrays[m][r * widths[m] + j];
      }
      out[r * K + k] = sum / N;
    }
  }
  return out;
}

/** The CRF weights a `scores` ensemble decodes with. */
export interface CrfTables {
  /** [K·K], row = from. */
  transitions: ArrayLike<number>;
  start: ArrayLike<number>;
  end: ArrayLike<number>;
}

/** The members' CRF weights averaged, in the ensemble's label order. */
export function averageTables(tables: readonly CrfTables[], orders: readonly (readonly number[])[], K: number): { transitions: Float32Array; start: Float32Array; end: Float32Array } {
  const N = tables.length;
  const transitions = new Float32Array(K * K);
  const start = new Float32Array(K);
  const end = new Float32Array(K);
  for (let i = 0; i < K; i++) {
    let s = 0;
    let e = 0;
    for (let m = 0; m < N; m++) {
      s += tables[m].start[orders[m][i]];
      e += tables[m].end[orders[m][i]];
    }
    start[i] = s / N;
    end[i] = e / N;
    for (let j = 0; j < K; j++) {
      let t = 0;
      for (let m = 0; m < N; m++) t += tables[m].transitions[orders[m][i] * K + orders[m][j]];
      transitions[i * K + j] = t / N;
    }
  }
  return { transitions, start, end };
}

/** A member's transition constraints in the ensemble's label order (null: unconstrained). */
export function reorderMask(mask: TransitionMask | null, order: readonly number[]): TransitionMask | null {
  if (!mask) return null;
  return {
    transitions: order.map((i) => order.map((j) => mask.transitions[i][j])),
    start: order.map((i) => mask.start[i]),
    end: order.map((i) => mask.end[i]),
  };
}

export function sameMask(a: TransitionMask | null, b: TransitionMask | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A CRF that decodes with the given weights (zeros when left out) under `constraints`: the
 * ensemble's Viterbi, so decoding is the CRF package's, constraints and ties included.
 */
export function decoderCrf(K: number, constraints: TransitionMask | null, tables?: CrfTables): CRF {
  const crf = new CRF({ numTags: K, constraints });
  tf.tidy(() => {
    crf.transitions.assign(tables ? tf.tensor2d(Array.from(tables.transitions), [K, K]) : tf.zeros([K, K]));
    crf.startTransitions.assign(tables ? tf.tensor1d(Array.from(tables.start)) : tf.zeros([K]));
    crf.endTransitions.assign(tables ? tf.tensor1d(Array.from(tables.end)) : tf.zeros([K]));
  });
  return crf;
}

/**
 * Smallest probability taken into a log: an averaged posterior of exactly 0 (a tag every member
 * forbids there) becomes a large finite penalty, since −Infinity would make ties of invalid
 * paths NaN-prone; any valid path of the members has a positive product, so it always wins.
 */
const TINY = 1e-30;

/**
 * The valid tag sequence with the highest product of `probs` ([B, T, K] averaged marginals, rows
 * ending at the mask): Viterbi on log probabilities with the zero-weight `decoder`.
 */
export async function decodeMarginals(decoder: CRF, probs: Float32Array, B: number, T: number, rows: number[][]): Promise<number[][]> {
  const logs = new Float32Array(probs.length);
  for (let i = 0; i < probs.length; i++) logs[i] = Math.log(Math.max(probs[i], TINY));
  const emissions = tf.tensor3d(logs, [B, T, decoder.numTags]);
  try {
    return await decoder.decode(emissions, rows);
  } finally {
    emissions.dispose();
  }
}
