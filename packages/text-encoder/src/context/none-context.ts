import * as tf from '@tensorflow/tfjs-core';
import { registerContextEncoder, type ContextEncoder, type ContextInput } from './context-encoder';

/** Keeps a token's own features only (outputDim = inputDim), zero on padding: the embedder alone. */
export class NoContext implements ContextEncoder {
  constructor(readonly outputDim: number) {}

  apply({ x, mask }: ContextInput): tf.Tensor3D {
    const [B, T] = x.shape;
    return tf.tidy(() => tf.mul(x, tf.tensor3d(mask, [B, T, 1])) as tf.Tensor3D);
  }

  namedWeights(): Record<string, tf.Variable> {
    return {};
  }

  getConfig() {
    return {};
  }
}

registerContextEncoder('none', (inputDim) => new NoContext(inputDim));
