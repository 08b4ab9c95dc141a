import type * as tf from '@tensorflow/tfjs-core';
import type { ImageContext } from './decoder';
import type { CaptionVocab } from './vocab';

/**
 * What greedy, beam and sampled decoding need from a caption model: a `CaptionDecoder`, or a
 * `DecoderEnsemble` of several. The state and context tensors are opaque to the search: it
 * only gathers their rows (axis 0) when beams are reordered.
 */
export interface StepDecoder {
  readonly vocab: CaptionVocab;
  readonly config: { readonly regionDim: number; readonly maxWords: number };
  /** regions [B, R, D] → per-image keys, values and first state. */
  prepare(regions: tf.Tensor3D): ImageContext;
  /** Previous words [N] and states → next-word scores [N, V] (log-probabilities up to a constant) and new states. */
  nextScores(prev: tf.Tensor1D, h: tf.Tensor2D, keys: tf.Tensor3D, values: tf.Tensor3D, temperature?: number): { scores: tf.Tensor2D; h: tf.Tensor2D };
}
