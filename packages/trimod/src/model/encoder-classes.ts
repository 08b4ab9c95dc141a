import { isRegistered, registeredClasses } from '@trimod/core';
import { HashtagEncoder } from '@trimod/hashtag-segmenter';
import { VisualEncoder } from '@trimod/image-captioner';
import { CharCnnEncoder, TextEncoder } from '@trimod/text-encoder';
import { CaptionMatchEncoder } from './caption-match';

/**
 * TriMod.load rebuilds a model's encoders by class name from core's registry, and each class
 * registers itself when its module runs. Nothing on the load path named the text encoders, so a
 * bundler (Vite, webpack: the packages declare `sideEffects: false`) dropped their modules and
 * loading failed with "no class registered as TextEncoder". Naming every encoder class a saved
 * model can hold keeps them in every bundle that keeps TriMod.
 */
const ENCODER_CLASSES = { TextEncoder, CharCnnEncoder, HashtagEncoder, VisualEncoder, CaptionMatchEncoder };

/** Throws, naming the missing class, when a bundle lost one of them anyway. */
export function checkEncoderClasses(): void {
  const missing = Object.keys(ENCODER_CLASSES).filter((name) => !isRegistered(name));
  if (missing.length) {
    throw new Error(`encoder classes not registered: ${missing.join(', ')} (registered: ${registeredClasses().join(', ')})`);
  }
}
