import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { labelsOf, parseTwitterNer, TriMod, type AnnotatedPost } from '../../src';

/** Twitter-format text from blocks of lines (`IMGID:n`, then `token<TAB>tag` lines). */
export function twitterText(blocks: readonly (readonly string[])[]): string {
  return blocks.map((b) => b.join('\n')).join('\n\n');
}

/** Four annotated posts in the Twitter format, for tests that train a tiny TriMod in seconds. */
export const TINY_DATA = twitterText([
  ['IMGID:1', 'Kawhi\tB-PER', 'Leonard\tI-PER', 'wins\tO', 'in\tO', 'Toronto\tB-LOC'],
  ['IMGID:2', '#\tO', 'NBA\tB-ORG', 'finals\tO', 'tonight\tO'],
  ['IMGID:3', 'Leonard\tB-PER', 'loves\tO', 'Toronto\tB-LOC', '!\tO'],
  ['IMGID:4', 'The\tO', 'NBA\tB-ORG', 'in\tO', 'Toronto\tB-LOC'],
]);

export const tinyPosts = () => parseTwitterNer(TINY_DATA, 'fixture.txt');

export interface TinySizes {
  wordDim: number;
  charDim: number;
  charHidden: number;
  wordHidden: number;
  shapeDim: number;
  fusionDim: number;
  attentionDim: number;
}

const TINY_SIZES: TinySizes = { wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, fusionDim: 6, attentionDim: 3 };

/** A few-unit TriMod (no dropout, seed 2) over the posts' words and labels, for training tests. */
export function tinyTrainee(posts: readonly AnnotatedPost[], sizes: Partial<TinySizes> = {}): TriMod {
  const s = { ...TINY_SIZES, ...sizes };
  const { words, chars } = buildVocabularies(posts.map((p) => p.tokens));
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: s.wordDim, charDim: s.charDim, charHidden: s.charHidden, wordHidden: s.wordHidden, shapeDim: s.shapeDim, seed: 2 });
  return TriMod.create({ labels: labelsOf(posts), text, fusion: { outputDim: s.fusionDim, attentionDim: s.attentionDim }, dropout: 0, seed: 2 });
}
