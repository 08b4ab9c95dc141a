import type { Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';

/**
 * Anything that turns a batch of preprocessed images into region features.
 * Users may pass their own (e.g. a ResNet) instead of the shipped MobileNetV2.
 */
export interface Backbone {
  /** Side of the square input the backbone expects (images are resized to it). */
  readonly inputSize: number;
  /** Pixel range the backbone expects: [0, 1] or [-1, 1]. */
  readonly inputRange: [number, number];
  /** D of the region features. */
  readonly featureDim: number;
  /** images: [B, S, S, 3] already scaled to `inputRange` → regions [B, R, D]. */
  regions(images: Tensor4D): Tensor3D;
  dispose?(): void;
}

/**
 * A backbone made of parts that each need the image at their own size and scale (such as
 * `StackedBackbone`): it takes the decoded pixels and preprocesses them itself.
 */
export interface PixelBackbone {
  /** D of the region features. */
  readonly featureDim: number;
  /** pixels: decoded images [H, W, 3] (0..255) → regions [B, R, D]. */
  regionsFromPixels(pixels: Tensor3D[]): Tensor3D;
  dispose?(): void;
}

export function takesPixels(b: Backbone | PixelBackbone): b is PixelBackbone {
  return typeof (b as PixelBackbone).regionsFromPixels === 'function';
}
