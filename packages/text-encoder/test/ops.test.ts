import * as tf from '@tensorflow/tfjs-core';
import { dense } from '../src/ops/dense';
import { gatherRows, moveRows, permuteRows } from '../src/ops/gather-rows';
import { sequenceLayout } from '../src/gru/sequence-layout';
import { windowRows, windowRowsByPosition } from '../src/ops/windows';
import { maxAbsDiff, useCpuBackend } from './setup-backend';

beforeAll(useCpuBackend);

const x = () => tf.tensor2d([[1, 2], [3, 4], [5, 6]]);

describe('row ops with portable gradients', () => {
  it('moveRows places rows, drops −1 and zero-fills the rest; its gradient moves them back', () => {
    const input = x();
    const dest = Int32Array.from([3, -1, 0]);
    expect(moveRows(input, dest, 4).arraySync()).toEqual([[5, 6], [0, 0], [0, 0], [1, 2]]);
    const upstream = tf.tensor2d([[10, 11], [12, 13], [14, 15], [16, 17]]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(moveRows(t as tf.Tensor2D, dest, 4), upstream)))(input);
    expect(g.arraySync()).toEqual([[16, 17], [0, 0], [10, 11]]);
  });

  it('moveRows rejects a destination used twice', () => {
    expect(() => moveRows(x(), Int32Array.from([1, 1, 0]), 3)).toThrow('moveRows: destination 1 of row 1 is out of range or taken twice');
  });

  it('gatherRows sums the gradient of repeated rows (ScatterNd, no UnsortedSegmentSum)', () => {
    const input = x();
    const g = tf.grad((t: tf.Tensor) => tf.sum(gatherRows(t as tf.Tensor2D, Int32Array.from([2, 0, 2]))))(input);
    expect(g.arraySync()).toEqual([[1, 1], [0, 0], [2, 2]]);
  });

  it('permuteRows inverts its permutation in the gradient', () => {
    const input = x();
    const perm = Int32Array.from([2, 0, 1]);
    expect(permuteRows(input, perm).arraySync()).toEqual([[5, 6], [1, 2], [3, 4]]);
    const upstream = tf.tensor2d([[1, 0], [0, 1], [2, 2]]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(permuteRows(t as tf.Tensor2D, perm), upstream)))(input);
    expect(g.arraySync()).toEqual([[0, 1], [2, 2], [1, 0]]);
    expect(() => permuteRows(input, Int32Array.from([0, 0, 1]))).not.toThrow(); // checked lazily, on gradient
    expect(() => tf.grad((t: tf.Tensor) => tf.sum(permuteRows(t as tf.Tensor2D, Int32Array.from([0, 0, 1]))))(input)).toThrow(/not a permutation/);
  });

  it('dense matches x·W + b and tfjs’s own gradients', () => {
    const a = tf.tensor2d([[1, -2, 0.5], [0, 3, 1]]);
    const W = tf.tensor2d([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]);
    const b = tf.tensor1d([0.01, -0.02]);
    const up = tf.tensor2d([[1, 2], [-1, 0.5]]);
    const ours = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(dense(p as tf.Tensor2D, q as tf.Tensor2D, r as tf.Tensor1D), up)))([a, W, b]);
    const theirs = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(p, q), r), up)))([a, W, b]);
    ours.forEach((g, i) => expect(maxAbsDiff(g, theirs[i])).toBeLessThan(1e-6));
    expect(maxAbsDiff(dense(a, W, b), tf.add(tf.matMul(a, W), b))).toBeLessThan(1e-6);
  });
});

describe('index plans', () => {
  it('sequenceLayout sends each direction’s step to the right position and drops padded outputs', () => {
    // One sequence of length 2 padded to 3: forward reads positions 0, 1; backward 1, 0.
    const layout = sequenceLayout([2], 3);
    const rowOf = (n: number, s: number, d: number, g: number) => ((n * 3 + s) * 2 + d) * 3 + g;
    const recurrenceRow = (t: number, g: number, d: number) => (t * 3 + g) * 2 + d;
    expect(layout.inputDest[rowOf(0, 0, 0, 1)]).toBe(recurrenceRow(0, 1, 0));
    expect(layout.inputDest[rowOf(0, 1, 1, 2)]).toBe(recurrenceRow(0, 2, 1));
    expect(layout.inputDest[rowOf(0, 0, 1, 0)]).toBe(recurrenceRow(1, 0, 1));
    // Padding keeps its place after the real steps, in both directions.
    expect(layout.inputDest[rowOf(0, 2, 0, 0)]).toBe(recurrenceRow(2, 0, 0));
    expect(layout.inputDest[rowOf(0, 2, 1, 0)]).toBe(recurrenceRow(2, 0, 1));
    // Backward state after step 0 belongs to position 1.
    expect(layout.outputDest[(0 * 2 + 1) * 1 + 0]).toBe((0 * 3 + 1) * 2 + 1);
    expect(layout.outputDest[(2 * 2 + 0) * 1 + 0]).toBe(-1);
    expect(() => sequenceLayout([4], 3)).toThrow('sequenceLayout: length 4 of sequence 0 is outside 0..3');
  });

  it('windows read only real positions of their own sequence', () => {
    // Two sequences of lengths 2 and 1, padded to 2, window 3; outside → 99.
    expect(Array.from(windowRows([2, 1], 2, 3, 99))).toEqual([99, 0, 1, 0, 1, 99, 99, 2, 99, 2, 99, 99]);
    expect(Array.from(windowRowsByPosition([2, 1], 2, 3, 99))).toEqual([99, 0, 1, 99, 2, 99, 0, 1, 99, 2, 99, 99]);
    expect(() => windowRows([1], 1, 2, 0)).toThrow('window width must be odd');
  });
});
