import * as tf from '@tensorflow/tfjs-core';
import { newVariable, registerClass, SeededRandom, type JsonObject, type ModalityEncoder, type TokenFeatures } from '@trimod/core';

/**
 * A fourth modality for the tests, written as a user would write one: each token's length
 * (1..8, longer clipped) as a learned embedding. One file, one registerClass line.
 */
export class TokenLengthEncoder implements ModalityEncoder<readonly (readonly string[])[], TokenFeatures> {
  readonly className = 'TokenLengthEncoder';
  readonly outputDim: number;
  private readonly table: tf.Variable;

  constructor(private readonly config: { dim: number; seed: number }) {
    this.outputDim = config.dim;
    this.table = newVariable(new SeededRandom(config.seed).uniformArray(9 * config.dim, 0.5), [9, config.dim]);
  }

  encode(batch: readonly (readonly string[])[]): TokenFeatures {
    const T = Math.max(1, ...batch.map((p) => p.length));
    const ids = batch.map((p) => Array.from({ length: T }, (_, i) => (i < p.length ? Math.min(8, p[i].length) : 0)));
    return tf.tidy(() => {
      const idx = tf.tensor2d(ids.flat(), [batch.length, T], 'int32');
      return { features: tf.gather(this.table, idx) as tf.Tensor3D, mask: tf.cast(tf.greater(idx, 0), 'float32') as tf.Tensor2D };
    });
  }

  trainableVariables(): tf.Variable[] {
    return [this.table];
  }

  namedWeights(): Record<string, tf.Variable> {
    return { table: this.table };
  }

  getConfig(): JsonObject {
    return { ...this.config };
  }
}

registerClass('TokenLengthEncoder', (config) => new TokenLengthEncoder(config as unknown as { dim: number; seed: number }));
