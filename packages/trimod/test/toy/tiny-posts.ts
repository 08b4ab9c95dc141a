import { parseTwitterNer } from '../../src';

/** Four annotated posts in the Twitter format, for tests that train a tiny TriMod in seconds. */
export const TINY_DATA = [
  ['IMGID:1', 'Kawhi\tB-PER', 'Leonard\tI-PER', 'wins\tO', 'in\tO', 'Toronto\tB-LOC'],
  ['IMGID:2', '#\tO', 'NBA\tB-ORG', 'finals\tO', 'tonight\tO'],
  ['IMGID:3', 'Leonard\tB-PER', 'loves\tO', 'Toronto\tB-LOC', '!\tO'],
  ['IMGID:4', 'The\tO', 'NBA\tB-ORG', 'in\tO', 'Toronto\tB-LOC'],
]
  .map((b) => b.join('\n'))
  .join('\n\n');

export const tinyPosts = () => parseTwitterNer(TINY_DATA, 'fixture.txt');
