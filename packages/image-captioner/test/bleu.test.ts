import { corpusBleu } from '../src/bleu';

const w = (s: string) => s.split(' ');

describe('corpusBleu', () => {
  it('is 1 for a candidate equal to its reference', () => {
    const s = corpusBleu([w('the cat sat down')], [[w('the cat sat down'), w('a dog')]]);
    expect(s.bleu).toEqual([1, 1, 1, 1]);
    expect(s.brevityPenalty).toBe(1);
  });

  it('clips repeated words by their count in the best reference (Papineni et al. example)', () => {
    const s = corpusBleu([w('the the the the the the the')], [[w('the cat is on the mat'), w('there is a cat on the mat')]]);
    expect(s.precisions[0]).toBeCloseTo(2 / 7, 10);
    expect(s.bleu[0]).toBeCloseTo(2 / 7, 10); // c = 7 matches the 7-word reference: no penalty
    expect(s.bleu[1]).toBe(0); // "the the" never occurs in a reference
  });

  it('applies the brevity penalty exp(1 - r/c) to short candidates', () => {
    const s = corpusBleu([w('a cat')], [[w('a cat sat on the mat')]]);
    expect(s.brevityPenalty).toBeCloseTo(Math.exp(1 - 6 / 2), 12);
    expect(s.bleu[0]).toBeCloseTo(Math.exp(-2), 12);
    expect(s.bleu[1]).toBeCloseTo(Math.exp(-2), 12);
    expect(s.bleu[2]).toBe(0); // no trigram at all
  });

  it('pools n-gram counts over the corpus instead of averaging sentences', () => {
    const s = corpusBleu([w('a b c d'), w('e f')], [[w('a b c d')], [w('e g')]]);
    expect(s.precisions[0]).toBeCloseTo(5 / 6, 12);
    expect(s.precisions[1]).toBeCloseTo(3 / 4, 12);
    expect(s.bleu[1]).toBeCloseTo(Math.sqrt((5 / 6) * (3 / 4)), 12);
  });

  it('takes the closest reference length, the shorter one on a tie', () => {
    const tie = corpusBleu([w('a b c d e')], [[w('a b c d x y'), w('a b c d')]]);
    expect(tie.referenceLength).toBe(4);
    expect(tie.brevityPenalty).toBe(1);
    const longer = corpusBleu([w('a b c d e')], [[w('a b c d x y')]]);
    expect(longer.brevityPenalty).toBeCloseTo(Math.exp(1 - 6 / 5), 12);
  });

  it('names a length mismatch and a candidate without references', () => {
    expect(() => corpusBleu([w('a')], [])).toThrow(/1 candidates but 0 reference sets/);
    expect(() => corpusBleu([w('a')], [[]])).toThrow(/candidate 0 has no references/);
  });
});
