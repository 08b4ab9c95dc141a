import * as tf from '@tensorflow/tfjs-core';
import { preprocessImages } from '../image/preprocess';
import { CENTERNET_MAP_CHANNELS, type CenterNetDetector, type CenterNetFeatures } from '../objects/centernet';
import { COCO_LABELS } from '../objects/coco-labels';
import type { Detection } from '../objects/types';
import { stackRegions } from './stack';
import type { Backbone, PixelBackbone } from './types';

/**
 * The default captioning backbone: MobileNetV2's 7×7 regions, each joined with CenterNet's
 * features pooled over the same cell and with the image's COCO class scores (see
 * `stackRegions`). Each part resizes the decoded pixels to its own input, exactly as the
 * training caches did (training/captioner/scripts/cache-features.ts, cache-centernet.ts).
 */
export class StackedBackbone implements PixelBackbone {
  readonly featureDim: number;

  constructor(
    readonly grid: Backbone,
    readonly detector: CenterNetDetector,
  ) {
    this.featureDim = grid.featureDim + CENTERNET_MAP_CHANNELS + COCO_LABELS.length;
  }

  /** pixels: decoded images [H, W, 3] (0..255) → regions [B, R, D]. */
  regionsFromPixels(pixels: tf.Tensor3D[]): tf.Tensor3D {
    // The CenterNet graph takes one image at a time.
    return tf.tidy(() => this.stack(pixels, pixels.map((p) => this.detector.features(p))));
  }

  /**
   * Regions [B, R, D] and, per image, CenterNet's detections (as `detector.detect` gives them),
   * from one run of its graph per image. The caller disposes the regions.
   */
  async regionsAndDetections(pixels: tf.Tensor3D[]): Promise<{ regions: tf.Tensor3D; detections: Detection[][] }> {
    const { regions, raw } = tf.tidy(() => {
      const parts = pixels.map((p) => this.detector.featuresAndDetections(p));
      return { regions: this.stack(pixels, parts), raw: parts.map((p) => p.raw) };
    });
    try {
      return { regions, detections: await Promise.all(raw.map((r) => this.detector.detectionsFrom(r))) };
    } catch (err) {
      regions.dispose();
      throw err;
    } finally {
      tf.dispose(raw);
    }
  }

  private stack(pixels: tf.Tensor3D[], parts: CenterNetFeatures[]): tf.Tensor3D {
    const grid = this.grid.regions(preprocessImages(pixels, this.grid.inputSize, this.grid.inputRange));
    const map = tf.concat(parts.map((p) => p.map)) as tf.Tensor4D;
    const classes = tf.concat(parts.map((p) => p.classes)) as tf.Tensor2D;
    return stackRegions(grid, map, classes);
  }

  dispose(): void {
    this.grid.dispose?.();
    this.detector.dispose();
  }
}
