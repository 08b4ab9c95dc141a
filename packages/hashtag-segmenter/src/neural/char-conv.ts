import * as tf from '@tensorflow/tfjs-core';

/**
 * The character embedding and a linear "same"-padded 1-D convolution over it, folded into one
 * matMul per time step: conv(t) = Σ_k onehot(c[t+k−half]) · E · W_k + b = window(t) · M + b
 * with M = [E·W_0; …; E·W_{K−1}] ([K·V, F]), window(t) the K one-hot vectors side by side.
 *
 * This needs only oneHot, matMul, concat and slices of small weights, so it trains on every
 * backend (wasm has neither a gather gradient nor Conv2DBackpropFilter), and each step's input
 * comes straight from JS, never sliced out of a large tensor (see lstm.ts for why).
 *
 * The convolution is linear (no activation) on purpose: then the LSTM's input projection folds
 * into it, and at inference each gate's input is a sum of K rows of one precomputed table
 * (see gateTables), which removes half of the network's multiply-adds.
 *
 * windows: T × [B, K] int32 character ids, −1 where the window runs past the text (a zero row).
 * embedding: [V, E]; kernel: [K·E, F] (rows ordered by offset, then channel); bias: [F].
 * Returns T × [B, F].
 */
export function embedAndConvolve(
  windows: tf.Tensor2D[],
  embedding: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
): tf.Tensor2D[] {
  const width = convWidth(embedding, kernel);
  const v = embedding.shape[0];
  const folded = foldedConv(embedding, kernel); // [K·V, F]
  return windows.map((window) => {
    const [b, kw] = window.shape;
    if (kw !== width) throw new Error(`embedAndConvolve: window width ${kw} does not match the kernel width ${width}`);
    const oneHot = tf.reshape(tf.oneHot(window, v), [b, width * v]) as tf.Tensor2D;
    return tf.add(tf.matMul(oneHot, folded), bias) as tf.Tensor2D;
  });
}

function convWidth(embedding: tf.Tensor2D, kernel: tf.Tensor2D): number {
  const e = embedding.shape[1];
  const width = kernel.shape[0] / e;
  if (!Number.isInteger(width) || width % 2 !== 1) {
    throw new Error(`char convolution: kernel rows ${kernel.shape[0]} are not an odd multiple of the embedding size ${e}`);
  }
  return width;
}

/** M = [E·W_0; …; E·W_{K−1}]: [K·V, F]. */
function foldedConv(embedding: tf.Tensor2D, kernel: tf.Tensor2D): tf.Tensor2D {
  const e = embedding.shape[1];
  const width = convWidth(embedding, kernel);
  const blocks: tf.Tensor2D[] = [];
  for (let k = 0; k < width; k++) blocks.push(tf.matMul(embedding, tf.slice(kernel, [k * e, 0], [e, kernel.shape[1]])));
  return tf.concat(blocks, 0) as tf.Tensor2D;
}

/**
 * Inference table for one LSTM direction: its input projection folded through the linear
 * convolution. The input of step t (all four gates, [4H]) is
 * bias + Σ_k table[(k·V + c[t+k−half]), :], table being [K·V, 4H] row-major.
 */
export interface GateTable {
  width: number;
  alphabet: number;
  hidden: number;
  table: Float32Array;
  bias: Float32Array;
}

export function gateTable(
  embedding: tf.Tensor2D,
  convKernel: tf.Tensor2D,
  convBias: tf.Tensor1D,
  lstmKernel: tf.Tensor2D,
  lstmBias: tf.Tensor1D,
): GateTable {
  const width = convWidth(embedding, convKernel);
  const [table, bias] = tf.tidy(() => [
    tf.matMul(foldedConv(embedding, convKernel), lstmKernel), // [K·V, 4H]
    tf.add(tf.matMul(tf.reshape(convBias, [1, -1]), lstmKernel), lstmBias), // [1, 4H]
  ]);
  const out: GateTable = {
    width,
    alphabet: embedding.shape[0],
    hidden: lstmKernel.shape[1] / 4,
    table: table.dataSync() as Float32Array,
    bias: bias.dataSync() as Float32Array,
  };
  tf.dispose([table, bias]);
  return out;
}

/**
 * The four gate inputs of step t for a batch, [B·H] each (gate order i, f, g, o):
 * ids is [B·T] right-padded (0 = padding).
 */
export function gateInputs(g: GateTable, ids: Int32Array, batchSize: number, length: number, t: number): Float32Array[] {
  const { width, alphabet, hidden, table, bias } = g;
  const h4 = 4 * hidden;
  const half = (width - 1) / 2;
  const out = [0, 1, 2, 3].map(() => new Float32Array(batchSize * hidden));
  const rows = new Int32Array(width);
  for (let b = 0; b < batchSize; b++) {
    let used = 0;
    for (let k = 0; k < width; k++) {
      const pos = t + k - half;
      if (pos < 0 || pos >= length) continue;
      const id = ids[b * length + pos];
      if (id !== 0) rows[used++] = (k * alphabet + id) * h4;
    }
    const o = b * hidden;
    // One pass per output element; the common cases (a full window of 3, or 2 at an edge)
    // are unrolled, which V8 runs several times faster than an inner loop over the rows.
    for (let gate = 0; gate < 4; gate++) {
      const dst = out[gate];
      const off = gate * hidden;
      if (used === 3) {
        const r0 = rows[0] + off;
        const r1 = rows[1] + off;
        const r2 = rows[2] + off;
        for (let x = 0; x < hidden; x++) dst[o + x] = bias[off + x] + table[r0 + x] + table[r1 + x] + table[r2 + x];
      } else if (used === 2) {
        const r0 = rows[0] + off;
        const r1 = rows[1] + off;
        for (let x = 0; x < hidden; x++) dst[o + x] = bias[off + x] + table[r0 + x] + table[r1 + x];
      } else {
        for (let x = 0; x < hidden; x++) {
          let v = bias[off + x];
          for (let u = 0; u < used; u++) v += table[rows[u] + off + x];
          dst[o + x] = v;
        }
      }
    }
  }
  return out;
}
