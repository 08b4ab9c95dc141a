import type * as tf from '@tensorflow/tfjs-core';

/** A box in image coordinates normalised to [0, 1]: [x, y, width, height]. */
export type Box = [number, number, number, number];

export interface Detection {
  label: string;
  score: number;
  box: Box;
}

/** A detected object with a feature pooled from the backbone regions under its box. */
export interface DetectedObject extends Detection {
  /** [D] mean of the region features whose grid cells the box covers. */
  feature: Float32Array;
}

/**
 * A pluggable object detector (e.g. a COCO detector). None is shipped: the CenterNet model
 * of @vladmandic/human needs @tensorflow/tfjs-converter at run time (see README).
 */
export interface ObjectDetector {
  /** pixels: [H, W, 3], 0..255. */
  detect(pixels: tf.Tensor3D): Promise<Detection[]>;
}
