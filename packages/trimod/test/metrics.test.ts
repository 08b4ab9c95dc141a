import { evaluateTags } from '../src/eval/metrics';
import { spansFromTags } from '../src/eval/spans';

describe('spansFromTags', () => {
  it('reads BIO spans', () => {
    expect(spansFromTags(['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC', 'I-LOC'])).toEqual([
      { type: 'PER', start: 0, end: 2 },
      { type: 'LOC', start: 3, end: 4 },
      { type: 'LOC', start: 4, end: 6 },
    ]);
  });

  it('starts an entity at an I- that does not continue one (conlleval)', () => {
    expect(spansFromTags(['O', 'I-ORG', 'I-ORG', 'I-PER'])).toEqual([
      { type: 'ORG', start: 1, end: 3 },
      { type: 'PER', start: 3, end: 4 },
    ]);
  });

  it('reads BIOES spans', () => {
    expect(spansFromTags(['S-PER', 'B-LOC', 'E-LOC', 'O'])).toEqual([
      { type: 'PER', start: 0, end: 1 },
      { type: 'LOC', start: 1, end: 3 },
    ]);
  });
});

describe('evaluateTags', () => {
  it('counts exact span and type matches (hand-computed)', () => {
    const gold = [
      ['B-PER', 'I-PER', 'O', 'B-LOC'],
      ['B-ORG', 'O', 'B-MISC', 'I-MISC'],
    ];
    const pred = [
      ['B-PER', 'I-PER', 'O', 'B-ORG'], // PER right, LOC missed, ORG spurious
      ['B-ORG', 'O', 'B-MISC', 'O'], // ORG right, MISC wrong span
    ];
    const r = evaluateTags(gold, pred);
    // correct 2, predicted 4, gold 4
    expect(r.precision).toBeCloseTo(0.5);
    expect(r.recall).toBeCloseTo(0.5);
    expect(r.f1).toBeCloseTo(0.5);
    expect(r.sentences).toBe(2);
    expect(r.perType.PER).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
    expect(r.perType.LOC).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.perType.ORG.precision).toBeCloseTo(0.5);
    expect(r.perType.ORG.recall).toBeCloseTo(1);
    expect(r.perType.MISC.f1).toBe(0);
  });

  it('is perfect on identical tags and zero when nothing is predicted', () => {
    const gold = [['B-PER', 'O', 'B-LOC', 'I-LOC']];
    expect(evaluateTags(gold, gold).f1).toBe(1);
    const none = evaluateTags(gold, [['O', 'O', 'O', 'O']]);
    expect([none.precision, none.recall, none.f1]).toEqual([0, 0, 0]);
  });

  it('rejects mismatched lengths', () => {
    expect(() => evaluateTags([['O']], [])).toThrow(/1 gold sequences but 0 predicted/);
    expect(() => evaluateTags([['O']], [['O', 'O']])).toThrow(/sequence 0 has 1 gold tags but 2 predicted/);
  });
});
