import fc from 'fast-check';
import { PAD_INDEX, UNK_INDEX, Vocabulary } from '../src/text';

describe('Vocabulary.build', () => {
  it('puts <pad> at 0 and <unk> at 1, then words by descending count, ties in code-unit order', () => {
    const vocab = Vocabulary.build(['b', 'a', 'c', 'a', 'B', 'c', 'a', 'd'], { normalize: false });
    expect(PAD_INDEX).toBe(0);
    expect(UNK_INDEX).toBe(1);
    expect(vocab.words()).toEqual(['<pad>', '<unk>', 'a', 'c', 'B', 'b', 'd']);
    expect(vocab.size).toBe(7);
  });

  it('places extra specials after <pad> and <unk> and matches them exactly', () => {
    const vocab = Vocabulary.build(['x', '<NUM>'], { extraSpecials: ['<bos>', '<NUM>'] });
    expect(vocab.words()).toEqual(['<pad>', '<unk>', '<bos>', '<NUM>', 'x']);
    expect(vocab.indexOf('<NUM>')).toBe(3);
    expect(vocab.indexOf('<num>')).toBe(UNK_INDEX);
  });

  it('keeps words seen at least minCount times', () => {
    const vocab = Vocabulary.build(['a', 'a', 'a', 'b', 'b', 'c'], { minCount: 2 });
    expect(vocab.words()).toEqual(['<pad>', '<unk>', 'a', 'b']);
    expect(vocab.indexOf('c')).toBe(UNK_INDEX);
  });

  it('caps the total size, specials included, keeping the most frequent words', () => {
    const vocab = Vocabulary.build(['a', 'a', 'a', 'b', 'b', 'c'], { maxSize: 4 });
    expect(vocab.words()).toEqual(['<pad>', '<unk>', 'a', 'b']);
    expect(Vocabulary.build(['a'], { maxSize: 2 }).words()).toEqual(['<pad>', '<unk>']);
  });

  it('normalises by default, when building and when looking up', () => {
    const vocab = Vocabulary.build(['#NBA', 'NBA', 'nba', '2017', '1999', 'http://t.co/x', '@Bob']);
    expect(vocab.normalizes).toBe(true);
    expect(vocab.words()).toEqual(['<pad>', '<unk>', 'nba', '0000', '<url>', '<user>']);
    expect(vocab.indexOf('#Nba')).toBe(2);
    expect(vocab.indexOf('2024')).toBe(3);
    expect(vocab.indexOf('www.example.com')).toBe(4);
    expect(vocab.encode(['NBA', 'unknown', '@alice'])).toEqual([2, UNK_INDEX, 5]);
  });

  it('keeps surface forms apart when normalize is false', () => {
    const vocab = Vocabulary.build(['#NBA', 'NBA', 'nba'], { normalize: false });
    expect(vocab.words()).toEqual(['<pad>', '<unk>', '#NBA', 'NBA', 'nba']);
    expect(vocab.indexOf('Nba')).toBe(UNK_INDEX);
  });

  it('never counts text that normalises to a special name, nor lets it reach a special entry', () => {
    const vocab = Vocabulary.build(['<PAD>', '<pad>', '<unk>', 'x']);
    expect(vocab.words()).toEqual(['<pad>', '<unk>', 'x']);
    expect(vocab.indexOf('<PAD>')).toBe(UNK_INDEX);
    expect(vocab.indexOf('<pad>')).toBe(PAD_INDEX);
  });

  it('answers wordAt and has', () => {
    const vocab = Vocabulary.build(['Spurs', 'spurs', 'heat']);
    expect(vocab.wordAt(0)).toBe('<pad>');
    expect(vocab.wordAt(2)).toBe('spurs');
    expect(vocab.has('SPURS')).toBe(true);
    expect(vocab.has('lakers')).toBe(false);
    expect(vocab.has('<unk>')).toBe(true);
    expect(() => vocab.wordAt(4)).toThrow('Vocabulary.wordAt: index 4 is outside [0, 4)');
    expect(() => vocab.wordAt(-1)).toThrow(RangeError);
    expect(() => vocab.wordAt(1.5)).toThrow(RangeError);
  });

  it('answers a repeated lookup as the first time, also after its memory of lookups has been emptied', () => {
    const vocab = Vocabulary.build(['Spurs', '#NBA', 'heat', '2015', '<PAD>']);
    const probes = ['SPURS', 'spurs', '#nba', 'NBA', 'Heat', '1999', '<PAD>', '<pad>', '<unk>', 'lakers', '@spurs'];
    const first = probes.map((p) => vocab.indexOf(p));
    const [SPURS, spurs, hashNba, nba, heat, year, PAD, pad, unk, lakers, mention] = first;
    expect([spurs, nba, heat, year].every((id) => id >= 2)).toBe(true);
    expect([SPURS, hashNba]).toEqual([spurs, nba]);
    expect(new Set([spurs, nba, heat, year]).size).toBe(4);
    expect([PAD, pad, unk, lakers, mention]).toEqual([1, 0, 1, 1, 1]);
    expect(probes.map((p) => vocab.indexOf(p))).toEqual(first);
    // More distinct lookups than it keeps (100,000), then the probes again.
    for (let i = 0; i < 100_005; i++) vocab.indexOf(`w${i}`);
    expect(probes.map((p) => vocab.indexOf(p))).toEqual(first);
    expect(vocab.indexOf('Heat')).toBe(heat);
  });

  it('accepts any iterable and rejects bad options with named errors', () => {
    function* tokens(): Generator<string> {
      yield 'a';
      yield 'b';
    }
    expect(Vocabulary.build(tokens()).size).toBe(4);
    expect(() => Vocabulary.build(['a'], { minCount: 0 })).toThrow('minCount must be an integer >= 1, got 0');
    expect(() => Vocabulary.build(['a'], { maxSize: 1 })).toThrow('maxSize must be an integer >= 2');
    expect(() => Vocabulary.build(['a'], { maxSize: 3, extraSpecials: ['<s>', '</s>'] })).toThrow('maxSize must be an integer >= 4');
    expect(() => Vocabulary.build(['a'], { extraSpecials: ['<pad>'] })).toThrow('extraSpecials[0] "<pad>" appears twice');
    expect(() => Vocabulary.build(['a'], { extraSpecials: [''] })).toThrow('extraSpecials[0] must be a non-empty string');
    expect(() => Vocabulary.build(['a', 7 as unknown as string])).toThrow('token 1 is a number, not a string');
    expect(() => Vocabulary.build(null as unknown as string[])).toThrow('tokens must be an iterable of strings');
  });

  it('builds the same vocabulary whatever the order of the tokens', () => {
    const tokens = fc.array(fc.constantFrom('a', 'b', 'B', 'c', '#c', '1', '2', 'é', 'e\u0301', '😂'), { maxLength: 40 });
    fc.assert(
      fc.property(
        tokens.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))),
        ([list, shuffled]) => JSON.stringify(Vocabulary.build(list)) === JSON.stringify(Vocabulary.build(shuffled)),
      ),
      { numRuns: 200 },
    );
  });
});

describe('Vocabulary JSON', () => {
  it('round-trips through plain JSON with the same lookups', () => {
    const vocab = Vocabulary.build(['#NBA', 'NBA', 'Spurs', '2017', '❤️'], { extraSpecials: ['<bos>'] });
    const json = JSON.parse(JSON.stringify(vocab.toJSON()));
    expect(json).toEqual({
      format: 'trimod-vocabulary',
      version: 1,
      normalize: true,
      specials: ['<pad>', '<unk>', '<bos>'],
      words: ['nba', '0000', 'spurs', '❤'],
    });
    const restored = Vocabulary.fromJSON(json);
    expect(restored.words()).toEqual(vocab.words());
    expect(restored.normalizes).toBe(true);
    expect(restored.encode(['#nba', 'SPURS', '1999', '<bos>', 'x'])).toEqual(vocab.encode(['#nba', 'SPURS', '1999', '<bos>', 'x']));
  });

  it('round-trips any vocabulary, normalising or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 5 }), { maxLength: 30 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        (tokens, normalize, minCount) => {
          const vocab = Vocabulary.build(tokens, { normalize, minCount });
          const restored = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocab)));
          return (
            JSON.stringify(restored.words()) === JSON.stringify(vocab.words()) &&
            tokens.every((t) => restored.indexOf(t) === vocab.indexOf(t)) &&
            vocab.words().every((w, i) => vocab.indexOf(w) === i)
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects malformed JSON with errors that name the field', () => {
    const good = Vocabulary.build(['a']).toJSON();
    const cases: [unknown, string][] = [
      [null, 'expected an object, got null'],
      [[], 'expected an object, got an array'],
      [{ ...good, format: 'other' }, '"format" must be "trimod-vocabulary"'],
      [{ ...good, version: 2 }, 'unsupported "version" 2'],
      [{ ...good, normalize: 'yes' }, '"normalize" must be a boolean'],
      [{ ...good, specials: ['<unk>', '<pad>'] }, '"specials" must start with "<pad>", "<unk>"'],
      [{ ...good, specials: ['<pad>', '<unk>', '<pad>'] }, '"specials"[2] "<pad>" appears twice'],
      [{ ...good, words: 'a' }, '"words" must be an array of strings'],
      [{ ...good, words: ['a', 3] }, '"words"[1] must be a string, got number'],
      [{ ...good, words: ['a', 'a'] }, '"words"[1] "a" appears twice'],
      [{ ...good, words: ['<unk>'] }, '"words"[0] "<unk>" appears twice'],
      [{ ...good, words: ['NBA'] }, '"words"[0] "NBA" is not normalised'],
    ];
    for (const [json, message] of cases) {
      expect(() => Vocabulary.fromJSON(json)).toThrow(message);
    }
    expect(Vocabulary.fromJSON({ ...good, normalize: false, words: ['NBA'] }).indexOf('NBA')).toBe(2);
  });
});
