import { TextEncoder, buildVocabularies } from '@trimod/text-encoder';
import { labelsOf, parseTwitterNer, TriMod } from '../src';

/** Four annotated posts: a training set small enough for whole `train` runs in a test. */
export const tinyPosts = parseTwitterNer(
  [
    'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\nin\tO\nToronto\tB-LOC',
    'IMGID:2\nDrake\tB-PER\ncheers\tO\nfor\tO\nthe\tO\nRaptors\tB-ORG',
    'IMGID:3\nLeonard\tB-PER\nloves\tO\nToronto\tB-LOC\n!\tO',
    'IMGID:4\nThe\tO\nNBA\tB-ORG\nin\tO\nOakland\tB-LOC',
  ].join('\n\n'),
  'fixture.txt',
);

/** A tiny text-only TriMod for tinyPosts, the same weights on every call. */
export function tinyTextModel(): TriMod {
  const { words, chars } = buildVocabularies(tinyPosts.map((p) => p.tokens));
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed: 2 });
  return TriMod.create({ labels: labelsOf(tinyPosts), text, fusion: { outputDim: 6, attentionDim: 3 }, seed: 2 });
}
