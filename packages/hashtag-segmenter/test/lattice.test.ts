import { CharBigramModel } from '../src/decode/char-model';
import { caseCosts, viterbiSegment } from '../src/decode/lattice';
import { DEFAULT_DECODE_PARAMS, parseDecodeParams, type DecodeParams } from '../src/decode/params';
import { Lexicon } from '../src/lexicon';

// A hand-made lexicon: costs are −ln p in nats, chosen so the expected answers are clear.
const lexicon = new Lexicon([
  ['the', 2],
  ['a', 3],
  ['i', 3],
  ['to', 3],
  ['love', 6],
  ['ice', 7],
  ['cream', 8],
  ['icecream', 10],
  ['nba', 9],
  ['finals', 9],
  ['final', 8],
  ['s', 30],
  ['mp3', 9],
  ['rapist', 12],
  ['therapist', 11],
]);

const params: DecodeParams = {
  ...DEFAULT_DECODE_PARAMS,
  unknownBase: 10,
  unknownPerChar: 2,
  unknownCharWeight: 0,
  unknownLongPerChar: 0,
  singleLetterCost: 20,
  wholeBonus: 0,
  digitCost: 5,
  camelPenalty: 8,
  acronymPenalty: 6,
  upperSplitPenalty: 6,
  capitalSplitPenalty: 8,
  acronymMaxLength: 5,
  wordPenalty: 0,
};

function seg(text: string, probs: number[] | null = null, p: DecodeParams = params): string[] {
  const chars = Array.from(text);
  const ends = viterbiSegment(chars, lexicon, probs, p);
  let start = 0;
  return ends.map((e) => {
    const w = chars.slice(start, e).join('');
    start = e;
    return w;
  });
}

describe('viterbiSegment on a hand-made lexicon', () => {
  it('picks the cheapest sequence of known words', () => {
    // i + love + ice + cream = 3 + 6 + 7 + 8 = 24 > i + love + icecream = 3 + 6 + 10 = 19.
    expect(seg('iloveicecream')).toEqual(['i', 'love', 'icecream']);
    // therapist (11) beats the + rapist (2 + 12 = 14).
    expect(seg('therapist')).toEqual(['therapist']);
  });

  it('keeps digit runs whole and uses lexicon words that contain digits', () => {
    expect(seg('nbafinals2016')).toEqual(['nba', 'finals', '2016']);
    expect(seg('mp3')).toEqual(['mp3']);
    expect(seg('2016')).toEqual(['2016']);
  });

  it('prices unknown words by length and leaves unknown strings whole', () => {
    // xkcd: unknown 10 + 2·4 = 18, cheaper than any split into single letters (4 × 20).
    expect(seg('xkcd')).toEqual(['xkcd']);
    // the + xkcd = 2 + 18 = 20 beats one unknown word of 7 letters (10 + 14 = 24).
    expect(seg('thexkcd')).toEqual(['the', 'xkcd']);
  });

  it('follows case shapes: camelCase splits, acronym ends, capital + lower-case stays', () => {
    // Without case cues "icecream" is one word; the capital C costs 8 to keep inside it.
    expect(seg('IceCream')).toEqual(['Ice', 'Cream']);
    expect(seg('NBAFinals')).toEqual(['NBA', 'Finals']);
    expect(seg('NBAFinals2016')).toEqual(['NBA', 'Finals', '2016']);
  });

  it('keeps short all-capital runs together as acronyms', () => {
    // "ASTO" is unknown (10 + 8 = 18) but splitting inside it costs 6 per split.
    expect(seg('ASTO09')).toEqual(['ASTO', '09']);
    expect(seg('THEFINALS')).toEqual(['THE', 'FINALS']);
  });

  it('adds the network: confident boundaries override the lexicon', () => {
    const text = 'therapist';
    const probs = new Array(text.length).fill(0.01);
    probs[2] = 0.9999; // a boundary after "the"
    expect(seg(text, probs, { ...params, neuralWeight: 1 })).toEqual(['the', 'rapist']);
    expect(seg(text, probs, { ...params, neuralWeight: 0 })).toEqual(['therapist']);
  });

  it('returns nothing for an empty input and one word for one character', () => {
    expect(viterbiSegment([], lexicon, null, params)).toEqual([]);
    expect(seg('x')).toEqual(['x']);
  });

  it('works without a lexicon (every word unknown)', () => {
    const chars = Array.from('abc');
    expect(viterbiSegment(chars, null, null, params)).toEqual([3]);
  });
});

describe('caseCosts', () => {
  it('is all zero for single-case text', () => {
    const { split, keep } = caseCosts(Array.from('icecream'), params);
    expect([...split, ...keep].every((x) => x === 0)).toBe(true);
  });

  it('marks camelCase gaps, acronym ends and capital-lower gaps', () => {
    const { split, keep } = caseCosts(Array.from('NBAFinals'), params);
    expect(keep[3]).toBe(params.acronymPenalty); // N B A | F
    expect(split[1]).toBe(params.upperSplitPenalty); // N | B
    expect(split[4]).toBe(params.capitalSplitPenalty); // F | i
    const camel = caseCosts(Array.from('iceCream'), params);
    expect(camel.keep[3]).toBe(params.camelPenalty);
  });
});

describe('parseDecodeParams', () => {
  it('fills defaults and names a bad field', () => {
    expect(parseDecodeParams({ digitCost: 3 }).digitCost).toBe(3);
    expect(parseDecodeParams({}).camelPenalty).toBe(DEFAULT_DECODE_PARAMS.camelPenalty);
    expect(() => parseDecodeParams({ digitCost: 'x' })).toThrow(/"digitCost" must be a finite number/);
  });
});

describe('CharBigramModel', () => {
  const model = new CharBigramModel(['banana', 'bandana', 'cabana', 'nab', 'can']);

  it('prices word-like strings below strings of unseen letter pairs', () => {
    const cost = (w: string) => model.spans(Array.from(w))(0, w.length);
    expect(cost('nana')).toBeLessThan(cost('xqzj'));
    expect(cost('banan')).toBeLessThan(cost('bnnaa'));
  });

  it('gives span costs that match scoring the span on its own', () => {
    const keys = Array.from('xxbananaxx');
    const inside = model.spans(keys)(2, 8);
    const alone = model.spans(Array.from('banana'))(0, 6);
    expect(inside).toBeCloseTo(alone, 10);
  });

  it('changes the lattice only through unknownCharWeight', () => {
    // "nanaxqzj": one unknown word, or the known "nana" + an unknown "xqzj".
    const lex = new Lexicon([['nana', 4], ...['banana', 'bandana', 'cabana', 'nab', 'can'].map((w) => [w, 9] as [string, number])]);
    const p = { ...params, unknownBase: 3, unknownPerChar: 0, unknownLongPerChar: 0 };
    const chars = Array.from('nanaxqzj');
    // Without the character model: whole = 3, split = 4 + 3 = 7.
    expect(viterbiSegment(chars, lex, null, { ...p, unknownCharWeight: 0 })).toEqual([8]);
    // With it, "xqzj" glued to "nana" is priced as the odd string it is, and the split wins.
    const spans = lex.charModel().spans(lookup(chars));
    const whole = 3 + spans(0, 8);
    const split = 4 + 3 + spans(4, 8);
    expect(split).toBeLessThan(whole);
    expect(viterbiSegment(chars, lex, null, { ...p, unknownCharWeight: 1 })).toEqual([4, 8]);
  });
});

function lookup(chars: string[]): string[] {
  return chars.map((c) => c.toLowerCase());
}
