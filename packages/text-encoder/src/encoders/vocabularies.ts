import { Vocabulary } from '@trimod/core';
import { charsOf } from '../features/token-ids';

export interface VocabularyOptions {
  /** Words seen fewer times are left out of the word vocabulary (default 1). */
  minCount?: number;
  /** Largest word vocabulary, specials included (default: no limit). */
  maxSize?: number;
  /** Characters seen fewer times map to `<unk>` (default 1). */
  minCharCount?: number;
  /** Characters per token the encoder reads (default 20); longer tokens are cut. */
  maxCharsPerToken?: number;
}

/**
 * Word vocabulary (normalised: `#NBA`, `NBA`, `nba` share an entry) and character vocabulary
 * (verbatim: case and digits stay visible to the character encoder) of tokenized posts.
 */
export function buildVocabularies(posts: readonly (readonly string[])[], opts: VocabularyOptions = {}): { words: Vocabulary; chars: Vocabulary } {
  const maxChars = opts.maxCharsPerToken ?? 20;
  const words = Vocabulary.build(
    (function* () {
      for (const post of posts) yield* post;
    })(),
    { minCount: opts.minCount ?? 1, maxSize: opts.maxSize ?? Infinity, normalize: true },
  );
  const chars = Vocabulary.build(
    (function* () {
      for (const post of posts) for (const token of post) yield* charsOf(token, maxChars);
    })(),
    { minCount: opts.minCharCount ?? 1, normalize: false },
  );
  return { words, chars };
}
