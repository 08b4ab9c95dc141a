import * as tf from '@tensorflow/tfjs-core';
import type * as tfconv from '@tensorflow/tfjs-converter';
import { isNode } from '@trimod/core';
import { COCO_LABELS } from './coco-labels';
import type { Box, Detection, ObjectDetector } from './types';

type Converter = typeof tfconv;

export interface CenterNetOptions {
  /** Folder (Node) or URL holding centernet.json + centernet.bin (default: the package's weights/centernet). */
  location: string;
  /** Detections below this score are dropped. Default 0.2. */
  minScore?: number;
  /** Boxes overlapping a better one by more than this IoU are dropped. Default 0.4. */
  iouThreshold?: number;
  maxDetections?: number;
  /** How to load @tensorflow/tfjs-converter (tests replace it). */
  importConverter?: () => Promise<Converter>;
}

const INPUT = 512;
const OUTPUT = 'tower_0/detections';
/** The backbone's stride-32 feature map (16×16×480 at 512 pixels), before the detection head. */
const FEATURE_MAP = 'tower_0/extern1/hard_swish/mul_1';
/** Channels of that feature map. */
export const CENTERNET_MAP_CHANNELS = 480;
/** Per-class centre heatmaps, 128×128×80. */
const HEATMAP = 'tower_0/keypoints';

/** What CenterNet gives the captioning backbone for one image (see `CenterNetDetector.features`). */
export interface CenterNetFeatures {
  /** [1, 16, 16, 480] stride-32 feature map. */
  map: tf.Tensor4D;
  /** [1, 80] each COCO class's best heatmap score. */
  classes: tf.Tensor2D;
}

async function defaultImport(): Promise<Converter> {
  return import('@tensorflow/tfjs-converter');
}


/**
 * COCO objects from the CenterNet graph model of @vladmandic/human. Needs
 * @tensorflow/tfjs-converter at run time, which is therefore loaded only here: users who
 * never ask for objects never download it.
 */
export class CenterNetDetector implements ObjectDetector {
  private disposed = false;

  private constructor(
    private readonly model: tfconv.GraphModel,
    private readonly opts: Required<Omit<CenterNetOptions, 'importConverter' | 'location'>>,
  ) {}

  static async load(options: CenterNetOptions): Promise<CenterNetDetector> {
    let converter: Converter;
    try {
      converter = await (options.importConverter ?? defaultImport)();
    } catch (err) {
      throw new Error(
        `object detection needs @tensorflow/tfjs-converter, which is not installed (${(err as Error).message.split('\n')[0]}). ` +
          'Install it with `npm install @tensorflow/tfjs-converter@4.22.0`, or describe images without objects.',
      );
    }
    const base = options.location.endsWith('/') ? options.location : `${options.location}/`;
    let model: tfconv.GraphModel;
    if (isNode() && !/^https?:/i.test(base)) {
      const fs = await import('node:fs/promises');
      let json: { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
      let bin: Buffer;
      try {
        json = JSON.parse(await fs.readFile(`${base}centernet.json`, 'utf8'));
        bin = await fs.readFile(`${base}centernet.bin`);
      } catch (err) {
        throw new Error(`cannot read the CenterNet model from ${base}: ${(err as Error).message}`);
      }
      const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
      model = await converter.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
    } else {
      model = await converter.loadGraphModel(`${base}centernet.json`);
    }
    return new CenterNetDetector(model, {
      minScore: options.minScore ?? 0.2,
      iouThreshold: options.iouThreshold ?? 0.4,
      maxDetections: options.maxDetections ?? 20,
    });
  }

  /**
   * What the detector sees in one image, for captioning: its feature map [1, 16, 16, 480] and
   * each COCO class's best heatmap score [1, 80]. The caller disposes both.
   */
  features(pixels: tf.Tensor3D): CenterNetFeatures {
    return tf.tidy(() => {
      const [map, heat] = this.model.execute(this.input(pixels), [FEATURE_MAP, HEATMAP]) as tf.Tensor4D[];
      return { map, classes: tf.max(heat, [1, 2]) as tf.Tensor2D };
    });
  }

  /**
   * `features` and the raw detections [100, 6] from one run of the graph: a captioner that
   * wants both its regions and the objects needs CenterNet only once per image. Turn the raw
   * detections into objects with `detectionsFrom`; the caller disposes all three tensors.
   */
  featuresAndDetections(pixels: tf.Tensor3D): CenterNetFeatures & { raw: tf.Tensor2D } {
    return tf.tidy(() => {
      const [map, heat, out] = this.model.execute(this.input(pixels), [FEATURE_MAP, HEATMAP, OUTPUT]) as tf.Tensor4D[];
      return { map, classes: tf.max(heat, [1, 2]) as tf.Tensor2D, raw: tf.squeeze(out, [0]) as tf.Tensor2D };
    });
  }

  /** pixels [H, W, 3] (0..255) → [1, 512, 512, 3] float, as the graph takes them. */
  private input(pixels: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => tf.expandDims(tf.image.resizeBilinear(tf.cast(pixels, 'float32'), [INPUT, INPUT]), 0));
  }

  /** pixels [H, W, 3] (0..255) → detections with boxes normalised to [0, 1], best first. */
  async detect(pixels: tf.Tensor3D): Promise<Detection[]> {
    const raw = tf.tidy(() => tf.squeeze(this.model.execute(this.input(pixels), [OUTPUT]) as tf.Tensor, [0]) as tf.Tensor2D);
    try {
      return await this.detectionsFrom(raw);
    } finally {
      raw.dispose();
    }
  }

  /**
   * The graph's raw detections [100, 6] (x1, y1, x2, y2 in input pixels, score, class) →
   * detections above `minScore` after non-maximum suppression, boxes normalised to [0, 1],
   * best first. Leaves `raw` to the caller.
   */
  async detectionsFrom(raw: tf.Tensor2D): Promise<Detection[]> {
    const rows = (await raw.array()) as number[][];
    const boxes = tf.tensor2d(rows.map(([x1, y1, x2, y2]) => [y1, x1, y2, x2]), [rows.length, 4]);
    const scores = tf.tensor1d(rows.map((r) => r[4]));
    const keep = await tf.image.nonMaxSuppressionAsync(boxes, scores, this.opts.maxDetections, this.opts.iouThreshold, this.opts.minScore);
    const ids = Array.from(await keep.data());
    tf.dispose([boxes, scores, keep]);
    const out: Detection[] = [];
    for (const i of ids) {
      const [x1, y1, x2, y2, score, cls] = rows[i];
      const label = COCO_LABELS[Math.round(cls)];
      if (label === undefined) continue;
      const clip = (v: number) => Math.min(1, Math.max(0, v / INPUT));
      const box: Box = [clip(x1), clip(y1), clip(x2) - clip(x1), clip(y2) - clip(y1)];
      out.push({ label, score, box });
    }
    return out.sort((a, b) => b.score - a.score);
  }

  dispose(): void {
    // Idempotent: a StackedBackbone and the Captioner may both hold this detector.
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}

/** A detector that loads CenterNet on its first use. */
export function lazyCenterNet(options: CenterNetOptions): ObjectDetector & { dispose(): void } {
  let loading: Promise<CenterNetDetector> | null = null;
  let loaded: CenterNetDetector | null = null;
  return {
    async detect(pixels: tf.Tensor3D): Promise<Detection[]> {
      if (loading === null) loading = CenterNetDetector.load(options).then((d) => (loaded = d));
      return (await loading).detect(pixels);
    },
    dispose(): void {
      loaded?.dispose();
    },
  };
}
