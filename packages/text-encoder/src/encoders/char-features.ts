import * as tf from '@tensorflow/tfjs-core';
import { glorotLimit, MAX_RECURRENT_SIZE, newVariable, type SeededRandom } from '@trimod/core';
import type { CharIds } from '../features/token-ids';
import { BiGru, type GruImplementation } from '../gru/bi-gru';
import { dense } from '../ops/dense';
import { gatherRows } from '../ops/gather-rows';
import { windowRowsByPosition } from '../ops/windows';
import type { ConfigReader } from './config-values';

export type CharChoice = 'bigru' | 'cnn';

/** How the token embedder turns each distinct token's characters into one vector. */
export interface CharFeatures {
  readonly outputDim: number;
  /**
   * Characters of U distinct tokens → [U, outputDim]. `table` is the character embedding
   * [C, Dc]; dropout (rate `dropout`, seeded) is applied in training only.
   */
  encode(table: tf.Tensor2D, chars: CharIds, opts: { training: boolean; dropout: number; seed: number; impl: GruImplementation }): tf.Tensor2D;
  namedWeights(): Record<string, tf.Variable>;
  getConfig(): Record<string, number>;
}

/** Final states of a character Bi-GRU (`charHidden` per direction), TextEncoder's `charGru/...`. */
export class CharBiGru implements CharFeatures {
  readonly outputDim: number;
  readonly gru: BiGru;

  constructor(charDim: number, read: ConfigReader, rng: SeededRandom) {
    this.gru = new BiGru('charGru', charDim, read.int('charHidden', 30, 1, MAX_RECURRENT_SIZE), rng);
    this.outputDim = 2 * this.gru.hidden;
  }

  encode(table: tf.Tensor2D, chars: CharIds, opts: { training: boolean; dropout: number; seed: number; impl: GruImplementation }): tf.Tensor2D {
    const U = chars.lengths.length;
    return tf.tidy(() => {
      // One character Bi-GRU run over every distinct token of the batch: [U, Lc, Dc] → [U, 2Hc].
      // Without dropout each step's input is a row of the character table, so the input
      // projection runs once per character of the vocabulary, not once per character slot.
      if (!(opts.training && opts.dropout > 0)) return this.gru.final({ table, index: chars.ids, shape: [U, chars.steps] }, chars.lengths, opts.impl);
      const emb = tf.reshape(gatherRows(table, chars.ids), [U, chars.steps, this.gru.inputDim]) as tf.Tensor3D;
      return this.gru.final(tf.dropout(emb, opts.dropout, undefined, opts.seed) as tf.Tensor3D, chars.lengths, opts.impl);
    });
  }

  namedWeights(): Record<string, tf.Variable> {
    return this.gru.namedWeights();
  }

  getConfig() {
    return { charHidden: this.gru.hidden };
  }
}

/** Max-pooled character CNN (`charFilters`, odd `charWindow`), CharCnnEncoder's `charCnn/...`. */
export class CharCnn implements CharFeatures {
  readonly outputDim: number;
  readonly window: number;
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly charDim: number,
    read: ConfigReader,
    rng: SeededRandom,
  ) {
    this.outputDim = read.int('charFilters', 50, 1);
    this.window = read.int('charWindow', 3, 1);
    if (this.window % 2 === 0) throw new Error(`${read.owner}: "charWindow" must be odd, got ${this.window}`);
    const fanIn = this.window * charDim;
    this.kernel = newVariable(rng.uniformArray(fanIn * this.outputDim, glorotLimit(fanIn, this.outputDim)), [fanIn, this.outputDim]);
    this.bias = newVariable(null, [this.outputDim]);
  }

  encode(table: tf.Tensor2D, chars: CharIds, opts: { training: boolean; dropout: number; seed: number }): tf.Tensor2D {
    const U = chars.lengths.length;
    const Lc = chars.steps;
    const F = this.outputDim;
    const C = table.shape[0];
    return tf.tidy(() => {
      // Character windows, position-major [Lc·U, kc·Dc], straight from ids; slots outside a
      // token read an extra zero row.
      const padded = tf.concat([table, tf.zeros([1, this.charDim])], 0) as tf.Tensor2D;
      const flatIds = windowRowsByPosition(chars.lengths, Lc, this.window, -1).map((row) => (row < 0 ? C : chars.ids[row]));
      let windows = gatherRows(padded, flatIds);
      // Dropout on the windowed character embeddings: each window slot gets its own mask.
      if (opts.training && opts.dropout > 0) windows = tf.dropout(windows, opts.dropout, undefined, opts.seed) as tf.Tensor2D;
      const conv = dense(tf.reshape(windows, [Lc * U, this.window * this.charDim]), this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D);
      // Max over each token's real positions: positions past a token's end get −1e9 (a
      // full-shape mask: tfjs-cpu broadcasts over middle axes one element at a time), then a
      // running maximum over the contiguous per-position blocks.
      const past = new Float32Array(Lc * U * F);
      for (let t = 0; t < Lc; t++) {
        for (let u = 0; u < U; u++) if (t >= chars.lengths[u]) past.fill(-1e9, (t * U + u) * F, (t * U + u + 1) * F);
      }
      const positions = tf.unstack(tf.reshape(tf.add(conv, tf.tensor2d(past, [Lc * U, F])), [Lc, U, F])) as tf.Tensor2D[];
      return positions.reduce((best, next) => tf.maximum(best, next));
    });
  }

  namedWeights(): Record<string, tf.Variable> {
    return { 'charCnn/kernel': this.kernel, 'charCnn/bias': this.bias };
  }

  getConfig() {
    return { charFilters: this.outputDim, charWindow: this.window };
  }
}
