/**
 * Writes the segmenter's model folder through the package's saveSegmenter (core's artifact
 * format, saved atomically by core: a crash never leaves a half-written model).
 */
import type { JsonObject } from '@trimod/core';
import type { DecodeParams } from '../../../../packages/hashtag-segmenter/src/decode/params';
import type { Lexicon } from '../../../../packages/hashtag-segmenter/src/lexicon';
import type { BoundaryModel } from '../../../../packages/hashtag-segmenter/src/neural/boundary-model';
import { saveSegmenter } from '../../../../packages/hashtag-segmenter/src/save';
import { HashtagSegmenter } from '../../../../packages/hashtag-segmenter/src/segmenter';

export async function saveSegmenterModel(
  dir: string,
  model: BoundaryModel,
  lexicon: Lexicon | null,
  decode: DecodeParams,
  metadata: JsonObject = {},
  decodeLm?: DecodeParams,
): Promise<void> {
  // The segmenter only borrows the network here: the caller keeps and disposes it.
  await saveSegmenter(dir, new HashtagSegmenter(model, lexicon, decode, metadata, decodeLm ?? decode));
}
