import type { AnnotatedPost, TokenEncoder, VisualEncoderLike } from '@trimod/trimod';
import type { Modality } from '@trimod/trimod';

/**
 * Builds the hashtag and visual encoders a training run asks for, from their own packages.
 * Text is built by buildTriMod itself.
 */
export async function buildModalityEncoders(
  modalities: Modality[],
  _train: AnnotatedPost[],
  _opts: { seed: number; images?: string },
): Promise<{ hashtagEncoder?: TokenEncoder | null; visualEncoder?: VisualEncoderLike | null }> {
  const out: { hashtagEncoder?: TokenEncoder | null; visualEncoder?: VisualEncoderLike | null } = {};
  for (const m of modalities) {
    if (m === 'hashtag' || m === 'visual') {
      throw new Error(`--modalities ${m}: this modality's encoder is not wired into training yet; use --modalities text`);
    }
  }
  return out;
}
