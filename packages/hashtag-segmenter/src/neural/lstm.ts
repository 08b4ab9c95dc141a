import * as tf from '@tensorflow/tfjs-core';
import { tanh } from './fast-ops';

/** Weights of one LSTM direction. Gate order in the 4H axis: input, forget, cell, output. */
export interface LstmWeights {
  /** [F, 4H] */
  kernel: tf.Tensor2D;
  /** [H, 4H] */
  recurrent: tf.Tensor2D;
  /** [4H] */
  bias: tf.Tensor1D;
}

/**
 * Runs one LSTM direction over time-major inputs given as one tensor per step.
 *
 * inputs: T × [B, F]; masks: T × [B, 1] (1 = real character). Returns T × [B, H].
 *
 * Why one tensor per step rather than one [B, T, F] tensor: tfjs-backend-wasm's Slice (and so
 * unstack and split) copies the whole input tensor for every slice taken, so cutting T steps
 * out of a [B, T, ·] tensor costs O(T²) and dominated the run time (measured: 1 s of a 1.2 s
 * forward pass for B = 512, T = 16). The caller builds per-step inputs directly instead.
 *
 * The cell gate uses 2·sigmoid(z) − 1 (= tanh(z/2), a reparametrisation of the usual tanh) so
 * one sigmoid covers all four gates.
 *
 * Going backwards the run starts on the padding, so the state is multiplied by the mask at each
 * step: it stays exactly zero until the last real character, which makes the output at real
 * positions independent of how much padding a batch has. Going forwards padding comes after
 * every real character and cannot influence it.
 */
export function lstm(inputs: tf.Tensor2D[], masks: tf.Tensor2D[], w: LstmWeights, reverse: boolean): tf.Tensor2D[] {
  const t = inputs.length;
  if (t === 0) return [];
  const b = inputs[0].shape[0];
  const hidden = w.recurrent.shape[0];
  // One [F + H, H] matrix and [H] bias per gate, cut from the stored weights once per call:
  // splitting a per-step [B, 4H] pre-activation instead costs a full copy of it per gate on
  // wasm (see above), more than four smaller matMuls.
  const gates = [0, 1, 2, 3].map((g) => ({
    kernel: tf.concat([columns(w.kernel, g, hidden), columns(w.recurrent, g, hidden)], 0),
    bias: tf.slice(w.bias, [g * hidden], [hidden]),
  }));
  let h: tf.Tensor2D = tf.zeros([b, hidden]);
  let c: tf.Tensor2D = tf.zeros([b, hidden]);
  const outputs: tf.Tensor2D[] = new Array(t);
  for (let k = 0; k < t; k++) {
    const step = reverse ? t - 1 - k : k;
    const xh = tf.concat([inputs[step], h], 1);
    ({ h, c } = cellUpdate(gates.map((gate) => tf.sigmoid(tf.add(tf.matMul(xh, gate.kernel), gate.bias))), c, reverse ? masks[step] : null));
    outputs[step] = h;
  }
  return outputs;
}

/**
 * One LSTM cell update from the four sigmoid-activated gates (the candidate enters as 2σ − 1, see lstm()).
 * A mask (backward direction) zeroes state past each sequence's end, so the reverse pass starts
 * fresh at each real end.
 */
function cellUpdate([i, f, g, o]: tf.Tensor[], cPrev: tf.Tensor2D, mask: tf.Tensor2D | null): { h: tf.Tensor2D; c: tf.Tensor2D } {
  let c: tf.Tensor2D = tf.add(tf.mul(f, cPrev), tf.mul(i, tf.sub(tf.mul(g, 2), 1)));
  let h: tf.Tensor2D = tf.mul(o, tanh(c));
  if (mask) {
    c = tf.mul(c, mask);
    h = tf.mul(h, mask);
  }
  return { h, c };
}

/** Columns [g·H, (g+1)·H) of a [·, 4H] matrix. */
function columns(m: tf.Tensor2D, gate: number, hidden: number): tf.Tensor2D {
  return tf.slice(m, [0, gate * hidden], [m.shape[0], hidden]);
}

/**
 * The same LSTM for inference, given each step's four gate inputs (x·W + b, computed in JS from
 * the folded tables of char-conv.ts) as separate [B, H] tensors: per step only h·U remains.
 * gateInputs: T × 4 × [B, H]; recurrent: 4 × [H, H] (one per gate). Returns T × [B, H].
 */
export function lstmFromGateInputs(gateInputs: tf.Tensor2D[][], masks: tf.Tensor2D[], recurrent: tf.Tensor2D[], reverse: boolean): tf.Tensor2D[] {
  const t = gateInputs.length;
  if (t === 0) return [];
  const [b, hidden] = gateInputs[0][0].shape;
  let h: tf.Tensor2D = tf.zeros([b, hidden]);
  let c: tf.Tensor2D = tf.zeros([b, hidden]);
  const outputs: tf.Tensor2D[] = new Array(t);
  for (let k = 0; k < t; k++) {
    const step = reverse ? t - 1 - k : k;
    const hPrev = h;
    ({ h, c } = cellUpdate(gateInputs[step].map((x, gate) => tf.sigmoid(tf.add(x, tf.matMul(hPrev, recurrent[gate])))), c, reverse ? masks[step] : null));
    outputs[step] = h;
  }
  return outputs;
}
