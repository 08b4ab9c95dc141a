import fc from 'fast-check';
import { normalizeToken, tokenize } from '../src/text';

describe('normalizeToken', () => {
  it('maps a hashtag, its word and its lower case to one form', () => {
    expect(['#NBA', 'NBA', 'nba', '＃NBA'].map(normalizeToken)).toEqual(['nba', 'nba', 'nba', 'nba']);
    expect(normalizeToken('#NBAFinals2017')).toBe('nbafinals0000');
  });

  it('keeps the # of a number sign, which is not a hashtag', () => {
    expect(normalizeToken('#1')).toBe('#0');
    expect(normalizeToken('#')).toBe('#');
    expect(normalizeToken('##NBA')).toBe('##nba');
  });

  it('replaces URLs and mentions with placeholders', () => {
    for (const url of ['http://t.co/AbC', 'HTTPS://example.com/a?b=1', 'www.nba.com', 'ftp://files.org/x']) {
      expect(normalizeToken(url)).toBe('<url>');
    }
    expect(normalizeToken('@Bundesliga_EN')).toBe('<user>');
    expect(normalizeToken('@مستخدم')).toBe('<user>');
    expect(normalizeToken('@')).toBe('@');
    expect(normalizeToken('http')).toBe('http');
  });

  it('does not take a sigil followed by a lone combining mark for a mention or hashtag (fast-check found "@\u0301")', () => {
    expect(normalizeToken('@\u0301')).toBe('@\u0301');
    expect(normalizeToken('#\u0301')).toBe('#\u0301');
    expect(normalizeToken('@a\u0301')).toBe('<user>');
    expect(normalizeToken('#e\u0301t\u00e9')).toBe('\u00e9t\u00e9');
  });

  it('turns every decimal digit into 0, in any script', () => {
    expect(normalizeToken('2017')).toBe('0000');
    expect(normalizeToken('10,000')).toBe('00,000');
    expect(normalizeToken('١٢٣')).toBe('000');
    expect(normalizeToken('Trump2016')).toBe('trump0000');
  });

  it('lower-cases and composes, so one word typed two ways is one form', () => {
    expect(normalizeToken('Cafe\u0301')).toBe('café');
    expect(normalizeToken('CAFÉ')).toBe('café');
    expect(normalizeToken('ΣΟΦΙΑ')).toBe('σοφια');
  });

  it('drops emoji presentation selectors and skin tones, but never empties a token', () => {
    expect(normalizeToken('❤️')).toBe('❤');
    expect(normalizeToken('👍🏽')).toBe('👍');
    expect(normalizeToken('👩🏽‍💻')).toBe('👩‍💻');
    expect(normalizeToken('🏽')).toBe('🏽');
    expect(normalizeToken('\uFE0F')).toBe('\uFE0F');
    expect(normalizeToken('\uFE0F#NBA')).toBe('nba');
  });

  it('unifies typographic quotes and keeps other punctuation and emoji', () => {
    expect(normalizeToken('’')).toBe("'");
    expect(normalizeToken('“')).toBe('"');
    for (const kept of ['!', '…', '😂', '🇯🇵', ':)', ':-(', '-']) expect(normalizeToken(kept)).toBe(kept);
    expect(normalizeToken('<3')).toBe('<0'); // digits go everywhere, emoticons included
  });

  it('names the problem when given something other than a string', () => {
    expect(() => normalizeToken(42 as unknown as string)).toThrow('normalizeToken: token must be a string, got number');
  });

  it('is idempotent on any string', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 8 }),
      fc.tuple(fc.constantFrom('#', '@', '＃', 'www.', 'http://', '\uFE0F', '🏽', ''), fc.string({ unit: 'grapheme', maxLength: 6 })).map(
        ([prefix, rest]) => prefix + rest,
      ),
    );
    fc.assert(
      fc.property(text, (token) => normalizeToken(normalizeToken(token)) === normalizeToken(token)),
      { numRuns: 500 },
    );
  });

  it('normalises the tokens of a tweet as a lookup expects', () => {
    const words = tokenize('RT @NBA: #Finals 2017 tonight! https://t.co/x ❤️').map((t) => normalizeToken(t.text));
    expect(words).toEqual(['rt', '<user>', ':', 'finals', '0000', 'tonight', '!', '<url>', '❤']);
  });
});
