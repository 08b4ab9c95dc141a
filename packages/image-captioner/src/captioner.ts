import * as tf from '@tensorflow/tfjs-core';
import { MobileNetV2Backbone } from './backbone/mobilenet';
import { StackedBackbone } from './backbone/stacked';
import { takesPixels, type Backbone, type PixelBackbone } from './backbone/types';
import type { CaptionDecoder } from './decoder/decoder';
import { DecoderEnsemble } from './decoder/ensemble';
import { loadCaptionModel, type BackboneKind } from './decoder/io';
import type { StepDecoder } from './decoder/step-decoder';
import { beamSearch, greedyDecode, type Hypothesis } from './decoder/search';
import { toPixels, type ImageInput } from './image/input';
import { preprocessImages } from './image/preprocess';
import { CenterNetDetector, lazyCenterNet } from './objects/centernet';
import { topObjects, type RegionFeatures } from './objects/pool';
import type { DetectedObject, Detection, ObjectDetector } from './objects/types';
import { defaultWeightsRoot } from './paths';

export interface CaptionerOptions {
  /**
   * Beam width for captions; 1 is greedy decoding. Default: what the decoder's model.json
   * recommends (`decoding.beamWidth`), else 3.
   */
  beamWidth?: number;
  /** Objects kept per image (the k most confident). Default 5. */
  topObjects?: number;
  /** Object detector; without one, `objects` is empty. */
  detector?: ObjectDetector;
}

export interface LoadCaptionerOptions extends CaptionerOptions {
  /**
   * Folder (Node) or URL holding `backbone/` and `decoder/` as shipped in this package's
   * `weights/`. Defaults to the package's own folder in Node.
   */
  weights?: string;
  /** Your own backbone instead of the shipped one (then pass a decoder trained on its regions). */
  backbone?: Backbone | PixelBackbone;
  /** Your own decoder, or several trained apart (a `DecoderEnsemble`). */
  decoder?: CaptionDecoder | DecoderEnsemble;
  /**
   * Detect COCO objects with the shipped CenterNet (loaded on first use; needs
   * @tensorflow/tfjs-converter installed). Ignored when `detector` is given.
   */
  objects?: boolean;
  onProgress?: (what: string) => void;
}

export interface Description {
  caption: string;
  /** Log-probability of the caption under the decoder. */
  logProb: number;
  objects: DetectedObject[];
  /** The backbone's region features [R, D], on the host. */
  regions: RegionFeatures;
}

/** Backbone + caption decoder (+ optional detector): images in, captions and features out. */
export class Captioner {
  /** The (first) caption decoder: its word embeddings serve `VisualEncoder.fromDecoder`. */
  readonly decoder: CaptionDecoder;
  /** What writes the captions: the decoder, or the ensemble it belongs to. */
  readonly captionModel: StepDecoder;

  constructor(
    readonly backbone: Backbone | PixelBackbone,
    decoder: CaptionDecoder | DecoderEnsemble,
    readonly options: CaptionerOptions = {},
  ) {
    this.decoder = decoder instanceof DecoderEnsemble ? decoder.members[0] : decoder;
    this.captionModel = decoder;
    if (backbone.featureDim !== decoder.config.regionDim) {
      throw new Error(`Captioner: backbone gives ${backbone.featureDim}-d regions but the decoder expects ${decoder.config.regionDim}-d`);
    }
  }

  /** The beam width describe() uses: the chosen one, else 3. */
  get beamWidth(): number {
    return this.options.beamWidth ?? 3;
  }

  /** Region features [B, R, D] of some images (the caller disposes the tensor). */
  async regions(images: ImageInput[], names?: string[]): Promise<tf.Tensor3D> {
    const pixels = await this.decodeAll(images, names);
    try {
      return this.regionsOf(pixels);
    } finally {
      tf.dispose(pixels);
    }
  }

  /** Caption, objects and regions of one image. */
  async describe(image: ImageInput, name?: string): Promise<Description> {
    return (await this.describeAll([image], name === undefined ? undefined : [name]))[0];
  }

  /** Captions, objects and regions of several images (one backbone batch). */
  async describeAll(images: ImageInput[], names?: string[]): Promise<Description[]> {
    if (images.length === 0) return [];
    const pixels = await this.decodeAll(images, names);
    let regions: tf.Tensor3D | null = null;
    try {
      const detector = this.options.detector;
      // With the stacked backbone, objects come from the same CenterNet run as its regions.
      let ownDetections: Detection[][] | null = null;
      const b = this.backbone;
      if (b instanceof StackedBackbone && detector === b.detector) {
        ({ regions, detections: ownDetections } = await b.regionsAndDetections(pixels));
      } else {
        regions = this.regionsOf(pixels);
      }
      const beam = this.beamWidth;
      const model = this.captionModel;
      const hyps: Hypothesis[] = beam > 1 ? (await beamSearch(model, regions, { beamWidth: beam })).map((b) => b[0]) : await greedyDecode(model, regions);
      const [, r, d] = regions.shape;
      const all = (await regions.data()) as Float32Array;
      const out: Description[] = [];
      for (let i = 0; i < images.length; i++) {
        const feats: RegionFeatures = { values: all.slice(i * r * d, (i + 1) * r * d), count: r, dim: d };
        const detections = ownDetections?.[i] ?? (detector ? await detector.detect(pixels[i]) : null);
        const objects = detections ? topObjects(detections, feats, this.options.topObjects ?? 5) : [];
        out.push({ caption: this.decoder.vocab.decode(hyps[i].ids), logProb: hyps[i].logProb, objects, regions: feats });
      }
      return out;
    } finally {
      regions?.dispose();
      tf.dispose(pixels);
    }
  }

  /** Decodes every image, or disposes what was decoded and rethrows the error naming the bad one. */
  private async decodeAll(images: ImageInput[], names?: string[]): Promise<tf.Tensor3D[]> {
    const pixels: tf.Tensor3D[] = [];
    try {
      for (let i = 0; i < images.length; i++) pixels.push(await toPixels(images[i], names?.[i] ?? nameOf(images[i], i)));
      return pixels;
    } catch (err) {
      tf.dispose(pixels);
      throw err;
    }
  }

  private regionsOf(pixels: tf.Tensor3D[]): tf.Tensor3D {
    const b = this.backbone;
    if (takesPixels(b)) return b.regionsFromPixels(pixels);
    return tf.tidy(() => b.regions(preprocessImages(pixels, b.inputSize, b.inputRange)));
  }

  dispose(): void {
    this.backbone.dispose?.();
    if (this.captionModel instanceof DecoderEnsemble) this.captionModel.dispose();
    else this.decoder.dispose();
    (this.options.detector as { dispose?: () => void } | undefined)?.dispose?.();
  }
}

function nameOf(image: ImageInput, i: number): string {
  return typeof image === 'string' ? image : `image #${i + 1}`;
}

function join(base: string, part: string): string {
  return base.endsWith('/') ? base + part : `${base}/${part}`;
}

/**
 * Loads the shipped backbone and decoder (or yours) into a Captioner. The decoder's model.json
 * names the backbone it was trained on; the shipped one is MobileNetV2 + CenterNet
 * (`StackedBackbone`), whose CenterNet also gives the objects when `objects` is asked for.
 */
export async function loadCaptioner(opts: LoadCaptionerOptions = {}): Promise<Captioner> {
  const root = opts.weights ?? (opts.backbone && opts.decoder ? '' : await defaultWeightsRoot());
  opts.onProgress?.('decoder');
  let decoder = opts.decoder;
  let kind: BackboneKind = 'mobilenetv2';
  let beamWidth = opts.beamWidth;
  if (decoder === undefined) {
    const loaded = await loadCaptionModel(join(root, 'decoder'));
    decoder = loaded.model;
    kind = loaded.description.backbone ?? 'mobilenetv2';
    beamWidth ??= loaded.description.decoding?.beamWidth;
  }
  opts.onProgress?.('backbone');
  let backbone = opts.backbone;
  let centernet: CenterNetDetector | undefined;
  if (backbone === undefined) {
    const grid = await MobileNetV2Backbone.load(join(root, 'backbone'));
    if (kind === 'mobilenetv2+centernet') {
      centernet = await CenterNetDetector.load({ location: join(root, 'centernet') });
      backbone = new StackedBackbone(grid, centernet);
    } else {
      backbone = grid;
    }
  }
  const detector = opts.detector ?? (opts.objects ? (centernet ?? lazyCenterNet({ location: join(root || (await defaultWeightsRoot()), 'centernet') })) : undefined);
  return new Captioner(backbone, decoder, { ...opts, beamWidth, detector });
}
