import { tokenKinds, type ModalityEncoder, type SetFeatures, type TokenFeatures, type TokenKind } from '@trimod/core';

/** A social-media post: text, and optionally a caption of its image. */
export interface Post {
  text: string;
  caption?: string | null;
}

/** A batch as the encoders see it: tokens per post, and what each post has besides text. */
export interface PostBatch {
  tokens: string[][];
  /**
   * Each token's kind from core's tokenizer ([B][T_b]; `#`, `NBA` of `#NBA` are both `hashtag`),
   * given to every encoder. Left out, it is worked out from the tokens (core's `tokenKinds`).
   */
  kinds?: TokenKind[][];
  captions?: (string | null)[];
  /** Visual samples per post (built from images by the captioner); overrides `captions`. */
  visual?: VisualBatch;
}

/**
 * What a post gives the visual encoder (image-captioner's VisualSample has this shape): a
 * caption, and where there is an image, its region features and detected objects.
 */
export interface VisualSampleLike {
  caption?: string;
  regions?: unknown;
  objects?: unknown[];
}
export type VisualBatch = (VisualSampleLike | null)[];

export type TokenEncoder = ModalityEncoder<readonly (readonly string[])[], TokenFeatures>;
export type VisualEncoderLike = ModalityEncoder<VisualBatch, SetFeatures>;

/** Any modality's encoder: token features ([B, T, D]) or a set per post ([B, N, D]). */
export type AnyEncoder = ModalityEncoder<unknown, TokenFeatures | SetFeatures>;

/** Each post's caption: from its visual sample where the batch has them, else `captions` (null: none). */
export function batchCaptions(batch: PostBatch): (string | null)[] {
  return batch.visual ? batch.visual.map((v) => v?.caption ?? null) : batch.tokens.map((_, b) => batch.captions?.[b] ?? null);
}

/** The batch's token kinds: as given, or worked out from its tokens by core's `tokenKinds`. */
export function batchKinds(batch: PostBatch): TokenKind[][] {
  return batch.kinds ?? batch.tokens.map(tokenKinds);
}

/** The CRF's mask as JS rows [B, T] (1 for each real token), so the CRF need not read a tensor. */
export function maskRows(tokens: readonly (readonly string[])[], T: number): number[][] {
  return tokens.map((t) => padRow(t.map(() => 1), T));
}

/** A row of tags or mask values padded with 0 to length T. */
export function padRow(row: number[], T: number): number[] {
  return row.length >= T ? row : row.concat(new Array(T - row.length).fill(0));
}
