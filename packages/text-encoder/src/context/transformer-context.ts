import * as tf from '@tensorflow/tfjs-core';
import { glorotLimit, newVariable, type SeededRandom } from '@trimod/core';
import { dense } from '../ops/dense';
import { registerContextEncoder, type ContextEncoder, type ContextInput } from './context-encoder';

export interface TransformerSettings {
  /** Model width = outputDim (default 128). */
  dim: number;
  /** Attention heads; must divide dim (default 4). */
  heads: number;
  /** Encoder layers, 1–4 (default 2). */
  layers: number;
  /** Inner size of the feed-forward block (default 2·dim). */
  ffn: number;
}

/**
 * The longest post the Transformer context takes, in tokens: attention keeps B × heads × T × T
 * scores, so memory grows with the square of the length (2,048 tokens at 4 heads is 64 MB of
 * scores per post and layer). Longer posts are refused by name instead of failing inside wasm.
 */
export const MAX_TRANSFORMER_TOKENS = 2048;

/** Added to the attention score of a padded key: exp(−1e9) is exactly 0 in float32. */
const MASKED = -1e9;

/**
 * A small Transformer encoder over the tokens of each post: a dense projection to `dim` plus
 * sinusoidal positions (no weights, so any post length works), then `layers` × [multi-head
 * self-attention → residual + layer norm → feed-forward (ReLU) → residual + layer norm]
 * (post-norm, as in Vaswani et al.). Padded tokens are masked out as keys, so padding never
 * changes a real token's output; outputs are zero on padding.
 */
export class TransformerContext implements ContextEncoder {
  readonly outputDim: number;
  private readonly weights: Record<string, tf.Variable> = {};

  constructor(
    readonly inputDim: number,
    readonly settings: TransformerSettings,
    rng: SeededRandom,
  ) {
    const { dim, ffn, layers } = settings;
    this.outputDim = dim;
    this.addDense('transformer/input', inputDim, dim, rng);
    for (let l = 0; l < layers; l++) {
      for (const part of ['query', 'key', 'value', 'output']) this.addDense(`transformer/${l}/${part}`, dim, dim, rng);
      this.addNorm(`transformer/${l}/attentionNorm`, dim);
      this.addDense(`transformer/${l}/ffnInner`, dim, ffn, rng);
      this.addDense(`transformer/${l}/ffnOuter`, ffn, dim, rng);
      this.addNorm(`transformer/${l}/ffnNorm`, dim);
    }
  }

  private addDense(name: string, fanIn: number, fanOut: number, rng: SeededRandom): void {
    this.weights[`${name}/kernel`] = newVariable(rng.uniformArray(fanIn * fanOut, glorotLimit(fanIn, fanOut)), [fanIn, fanOut]);
    this.weights[`${name}/bias`] = newVariable(null, [fanOut]);
  }

  private addNorm(name: string, dim: number): void {
    this.weights[`${name}/gamma`] = newVariable(new Float32Array(dim).fill(1), [dim]);
    this.weights[`${name}/beta`] = newVariable(null, [dim]);
  }

  private dense(name: string, x: tf.Tensor2D): tf.Tensor2D {
    return dense(x, this.weights[`${name}/kernel`] as tf.Tensor2D, this.weights[`${name}/bias`] as tf.Tensor1D);
  }

  /** Layer norm over features of rows [R, D]. */
  private norm(name: string, x: tf.Tensor2D): tf.Tensor2D {
    const mean = tf.mean(x, 1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), 1, true);
    const normed = tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5)));
    return tf.add(tf.mul(normed, this.weights[`${name}/gamma`]), this.weights[`${name}/beta`]) as tf.Tensor2D;
  }

  apply({ x, mask }: ContextInput): tf.Tensor3D {
    const [B, T, D] = x.shape;
    if (D !== this.inputDim) throw new Error(`TransformerContext: input has ${D} features per token, expected ${this.inputDim}`);
    if (T > MAX_TRANSFORMER_TOKENS) {
      throw new RangeError(`TransformerContext: a post of ${T} tokens is past the Transformer context's limit of ${MAX_TRANSFORMER_TOKENS} (its memory grows with the square of the length); split the post, or use a model with the bigru context`);
    }
    const { dim, heads, layers } = this.settings;
    const dk = dim / heads;
    return tf.tidy(() => {
      let h = tf.add(this.dense('transformer/input', tf.reshape(x, [B * T, D])), tf.tensor2d(positionTable(B, T, dim), [B * T, dim])) as tf.Tensor2D;
      // Full-shape key mask [B·heads, T, T] (tfjs-cpu broadcasts over middle axes slowly).
      const keyBias = tf.tensor3d(keyMask(mask, B, T, heads), [B * heads, T, T]);
      const splitHeads = (rows: tf.Tensor2D) => tf.reshape(tf.transpose(tf.reshape(rows, [B, T, heads, dk]), [0, 2, 1, 3]), [B * heads, T, dk]) as tf.Tensor3D;
      for (let l = 0; l < layers; l++) {
        const q = splitHeads(tf.mul(this.dense(`transformer/${l}/query`, h), 1 / Math.sqrt(dk)));
        const k = splitHeads(this.dense(`transformer/${l}/key`, h));
        const v = splitHeads(this.dense(`transformer/${l}/value`, h));
        const weights = tf.softmax(tf.add(tf.matMul(q, k, false, true), keyBias)) as tf.Tensor3D;
        const attended = tf.reshape(tf.transpose(tf.reshape(tf.matMul(weights, v), [B, heads, T, dk]), [0, 2, 1, 3]), [B * T, dim]) as tf.Tensor2D;
        h = this.norm(`transformer/${l}/attentionNorm`, tf.add(h, this.dense(`transformer/${l}/output`, attended)));
        const inner = tf.relu(this.dense(`transformer/${l}/ffnInner`, h));
        h = this.norm(`transformer/${l}/ffnNorm`, tf.add(h, this.dense(`transformer/${l}/ffnOuter`, inner)));
      }
      return tf.reshape(tf.mul(h, tf.tensor2d(mask, [B * T, 1])), [B, T, dim]) as tf.Tensor3D;
    });
  }

  namedWeights(): Record<string, tf.Variable> {
    return { ...this.weights };
  }

  getConfig() {
    const { dim, heads, layers, ffn } = this.settings;
    return { transformerDim: dim, transformerHeads: heads, transformerLayers: layers, transformerFfn: ffn };
  }
}

/** Sinusoidal position encodings (Vaswani et al.) for B posts of T positions, rows [B·T, dim]. */
export function positionTable(B: number, T: number, dim: number): Float32Array {
  const table = new Float32Array(B * T * dim);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < dim; i++) {
      const angle = t / Math.pow(10000, (2 * Math.floor(i / 2)) / dim);
      table[t * dim + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  for (let b = 1; b < B; b++) table.copyWithin(b * T * dim, 0, T * dim);
  return table;
}

/** Additive attention mask [B·heads, T, T]: MASKED where the key is padding, else 0. */
function keyMask(mask: Float32Array, B: number, T: number, heads: number): Float32Array {
  const out = new Float32Array(B * heads * T * T);
  for (let b = 0; b < B; b++) {
    const row = new Float32Array(T);
    for (let t = 0; t < T; t++) row[t] = mask[b * T + t] ? 0 : MASKED;
    for (let r = 0; r < heads * T; r++) out.set(row, (b * heads * T + r) * T);
  }
  return out;
}

registerContextEncoder('transformer', (inputDim, read, rng) => {
  const dim = read.int('transformerDim', 128, 1);
  const heads = read.int('transformerHeads', 4, 1);
  if (dim % heads !== 0) throw new Error(`${read.owner}: "transformerHeads" (${heads}) must divide "transformerDim" (${dim})`);
  const layers = read.int('transformerLayers', 2, 1, 4);
  const ffn = read.int('transformerFfn', 2 * dim, 1);
  return new TransformerContext(inputDim, { dim, heads, layers, ffn }, rng);
});
