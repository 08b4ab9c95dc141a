import * as tf from '@tensorflow/tfjs-core';

/**
 * Pixel tensors [H, W, 3] (0..255, any size) → one batch [B, S, S, 3] scaled to `range`,
 * resized bilinearly with aligned corners (what nsfwjs does before its MobileNetV2).
 */
export function preprocessImages(pixels: tf.Tensor3D[], size: number, range: [number, number]): tf.Tensor4D {
  if (pixels.length === 0) throw new Error('preprocessImages: no images given');
  return tf.tidy(() => {
    const [lo, hi] = range;
    const each = pixels.map((p) => {
      const f = tf.cast(p, 'float32');
      const sized = p.shape[0] === size && p.shape[1] === size ? f : tf.image.resizeBilinear(f, [size, size], true);
      return tf.add(tf.mul(sized, (hi - lo) / 255), lo) as tf.Tensor3D;
    });
    return tf.stack(each) as tf.Tensor4D;
  });
}
