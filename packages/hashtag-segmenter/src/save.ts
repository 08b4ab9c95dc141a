import type { JsonObject } from '@trimod/core';
import { saveArtifact } from '@trimod/core/artifacts';
import { segmenterArtifact } from './io/artifact';
import type { HashtagSegmenter } from './segmenter';

/**
 * Saves a segmenter as a model folder that loadSegmenter reads (Node only): its network's
 * weights, decoder settings, lexicon and `metadata` (training figures; default: the segmenter's
 * own), written atomically by core's saveArtifact, so a crash leaves the old folder whole.
 */
export async function saveSegmenter(dir: string, segmenter: HashtagSegmenter, opts: { metadata?: JsonObject } = {}): Promise<void> {
  const contents = segmenterArtifact(segmenter);
  await saveArtifact(dir, opts.metadata ? { ...contents, metadata: opts.metadata } : contents);
}
