import { tokenize } from '@trimod/core';
import type { HashtagSegmenter } from '@trimod/hashtag-segmenter';
import type { Detection } from '@trimod/image-captioner';
import type { PostPrediction, TriMod } from '@trimod/trimod';
import { detectObjects, imageModelsOnce } from './models';

export interface ImageAnalysis {
  caption: string;
  /** Detected objects, or why there are none. */
  objects: { ok: true; detections: Detection[] } | { ok: false; reason: string };
  /** Whether the model reads the caption (it has a visual encoder). */
  captionUsed: boolean;
  ms: { load: number; caption: number; objects: number };
}

export interface Analysis {
  prediction: PostPrediction;
  /** Each hashtag of the post and the words the segmenter reads in it. */
  hashtags: Array<{ hashtag: string; words: string[] }>;
  image: ImageAnalysis | null;
  ms: { tag: number };
}

/**
 * Everything the page shows for one post: with an image, its caption (and objects) first,
 * since the caption is what the model's visual encoder reads, as in `trimod predict --image`.
 */
export async function analysePost(
  model: TriMod,
  segmenter: HashtagSegmenter,
  text: string,
  image: HTMLImageElement | null,
  onProgress: (what: string) => void,
): Promise<Analysis> {
  let imageResult: ImageAnalysis | null = null;
  if (image) {
    onProgress('loading the captioner…');
    const { captioner, detector, ms: load } = await imageModelsOnce();
    onProgress('captioning the image…');
    let t0 = performance.now();
    const { caption } = await captioner.describe(image, 'the dropped image');
    const captionMs = performance.now() - t0;
    onProgress('detecting objects…');
    t0 = performance.now();
    const objects = await detectObjects(detector, image).then(
      (detections) => ({ ok: true as const, detections }),
      (err: unknown) => ({ ok: false as const, reason: err instanceof Error ? err.message : String(err) }),
    );
    imageResult = { caption, objects, captionUsed: model.readsCaptions, ms: { load, caption: captionMs, objects: performance.now() - t0 } };
  }
  onProgress('tagging…');
  const t0 = performance.now();
  const [prediction] = await model.predict([{ text, caption: imageResult?.caption ?? null }]);
  const tagMs = performance.now() - t0;
  const tags = tokenize(text).filter((t) => t.kind === 'hashtag');
  const words = segmenter.segmentBatch(tags.map((t) => t.text));
  const hashtags = tags.map((t, i) => ({ hashtag: t.text, words: words[i] }));
  return { prediction, hashtags, image: imageResult, ms: { tag: tagMs } };
}
