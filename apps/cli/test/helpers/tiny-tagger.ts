import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { TriMod } from '@trimod/trimod';

/**
 * The untrained tagger the CLI tests run commands with: a few-unit text encoder over `tokens`'
 * words, `labels`, optional caption match. Small enough to load and tag in milliseconds; the
 * tests are about commands, not accuracy.
 */
export function tinyTagger(tokens: readonly (readonly string[])[], labels: string[], opts: { captionMatchDim?: number; seed?: number } = {}): TriMod {
  const seed = opts.seed ?? 1;
  const { words, chars } = buildVocabularies(tokens);
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed });
  return TriMod.create({ labels, text, fusion: { outputDim: 6, attentionDim: 3 }, captionMatchDim: opts.captionMatchDim ?? 0, seed });
}
