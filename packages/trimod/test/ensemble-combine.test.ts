import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import { allowedTransitions } from '@trimod/crf';
import { averageColumns, averageTables, decodeMarginals, decoderCrf, labelOrder } from '../src/ensemble/combine';

// The ensemble's arithmetic on a case worked out by hand: labels O, B-PER, I-PER; the second
// member lists them as O, I-PER, B-PER, so every average also goes through the reordering.
const LABELS = ['O', 'B-PER', 'I-PER'];
const OTHER = ['O', 'I-PER', 'B-PER'];
const BIO = allowedTransitions('BIO', LABELS);

beforeAll(async () => {
  await initBackend('wasm');
});

describe('ensemble combination', () => {
  it('averages posteriors column by label, and decodes the valid path with the highest product, not the per-token argmax', async () => {
    const orders = [labelOrder(LABELS, LABELS, 'a', 'a'), labelOrder(LABELS, OTHER, 'b', 'a')];
    expect(orders[1]).toEqual([0, 2, 1]);
    // Member 1 (O, B, I) and member 2 (O, I, B), 3 tokens each.
    const m1 = [0.6, 0.4, 0, 0.3, 0.1, 0.6, 0.9, 0.05, 0.05];
    const m2 = [0.5, 0, 0.5, 0.4, 0.4, 0.2, 0.9, 0.05, 0.05];
    const avg = averageColumns([m1, m2], orders, 3, 3);
    const expected = [0.55, 0.45, 0, 0.35, 0.15, 0.5, 0.9, 0.05, 0.05];
    avg.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    // Per-token argmax says O I-PER O, which BIO forbids. Valid paths: O O O 0.55·0.35·0.9 =
    // 0.173; B I O 0.45·0.5·0.9 = 0.2025; O B O 0.074; B B O 0.061; ...: B-PER I-PER O.
    const decoder = decoderCrf(3, BIO);
    try {
      expect(await decodeMarginals(decoder, avg, 1, 3, [[1, 1, 1]])).toEqual([[1, 2, 0]]);
      // Padding: a second row of one real token decodes on its own (O, 0.55 > 0.45).
      const padded = new Float32Array(18);
      padded.set(avg, 0);
      padded.set(avg.subarray(0, 3), 9);
      expect(await decodeMarginals(decoder, padded, 2, 3, [[1, 1, 1], [1, 0, 0]])).toEqual([[1, 2, 0], [0]]);
    } finally {
      decoder.dispose();
    }
  });

  it('averages a modality a member lacks as weight 0', () => {
    // Member 1 weighs text 0.7 / hashtag 0.3, member 2 has only text (1.0).
    expect(Array.from(averageColumns([[0.7, 0.3], [1]], [[0, 1], [0, -1]], 1, 2)).map((v) => +v.toFixed(6))).toEqual([0.85, 0.15]);
  });

  it('averages emissions and CRF weights by label, and Viterbi on them gives the brute-force best path', async () => {
    const orders = [labelOrder(LABELS, LABELS, 'a', 'a'), labelOrder(LABELS, OTHER, 'b', 'a')];
    const a = { transitions: [0, 0.5, -1, 0.2, 0, 1, 0, 0.3, 0.4], start: [0.1, -0.2, 0], end: [0, 0.3, -0.1] };
    // Member 2 in its own order (O, I, B): transitions[i][j] of its labels.
    const bInOwn = { transitions: [0.2, 0.6, 0, 0.4, 0.2, 0, 1, 1.2, -0.4], start: [0.3, 0, 0.6], end: [0.1, 0.1, 0.1] };
    const t = averageTables([a, bInOwn], orders, 3);
    // Member 2 in LABELS order: O→B = its O→B (index 0→2) = 0; B→I = its 2→1 = 1.2; ...
    const bInLabels = { transitions: [0.2, 0, 0.6, 1, -0.4, 1.2, 0.4, 0, 0.2], start: [0.3, 0.6, 0], end: [0.1, 0.1, 0.1] };
    const mean = (x: number[], y: number[]) => x.map((v, i) => (v + y[i]) / 2);
    [...t.transitions].forEach((v, i) => expect(v).toBeCloseTo(mean(a.transitions, bInLabels.transitions)[i], 6));
    [...t.start].forEach((v, i) => expect(v).toBeCloseTo(mean(a.start, bInLabels.start)[i], 6));
    [...t.end].forEach((v, i) => expect(v).toBeCloseTo(mean(a.end, bInLabels.end)[i], 6));

    const e1 = [1, 0.2, 0, 0.1, 0.5, 0.6, 0.4, 0, 0.9, 0.8, 0.1, 0.3];
    const e2own = [0.2, 0.3, 1, 0.5, 0.1, 0.9, 0.9, 0.4, 0.1, 0.1, 0.7, 0.2]; // O, I, B per token
    const em = averageColumns([e1, e2own], orders, 4, 3);
    const decoder = decoderCrf(3, BIO, t);
    try {
      const [path] = await decoder.decode(tensor(em, 4), [[1, 1, 1, 1]]);
      expect(path).toEqual(bruteForce([...em], t));
      // The average decides: member 1 alone decodes otherwise.
      const alone = decoderCrf(3, BIO, a);
      const [own] = await alone.decode(tensor(Float32Array.from(e1), 4), [[1, 1, 1, 1]]);
      alone.dispose();
      expect(own).not.toEqual(path);
    } finally {
      decoder.dispose();
    }
  });

  it('names the model whose labels differ', () => {
    expect(() => labelOrder(LABELS, ['O', 'B-LOC', 'I-LOC'], 'model 2 (b)', 'model 1 (a)')).toThrow(/model 2 \(b\) tags \["O","B-LOC","I-LOC"\], not the label set of model 1 \(a\)/);
    expect(() => labelOrder(LABELS, ['O', 'B-PER', 'B-PER'], 'model 2', 'model 1')).toThrow(/model 2/);
  });
});

function tensor(values: Float32Array, T: number): tf.Tensor3D {
  return tf.tensor3d(values, [1, T, 3]);
}

/** Every BIO-valid path of labels O, B-PER, I-PER scored as a CRF scores it; the best. */
function bruteForce(em: number[], t: { transitions: ArrayLike<number>; start: ArrayLike<number>; end: ArrayLike<number> }): number[] {
  const T = em.length / 3;
  let best: number[] = [];
  let top = -Infinity;
  for (let n = 0; n < 3 ** T; n++) {
    const p = Array.from({ length: T }, (_, i) => Math.floor(n / 3 ** i) % 3);
    if (p.some((k, i) => k === 2 && (i === 0 || p[i - 1] === 0))) continue; // I-PER only after B/I-PER
    let s = t.start[p[0]] + t.end[p[T - 1]];
    p.forEach((k, i) => (s += em[i * 3 + k] + (i > 0 ? t.transitions[p[i - 1] * 3 + k] : 0)));
    if (s > top) {
      top = s;
      best = p;
    }
  }
  return best;
}
