import { Lexicon } from '../src/lexicon';

describe('Lexicon', () => {
  it('round-trips through its text format with costs to 0.1 nat', () => {
    const lex = new Lexicon([
      ['the', 2.04],
      ['Arena', 11.03],
      ['nba', 10.86],
    ]);
    const back = Lexicon.fromText(lex.toText());
    expect(back.size).toBe(3);
    expect(back.cost('the')).toBeCloseTo(2.0, 5);
    expect(back.cost('arena')).toBeCloseTo(11.0, 5);
    expect(back.cost('nba')).toBeCloseTo(10.9, 5);
    expect(back.cost('missing')).toBeUndefined();
    expect(back.maxWordLength).toBe(5);
  });

  it('keeps the cheaper cost when a word appears twice in different case', () => {
    const lex = new Lexicon([
      ['Paris', 9],
      ['paris', 7],
    ]);
    expect(lex.cost('paris')).toBe(7);
  });

  it('rejects files that are not lexicons, with the line', () => {
    expect(() => Lexicon.fromText('hello\n', 'x.txt')).toThrow(/x\.txt: not a lexicon file/);
    expect(() => Lexicon.fromText('#trimod-lexicon 1\nword\n', 'x.txt')).toThrow(/x\.txt:2: word "word" comes before any cost line/);
    expect(() => Lexicon.fromText('#trimod-lexicon 1\n@abc\n', 'x.txt')).toThrow(/x\.txt:2: bad cost line/);
  });
});
