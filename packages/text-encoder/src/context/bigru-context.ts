import * as tf from '@tensorflow/tfjs-core';
import { MAX_RECURRENT_SIZE } from '@trimod/core';
import { BiGru } from '../gru/bi-gru';
import { registerContextEncoder, type ContextEncoder, type ContextInput } from './context-encoder';

/**
 * The method's context encoder: a word Bi-GRU, `wordHidden` units per direction (default 150),
 * outputDim = 2·wordHidden. Its weights keep the names TextEncoder always saved (`wordGru/...`).
 */
export class BiGruContext implements ContextEncoder {
  readonly outputDim: number;

  constructor(readonly gru: BiGru) {
    this.outputDim = 2 * gru.hidden;
  }

  apply(input: ContextInput): tf.Tensor3D {
    // Rows when the embedder gave them: reading input.x would gather them for nothing.
    return this.gru.apply(input.rows ?? input.x, input.lengths, input.impl);
  }

  namedWeights(): Record<string, tf.Variable> {
    return this.gru.namedWeights();
  }

  getConfig() {
    return { wordHidden: this.gru.hidden };
  }
}

registerContextEncoder('bigru', (inputDim, read, rng) => new BiGruContext(new BiGru('wordGru', inputDim, read.int('wordHidden', 150, 1, MAX_RECURRENT_SIZE), rng)));
