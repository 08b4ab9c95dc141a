import * as tf from '@tensorflow/tfjs-core';
import { glorotLimit, newVariable, type SeededRandom } from '@trimod/core';
import { dense } from '../ops/dense';
import { gatherRows, moveRows } from '../ops/gather-rows';
import { windowRows } from '../ops/windows';
import { registerContextEncoder, type ContextEncoder, type ContextInput } from './context-encoder';

/**
 * A word-level CNN with tanh (NCRF++ style): each token sees `wordWindow` (odd) tokens of its
 * post; outputDim = `hidden`. Weights `wordCnn/kernel`, `wordCnn/bias` (CharCnnEncoder's names).
 */
export class CnnContext implements ContextEncoder {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly inputDim: number,
    readonly outputDim: number,
    readonly window: number,
    rng: SeededRandom,
  ) {
    const fanIn = window * inputDim;
    this.kernel = newVariable(rng.uniformArray(fanIn * outputDim, glorotLimit(fanIn, outputDim)), [fanIn, outputDim]);
    this.bias = newVariable(null, [outputDim]);
  }

  apply({ x, lengths, mask }: ContextInput): tf.Tensor3D {
    const [B, T, D] = x.shape;
    return tf.tidy(() => {
      // Word windows [B·T, k·D]: padding and positions outside a post read a zero row.
      const table = tf.concat([tf.reshape(x, [B * T, D]), tf.zeros([1, D])], 0) as tf.Tensor2D;
      const windows = gatherRows(table, windowRows(lengths, T, this.window, B * T));
      const hidden = tf.tanh(dense(tf.reshape(windows, [B * T, this.window * D]), this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D)) as tf.Tensor2D;
      // Padded positions are dropped, so features are zero there.
      const keep = Int32Array.from(mask, (m, k) => (m ? k : -1));
      return tf.reshape(moveRows(hidden, keep, B * T), [B, T, this.outputDim]) as tf.Tensor3D;
    });
  }

  namedWeights(): Record<string, tf.Variable> {
    return { 'wordCnn/kernel': this.kernel, 'wordCnn/bias': this.bias };
  }

  getConfig() {
    return { hidden: this.outputDim, wordWindow: this.window };
  }
}

registerContextEncoder('cnn', (inputDim, read, rng) => {
  const window = read.int('wordWindow', 3, 1);
  if (window % 2 === 0) throw new Error(`${read.owner}: "wordWindow" must be odd, got ${window}`);
  return new CnnContext(inputDim, read.int('hidden', 200, 1), window, rng);
});
