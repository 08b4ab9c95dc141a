import { SeededRandom } from '@trimod/core';
import { evaluateTags } from '../src/eval/metrics';
import { spansFromTags, type TagSpan } from '../src/eval/spans';

/**
 * conlleval's chunk rules (conlleval.pl, startOfChunk / endOfChunk), ported line by line for
 * B/I/O tags: a tag is split at its first '-' into prefix and type; the position before a
 * sentence and the one after it count as "O" with type "".
 */
function conllevalChunks(tags: readonly string[]): TagSpan[] {
  const split = (t: string): [string, string] => {
    const m = /^([^-]*)-(.*)$/.exec(t);
    return m ? [m[1], m[2]] : [t, ''];
  };
  const endOfChunk = (prevTag: string, tag: string, prevType: string, type: string) =>
    (prevTag === 'B' && tag === 'B') ||
    (prevTag === 'B' && tag === 'O') ||
    (prevTag === 'I' && tag === 'B') ||
    (prevTag === 'I' && tag === 'O') ||
    (prevTag !== 'O' && prevTag !== '.' && prevType !== type);
  const startOfChunk = (prevTag: string, tag: string, prevType: string, type: string) =>
    (prevTag === 'B' && tag === 'B') ||
    (prevTag === 'I' && tag === 'B') ||
    (prevTag === 'O' && tag === 'B') ||
    (prevTag === 'O' && tag === 'I') ||
    (tag !== 'O' && tag !== '.' && prevType !== type);
  const chunks: TagSpan[] = [];
  let [prevTag, prevType] = ['O', ''];
  let open: TagSpan | null = null;
  [...tags, 'O'].forEach((t, i) => {
    const [tag, type] = split(t);
    if (open && endOfChunk(prevTag, tag, prevType, type)) {
      open.end = i;
      chunks.push(open);
      open = null;
    }
    if (i < tags.length && startOfChunk(prevTag, tag, prevType, type)) open = { type, start: i, end: i + 1 };
    [prevTag, prevType] = [tag, type];
  });
  return chunks;
}

const TAGS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'I-ORG', 'B-MISC-X', 'I-MISC-X'];

describe('entity spans as conlleval reads them', () => {
  it('the port itself: I-X after O or another type starts an entity', () => {
    expect(conllevalChunks(['O', 'I-PER', 'I-PER', 'I-LOC', 'B-LOC', 'I-LOC', 'O', 'I-ORG'])).toEqual([
      { type: 'PER', start: 1, end: 3 },
      { type: 'LOC', start: 3, end: 4 },
      { type: 'LOC', start: 4, end: 6 },
      { type: 'ORG', start: 7, end: 8 },
    ]);
  });

  it('spansFromTags equals conlleval on 5,000 random B/I/O sequences full of IOB1 leftovers', () => {
    const rng = new SeededRandom(7);
    for (let n = 0; n < 5000; n++) {
      const length = 1 + rng.int(12);
      const tags = Array.from({ length }, () => TAGS[rng.int(TAGS.length)]);
      expect({ tags, spans: spansFromTags(tags) }).toEqual({ tags, spans: conllevalChunks(tags) });
    }
  });

  it('evaluateTags counts a gold I-X after O as an entity, matched by a predicted B-X', () => {
    const r = evaluateTags([['O', 'I-PER', 'I-PER', 'O', 'I-LOC']], [['O', 'B-PER', 'I-PER', 'O', 'O']]);
    expect(r.perType.PER).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
    expect(r.perType.LOC.support).toBe(1);
    expect(r.recall).toBeCloseTo(0.5);
  });
});
