import * as tf from '@tensorflow/tfjs-core';
import type { CaptionDecoder, ImageContext } from './decoder';
import type { StepDecoder } from './step-decoder';
import type { CaptionVocab } from './vocab';

/**
 * Several caption decoders trained apart (other seeds), decoding as one: at each step the
 * next-word distribution is the mean of the members' distributions (each at the temperature
 * asked for), the usual ensemble of captioning work. Members must share the vocabulary and the
 * region features; their sizes may differ.
 *
 * The members' keys, values and states are joined along their last axis, so the searches in
 * search.ts handle an ensemble exactly like one decoder (they only gather rows).
 */
export class DecoderEnsemble implements StepDecoder {
  readonly vocab: CaptionVocab;
  readonly config: { readonly regionDim: number; readonly maxWords: number };
  private readonly sizes: { keys: number[]; values: number[]; h: number[] };

  constructor(readonly members: CaptionDecoder[]) {
    if (members.length === 0) throw new Error('DecoderEnsemble: no decoders given');
    const [first, ...rest] = members;
    rest.forEach((m, i) => {
      const a = first.vocab.words;
      const b = m.vocab.words;
      if (a.length !== b.length || a.some((w, k) => w !== b[k])) {
        throw new Error(`DecoderEnsemble: decoder ${i + 2} has another vocabulary (${b.length} words) than decoder 1 (${a.length} words)`);
      }
      if (m.config.regionDim !== first.config.regionDim) {
        throw new Error(`DecoderEnsemble: decoder ${i + 2} reads ${m.config.regionDim}-d regions, decoder 1 ${first.config.regionDim}-d`);
      }
    });
    this.vocab = first.vocab;
    this.config = { regionDim: first.config.regionDim, maxWords: Math.max(...members.map((m) => m.config.maxWords)) };
    const s = members.map((m) => m.stateSizes);
    this.sizes = { keys: s.map((x) => x.keys), values: s.map((x) => x.values), h: s.map((x) => x.h) };
  }

  prepare(regions: tf.Tensor3D): ImageContext {
    return tf.tidy(() => {
      const parts = this.members.map((m) => m.prepare(regions));
      return {
        keys: tf.concat(parts.map((p) => p.keys), 2) as tf.Tensor3D,
        values: tf.concat(parts.map((p) => p.values), 2) as tf.Tensor3D,
        h0: tf.concat(parts.map((p) => p.h0), 1) as tf.Tensor2D,
      };
    });
  }

  nextScores(prev: tf.Tensor1D, h: tf.Tensor2D, keys: tf.Tensor3D, values: tf.Tensor3D, temperature = 1): { scores: tf.Tensor2D; h: tf.Tensor2D } {
    return tf.tidy(() => {
      const hs = tf.split(h, this.sizes.h, 1);
      const ks = tf.split(keys, this.sizes.keys, 2);
      const vs = tf.split(values, this.sizes.values, 2);
      const outs = this.members.map((m, i) => m.nextScores(prev, hs[i] as tf.Tensor2D, ks[i] as tf.Tensor3D, vs[i] as tf.Tensor3D, temperature));
      // log of the mean probability: logsumexp over members of log-softmax, minus log(n).
      const logps = tf.stack(outs.map((o) => tf.logSoftmax(o.scores)));
      const scores = tf.sub(tf.logSumExp(logps, 0), Math.log(this.members.length)) as tf.Tensor2D;
      return { scores, h: tf.concat(outs.map((o) => o.h), 1) as tf.Tensor2D };
    });
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}
