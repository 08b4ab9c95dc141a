import type { AnnotatedPost, Modality, TokenEncoder } from '@trimod/trimod';

/**
 * Builds the hashtag encoder a training run asks for, from its own package. (Text and the
 * caption-based visual encoder are built by buildTriMod itself.)
 */
export async function buildModalityEncoders(
  modalities: Modality[],
  _train: AnnotatedPost[],
  _opts: { seed: number },
): Promise<{ hashtagEncoder?: TokenEncoder | null }> {
  if (modalities.includes('hashtag')) {
    throw new Error('--modalities hashtag: the hashtag encoder is not wired into training yet; use --modalities text,visual');
  }
  return {};
}
