import * as tf from '@tensorflow/tfjs-core';
import type { BiGru } from './bi-gru';

/**
 * A deliberately plain Bi-GRU, written as the textbook loop: one matMul per gate per step, the
 * backward direction walking t = L−1 … 0 and carrying its state over padding with the mask.
 * It shares nothing with the fast path but the weights, so tests and the benchmark use it to
 * check the fast path's numbers (and its handling of padding) independently.
 *
 * x [N, L, Din], lengths → { outputs [N, L, 2H] (zero on padding), final [N, 2H] }.
 */
export function referenceBiGru(gru: BiGru, x: tf.Tensor3D, lengths: ArrayLike<number>): { outputs: tf.Tensor3D; final: tf.Tensor2D } {
  const [N, L] = x.shape;
  const H = gru.hidden;
  return tf.tidy(() => {
    const maskValues = new Float32Array(N * L);
    for (let n = 0; n < N; n++) for (let t = 0; t < lengths[n]; t++) maskValues[n * L + t] = 1;
    const mask = tf.tensor2d(maskValues, [N, L]);
    const steps = tf.unstack(x, 1) as tf.Tensor2D[];
    const masks = tf.unstack(tf.expandDims(mask, 2), 1) as tf.Tensor2D[];
    const directionOutputs: tf.Tensor3D[] = [];
    const finals: tf.Tensor2D[] = [];
    for (let d = 0; d < 2; d++) {
      const col = (gate: number) => (d * 3 + gate) * H;
      const W = [0, 1, 2].map((g) => tf.slice(gru.kernel, [0, col(g)], [-1, H]));
      const b = [0, 1, 2].map((g) => tf.slice(gru.bias, [col(g)], [H]));
      const U = [0, 1, 2].map((g) => tf.reshape(tf.slice(gru.recurrentKernel, [g, d, 0, 0], [1, 1, H, H]), [H, H]));
      const bn = tf.reshape(tf.slice(gru.recurrentBias, [d, 0], [1, H]), [H]);
      let h: tf.Tensor2D = tf.zeros([N, H]);
      const outputs: tf.Tensor2D[] = new Array(L);
      for (let i = 0; i < L; i++) {
        const t = d === 0 ? i : L - 1 - i;
        const xt = steps[t];
        const m = masks[t];
        const z = tf.sigmoid(tf.add(tf.add(tf.matMul(xt, W[0]), b[0]), tf.matMul(h, U[0])));
        const r = tf.sigmoid(tf.add(tf.add(tf.matMul(xt, W[1]), b[1]), tf.matMul(h, U[1])));
        const n = tf.tanh(tf.add(tf.add(tf.matMul(xt, W[2]), b[2]), tf.mul(r, tf.add(tf.matMul(h, U[2]), bn))));
        const hNew = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
        outputs[t] = tf.mul(m, hNew) as tf.Tensor2D;
        // Padding leaves the state as it was.
        h = tf.add(tf.mul(m, hNew), tf.mul(tf.sub(1, m), h)) as tf.Tensor2D;
      }
      directionOutputs.push(tf.stack(outputs, 1) as tf.Tensor3D);
      finals.push(h);
    }
    return {
      outputs: tf.concat(directionOutputs, 2) as tf.Tensor3D,
      final: tf.concat(finals, 1) as tf.Tensor2D,
    };
  });
}
