import { normalizeToken, Vocabulary } from '@trimod/core';
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
  /**
   * Words added to the word vocabulary though the posts never show them: typically the most
   * frequent words of the pretrained vectors (`readFrequentWords`), so a test post's name keeps
   * its vector instead of becoming `<unk>`. They are normalised, follow the posts' words (after
   * minCount and maxSize are applied to those) and do not enter the character vocabulary.
   */
  extraWords?: Iterable<string>;
}

/**
 * Word vocabulary (normalised: `#NBA`, `NBA`, `nba` share an entry) and character vocabulary
 * (verbatim: case and digits stay visible to the character encoder) of tokenized posts.
 */
export function buildVocabularies(posts: readonly (readonly string[])[], opts: VocabularyOptions = {}): { words: Vocabulary; chars: Vocabulary } {
  const maxChars = opts.maxCharsPerToken ?? 20;
  const postWords = Vocabulary.build(
    (function* () {
      for (const post of posts) yield* post;
    })(),
    { minCount: opts.minCount ?? 1, maxSize: opts.maxSize ?? Infinity, normalize: true },
  );
  const words = opts.extraWords ? withExtraWords(postWords, opts.extraWords) : postWords;
  const chars = Vocabulary.build(
    (function* () {
      for (const post of posts) for (const token of post) yield* charsOf(token, maxChars);
    })(),
    { minCount: opts.minCharCount ?? 1, normalize: false },
  );
  return { words, chars };
}

/** `vocab` with `extra` words (normalised, new ones only) appended in their order. */
function withExtraWords(vocab: Vocabulary, extra: Iterable<string>): Vocabulary {
  const json = vocab.toJSON();
  const seen = new Set([...json.specials, ...json.words]);
  const words = [...json.words];
  for (const word of extra) {
    const normalised = normalizeToken(word);
    if (normalised && !seen.has(normalised)) {
      seen.add(normalised);
      words.push(normalised);
    }
  }
  return Vocabulary.fromJSON({ ...json, words });
}
