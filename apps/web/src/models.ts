import * as tf from '@tensorflow/tfjs-core';
import { loadSegmenter, setDefaultModelLocation, type HashtagSegmenter } from '@trimod/hashtag-segmenter';
import { lazyCenterNet, loadCaptioner, StackedBackbone, type Captioner, type Detection, type ObjectDetector } from '@trimod/image-captioner';
import { TriMod } from '@trimod/trimod';
import { urls } from './site-urls';

export interface LoadedModels {
  model: TriMod;
  segmenter: HashtagSegmenter;
  /** Milliseconds each took to download and build. */
  ms: { model: number; segmenter: number };
}

async function timed<T>(load: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await load();
  return { value, ms: performance.now() - t0 };
}

/**
 * The tagger and the hashtag segmenter, from the site's own files, loaded side by side: a model
 * with a hashtag encoder carries its own lexicon, so neither waits for the other. The segmenter's
 * default location is set first, for a model saved before encoders kept their lexicon (it then
 * takes the shipped segmenter's).
 */
export async function loadModels(onProgress: (what: string) => void): Promise<LoadedModels> {
  setDefaultModelLocation(urls.segmenter());
  onProgress('loading the TriMod model and the hashtag segmenter…');
  // TriMod.load itself keeps every encoder class in the bundle (and checks it did).
  const [model, segmenter] = await Promise.all([
    timed(() => TriMod.load(urls.model(), { onProgress: (f) => onProgress(`loading the TriMod model… ${Math.round(f * 100)}%`) })),
    timed(() => loadSegmenter(urls.segmenter())),
  ]);
  return { model: model.value, segmenter: segmenter.value, ms: { model: model.ms, segmenter: segmenter.ms } };
}

export interface ImageModels {
  captioner: Captioner;
  /** CenterNet (COCO objects), itself loaded on its first detection. */
  detector: ObjectDetector;
  ms: number;
}

let imageModels: Promise<ImageModels> | null = null;

/**
 * The captioner (MobileNetV2 + CenterNet backbone, caption decoder), loaded when the first image
 * arrives: text-only visitors never download its 12 MB. A failed load is retried next time.
 */
export function imageModelsOnce(): Promise<ImageModels> {
  if (!imageModels) {
    const loading = timed(() => loadCaptioner({ weights: urls.captioner() })).then(({ value, ms }) => ({
      captioner: value,
      // The shipped captioner's backbone already holds CenterNet: detect with that same model.
      detector: value.backbone instanceof StackedBackbone ? value.backbone.detector : lazyCenterNet({ location: urls.centernet() }),
      ms,
    }));
    loading.catch(() => {
      if (imageModels === loading) imageModels = null;
    });
    imageModels = loading;
  }
  return imageModels;
}

/** Objects in an image; kept apart from the caption so a detector failure leaves the caption. */
export async function detectObjects(detector: ObjectDetector, image: HTMLImageElement): Promise<Detection[]> {
  const pixels = tf.browser.fromPixels(image, 3);
  try {
    return await detector.detect(pixels);
  } finally {
    pixels.dispose();
  }
}
