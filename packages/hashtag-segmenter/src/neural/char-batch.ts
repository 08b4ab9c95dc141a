import * as tf from '@tensorflow/tfjs-core';
import { encodeChars, PAD_ID } from '../alphabet';

/** Character ids of B texts, right-padded with PAD_ID to a common length T: ids is [B·T] row-major. */
export interface CharBatch {
  ids: Int32Array;
  batchSize: number;
  length: number;
}

/** Builds a batch from texts split into code points; T is the longest text unless given. */
export function charBatch(texts: readonly (readonly string[])[], length?: number): CharBatch {
  const t = length ?? texts.reduce((m, x) => Math.max(m, x.length), 0);
  const ids = new Int32Array(texts.length * t);
  texts.forEach((chars, i) => ids.set(encodeChars(chars, t), i * t));
  return { ids, batchSize: texts.length, length: t };
}

/**
 * Per-step inputs built in JS (see lstm.ts for why nothing is sliced out of a [B, T] tensor):
 * windows: T × [B, K] ids of characters t−half … t+half, −1 outside the text (padding included);
 * masks: T × [B, 1], 1 where step t is a real character. Windows are skipped unless asked for.
 */
export function stepInputs(
  batch: CharBatch,
  width: number,
  withWindows = true,
): { windows: tf.Tensor2D[]; masks: tf.Tensor2D[] } {
  const { ids, batchSize: b, length: t } = batch;
  const half = (width - 1) / 2;
  const windows: tf.Tensor2D[] = [];
  const masks: tf.Tensor2D[] = [];
  for (let step = 0; step < t; step++) {
    const win = new Int32Array(withWindows ? b * width : 0);
    const mask = new Float32Array(b);
    for (let row = 0; row < b; row++) {
      const base = row * t;
      mask[row] = ids[base + step] === PAD_ID ? 0 : 1;
      for (let k = 0; withWindows && k < width; k++) {
        const pos = step + k - half;
        const id = pos >= 0 && pos < t ? ids[base + pos] : PAD_ID;
        win[row * width + k] = id === PAD_ID ? -1 : id;
      }
    }
    if (withWindows) windows.push(tf.tensor2d(win, [b, width], 'int32'));
    masks.push(tf.tensor2d(mask, [b, 1]));
  }
  return { windows, masks };
}
