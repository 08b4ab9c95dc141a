import { CiderD } from '../src/cider';
import { sentenceBleu } from '../src/bleu';

const w = (s: string) => s.split(' ');

describe('CiderD', () => {
  // Two documents: "a" is in both (idf 0), every other n-gram in one (idf ln 2).
  const corpus = [[w('a b')], [w('a c')]];

  it('scores a caption equal to its only reference 10 x (number of n that have n-grams) / 4', () => {
    const cider = new CiderD(corpus);
    // Unigrams and bigrams each give cosine 1; no 3- or 4-grams: 10 * 2 / 4.
    expect(cider.score(w('a b'), [w('a b')])).toBeCloseTo(5, 12);
  });

  it('gives n-grams found in every document no weight', () => {
    const cider = new CiderD(corpus);
    expect(cider.score(w('a'), [w('a b')])).toBe(0);
  });

  it('clips repeated words, weighs unseen n-grams by the full idf and penalises the length difference (hand-computed)', () => {
    const cider = new CiderD(corpus);
    // Unigrams: cand b = 2 ln2 (a = 0), ref b = ln2 → min(2 ln2, ln2) ln2 / (2 ln2 · ln2) = 1/2.
    // Bigrams: cand "a b" = ln2 and unseen "b b" = ln2 (df taken as 1), ref "a b" = ln2
    //          → ln2² / (√2 ln2 · ln2) = 1/√2. Trigrams: the reference has none → 0.
    const expected = (10 / 4) * (0.5 + 1 / Math.SQRT2) * Math.exp(-1 / 72);
    expect(cider.score(w('a b b'), [w('a b')])).toBeCloseTo(expected, 12);
  });

  it('averages over references and over the corpus', () => {
    const cider = new CiderD(corpus);
    const one = cider.score(w('a b'), [w('a b')]);
    const other = cider.score(w('a b'), [w('a c')]);
    expect(cider.score(w('a b'), [w('a b'), w('a c')])).toBeCloseTo((one + other) / 2, 12);
    expect(cider.corpusScore([w('a b'), w('a c')], [[w('a b')], [w('a b')]])).toBeCloseTo((one + cider.score(w('a c'), [w('a b')])) / 2, 12);
  });

  it('ranks a caption that shares the image-specific words above a generic one', () => {
    const refs = [[w('a dog runs on the grass'), w('a brown dog runs')], [w('a man rides a bike'), w('a man on a bike')], [w('a girl on the grass')]];
    const cider = new CiderD(refs);
    expect(cider.score(w('a brown dog runs on grass'), refs[0])).toBeGreaterThan(cider.score(w('a man on the grass'), refs[0]));
  });

  it('rejects an empty corpus and a candidate without references', () => {
    expect(() => new CiderD([])).toThrow(/at least one reference set/);
    expect(() => new CiderD(corpus).score(w('a'), [])).toThrow(/at least one reference/);
  });
});

describe('sentenceBleu (add-one smoothed BLEU-4 of one caption)', () => {
  it('applies the brevity penalty and smooths n-gram orders the candidate is too short for', () => {
    // 1..3-gram precisions are 1; no 4-gram: (0 + 1) / (0 + 1); BP exp(1 - 6/3).
    expect(sentenceBleu(w('a cat sat'), [w('a cat sat on the mat')])).toBeCloseTo(Math.exp(-1), 12);
  });

  it('is the geometric mean of smoothed precisions (hand-computed)', () => {
    // p1 = 3/4, p2 = (1+1)/(3+1), p3 = (0+1)/(2+1), p4 = (0+1)/(1+1): product 1/16 → 0.5.
    expect(sentenceBleu(w('the dog ran fast'), [w('the dog runs fast')])).toBeCloseTo(0.5, 12);
  });

  it('is 0 without any matching word, and for an empty caption', () => {
    expect(sentenceBleu(w('x y z'), [w('a b c')])).toBe(0);
    expect(sentenceBleu([], [w('a b c')])).toBe(0);
  });
});
