import * as tf from '@tensorflow/tfjs-core';

/**
 * Joins two views of an image into one region per grid cell, [B, side², D1 + D2 + C]:
 *
 * - `grid` [B, side², D1]: the main backbone's regions (MobileNetV2's 7×7);
 * - `map` [B, H, W, D2]: a second, finer feature map (CenterNet's COCO-trained MobileNetV3,
 *   16×16 at its 512-pixel input), average-pooled onto the same side × side grid with
 *   overlapping windows, so every cell sees the part of the image it covers;
 * - `classes` [B, C]: image-level scores (the best CenterNet heatmap score of each COCO class),
 *   repeated in every cell, so that attention over any cell also sees what the picture holds.
 *
 * Why: on Flickr8k dev a k-NN probe of caption words finds the NSFW-tuned MobileNetV2 weak on
 * scenes (snow, water) and objects (ball, bike), and the detector's features strong there; the
 * two together beat either alone. Training caches and run time both go through this function,
 * so their regions are the same numbers.
 */
export function stackRegions(grid: tf.Tensor3D, map: tf.Tensor4D, classes: tf.Tensor2D): tf.Tensor3D {
  const [b, r] = grid.shape;
  const side = Math.round(Math.sqrt(r));
  if (side * side !== r) throw new Error(`stackRegions: ${r} regions do not form a square grid`);
  const [mb, h, w] = map.shape;
  if (mb !== b || classes.shape[0] !== b) {
    throw new Error(`stackRegions: batch sizes differ (regions ${b}, map ${mb}, classes ${classes.shape[0]})`);
  }
  if (h < side || w < side) throw new Error(`stackRegions: a ${h}×${w} map cannot be pooled onto a ${side}×${side} grid`);
  return tf.tidy(() => {
    // Windows of `k` cells every `s` cells cover the map exactly: (side - 1) * s + k = H.
    const poolAxis = (n: number): [number, number] => {
      const s = Math.max(1, Math.floor(n / side));
      return [n - s * (side - 1), s];
    };
    const [kh, sh] = poolAxis(h);
    const [kw, sw] = poolAxis(w);
    const pooled = tf.avgPool(map, [kh, kw], [sh, sw], 'valid');
    const cells = tf.reshape(pooled, [b, r, map.shape[3]]);
    const perCell = tf.tile(tf.expandDims(classes, 1), [1, r, 1]);
    return tf.concat([grid, cells, perCell], 2) as tf.Tensor3D;
  });
}
