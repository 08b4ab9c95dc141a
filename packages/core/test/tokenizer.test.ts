import { graphemeBoundaries, removeSeparators, tokenize, type Token, type TokenKind } from '../src/text';

/** Tokens as `[text, kind]` pairs, after checking every offset against the source text. */
function pairs(text: string): [string, TokenKind][] {
  const tokens = tokenize(text);
  expectConsistent(text, tokens);
  return tokens.map((t) => [t.text, t.kind]);
}

function texts(text: string): string[] {
  return pairs(text).map(([t]) => t);
}

/** The first broken offset guarantee in `tokens`, or '' (one `expect` per text keeps long texts fast). */
function offsetProblem(text: string, tokens: Token[]): string {
  let previousEnd = 0;
  for (const [i, token] of tokens.entries()) {
    if (token.start < previousEnd) return `token ${i} starts at ${token.start}, before the previous end ${previousEnd}`;
    if (token.end <= token.start) return `token ${i} is empty or reversed: [${token.start}, ${token.end})`;
    if (text.slice(token.start, token.end) !== token.text) return `token ${i} text ${JSON.stringify(token.text)} differs from its slice`;
    previousEnd = token.end;
  }
  return tokens.map((t) => t.text).join('') === removeSeparators(text) ? '' : 'tokens do not spell the text without separators';
}

function expectConsistent(text: string, tokens: Token[]): void {
  expect(offsetProblem(text, tokens)).toBe('');
}

/** Direct (unwindowed) grapheme clusters, for comparison on short texts. */
function clusters(text: string): string[] {
  return [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
}

describe('tokenize: tweet conventions of the Twitter NER files', () => {
  it('keeps a retweet header as word, mention, punctuation', () => {
    expect(pairs('RT @user : hi')).toEqual([
      ['RT', 'word'],
      ['@user', 'mention'],
      [':', 'punct'],
      ['hi', 'word'],
    ]);
    expect(pairs('RT @user: hi').slice(1, 3)).toEqual([
      ['@user', 'mention'],
      [':', 'punct'],
    ]);
  });

  it('reports offsets into the original string', () => {
    const tokens = tokenize('  Hi,\tthere  #NBA ');
    expect(tokens).toEqual([
      { text: 'Hi', start: 2, end: 4, kind: 'word' },
      { text: ',', start: 4, end: 5, kind: 'punct' },
      { text: 'there', start: 6, end: 11, kind: 'word' },
      { text: '#NBA', start: 13, end: 17, kind: 'hashtag' },
    ]);
  });

  it('splits apostrophes off as the files do for contractions and possessives', () => {
    expect(texts("don't")).toEqual(['don', "'", 't']);
    expect(texts("It's Beyoncé's")).toEqual(['It', "'", 's', 'Beyoncé', "'", 's']);
    expect(texts('can’t')).toEqual(['can', '’', 't']);
  });

  it('makes every punctuation character a token of its own', () => {
    expect(texts('Wait...!!')).toEqual(['Wait', '.', '.', '.', '!', '!']);
    expect(texts('U.S. first-round')).toEqual(['U', '.', 'S', '.', 'first', '-', 'round']);
    expect(texts('&gt;')).toEqual(['&', 'gt', ';']);
  });

  it('keeps hashtags whole, with digits and underscores', () => {
    expect(pairs('#NBA #NBAFinals2017 #go_Spurs_2 #السعودية')).toEqual([
      ['#NBA', 'hashtag'],
      ['#NBAFinals2017', 'hashtag'],
      ['#go_Spurs_2', 'hashtag'],
      ['#السعودية', 'hashtag'],
    ]);
    expect(pairs('#2017')).toEqual([
      ['#', 'punct'],
      ['2017', 'number'],
    ]);
    expect(texts('C# &#39;')).toEqual(['C', '#', '&', '#', '39', ';']);
    expect(texts('#NBA!')).toEqual(['#NBA', '!']);
    // The files write hashtags as two tokens; that text stays two tokens.
    expect(pairs('# NBA')).toEqual([
      ['#', 'punct'],
      ['NBA', 'word'],
    ]);
  });

  it('keeps mentions whole but not e-mail addresses', () => {
    expect(pairs('@Bundesliga_EN @d_rob4.')).toEqual([
      ['@Bundesliga_EN', 'mention'],
      ['@d_rob4', 'mention'],
      ['.', 'punct'],
    ]);
    expect(texts('a@b.com')).toEqual(['a', '@', 'b', '.', 'com']);
    expect(pairs('@ 5pm')[0]).toEqual(['@', 'punct']);
  });

  it('keeps URLs with paths, queries and fragments, without trailing sentence punctuation', () => {
    expect(pairs('see https://example.com/a/b-c?q=1&r=two#frag.')).toEqual([
      ['see', 'word'],
      ['https://example.com/a/b-c?q=1&r=two#frag', 'url'],
      ['.', 'punct'],
    ]);
    expect(texts('(www.nba.com/path?x=y), ok')).toEqual(['(', 'www.nba.com/path?x=y', ')', ',', 'ok']);
    expect(texts('https://en.wikipedia.org/wiki/Rome_(city)!')).toEqual(['https://en.wikipedia.org/wiki/Rome_(city)', '!']);
    expect(texts('HTTP://T.CO/AbC…')).toEqual(['HTTP://T.CO/AbC', '…']);
    expect(texts('http://t.co/x😀')).toEqual(['http://t.co/x', '😀']);
    expect(pairs('http://')).toEqual([
      ['http', 'word'],
      [':', 'punct'],
      ['/', 'punct'],
      ['/', 'punct'],
    ]);
  });

  it('recognises emoticons only where they stand apart', () => {
    expect(pairs(':) :-( <3 ;D :P xD ^_^ -_- :))')).toEqual(
      [':)', ':-(', '<3', ';D', ':P', 'xD', '^_^', '-_-', ':))'].map((e) => [e, 'emoticon']),
    );
    expect(texts('10:30')).toEqual(['10', ':', '30']);
    expect(texts('<30')).toEqual(['<', '30']);
    expect(texts(':Dallas')).toEqual([':', 'Dallas']);
    expect(texts('C:/dir')).toEqual(['C', ':', '/', 'dir']);
    expect(texts('great:)')).toEqual(['great', ':', ')']);
  });

  it('keeps numbers with inner separators and a comma after them, as the files do', () => {
    expect(pairs('10,000 2.0 $4.99')).toEqual([
      ['10,000', 'number'],
      ['2.0', 'number'],
      ['$', 'punct'],
      ['4.99', 'number'],
    ]);
    expect(texts('May 21, 2016')).toEqual(['May', '21,', '2016']);
    expect(texts('ends 2.')).toEqual(['ends', '2', '.']);
    expect(texts('3,a')).toEqual(['3', ',', 'a']);
    expect(pairs('Trump2016 1.5m')).toEqual([
      ['Trump2016', 'word'],
      ['1.5m', 'word'],
    ]);
    expect(pairs('١٢٣')).toEqual([['١٢٣', 'number']]);
  });
});

describe('tokenize: grapheme clusters', () => {
  it('keeps emoji ZWJ sequences, flags, skin tones and keycaps whole, one emoji per token', () => {
    expect(pairs('👨‍👩‍👧‍👦🇯🇵👍🏽1️⃣❤️😂😂')).toEqual(
      ['👨‍👩‍👧‍👦', '🇯🇵', '👍🏽', '1️⃣', '❤️', '😂', '😂'].map((e) => [e, 'emoji']),
    );
  });

  it('keeps a letter and its combining mark together', () => {
    const decomposed = 'cafe\u0301 e\u0301';
    expect(pairs(decomposed)).toEqual([
      ['cafe\u0301', 'word'],
      ['e\u0301', 'word'],
    ]);
    expect(texts('x!\u0301y')).toEqual(['x', '!\u0301', 'y']);
  });

  it('cuts a cluster only at a separator inside it, as in the files’ "❤ ️" and "✊ 🏽"', () => {
    expect(pairs('❤ \uFE0F ✊ 🏽')).toEqual([
      ['❤', 'emoji'],
      ['\uFE0F', 'emoji'],
      ['✊', 'emoji'],
      ['🏽', 'emoji'],
    ]);
    expect(clusters(' \uFE0F')).toHaveLength(1); // the space and U+FE0F are one cluster
    expect(texts('a \u0301b')).toEqual(['a', '\u0301', 'b']);
  });

  it('treats ©, ® and ™ as symbols unless VS16 asks for emoji', () => {
    expect(pairs('© ©️ ™')).toEqual([
      ['©', 'punct'],
      ['©️', 'emoji'],
      ['™', 'punct'],
    ]);
  });

  it('finds the same clusters as Intl.Segmenter across its internal windows', () => {
    // Clusters that straddle the 2,048-unit windows: flags, ZWJ families, stacked marks, CR LF.
    const pieces = ['🇯🇵', '👨‍👩‍👧‍👦', 'e\u0301\u0302', '\r\n', 'ab', ' ', 'ق\u064E', '👍🏽'];
    let text = '';
    for (let k = 0; text.length < 9000; k += 1) text += pieces[k % pieces.length] + 'x'.repeat(k % 7);
    const bounds = graphemeBoundaries(text);
    const direct = clusters(text);
    expect(bounds.length - 1).toBe(direct.length);
    expect(bounds.slice(0, -1).map((b, i) => text.slice(b, bounds[i + 1]))).toEqual(direct);
    // One cluster longer than a window.
    const long = 'e' + '\u0301'.repeat(5000) + 'z';
    expect(graphemeBoundaries(long)).toEqual([0, 5001, 5002]);
  });
});

describe('tokenize: other scripts and damaged text', () => {
  it('tokenizes Arabic and Hebrew (RTL), with their marks and digits', () => {
    expect(pairs('مرحبا بالعالم، @مستخدم ١٢٣')).toEqual([
      ['مرحبا', 'word'],
      ['بالعالم', 'word'],
      ['،', 'punct'],
      ['@مستخدم', 'mention'],
      ['١٢٣', 'number'],
    ]);
    expect(texts('שָׁלוֹם עולם!')).toEqual(['שָׁלוֹם', 'עולם', '!']);
    // Bidi marks are invisible separators.
    expect(texts('\u200Fשלום\u200E abc')).toEqual(['שלום', 'abc']);
  });

  it('makes a lone surrogate a token of its own and never throws', () => {
    expect(pairs('\uD800abc')).toEqual([
      ['\uD800', 'punct'],
      ['abc', 'word'],
    ]);
    expect(texts('ab\uDC00')).toEqual(['ab', '\uDC00']);
    expect(texts('\uDFFF\uD800 \uD83D')).toEqual(['\uDFFF', '\uD800', '\uD83D']);
  });

  it('returns no tokens for empty and whitespace-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' \t\n\r\n\u00A0\u3000\u200B\u2060\uFEFF')).toEqual([]);
  });

  it('names the problem when given something other than a string', () => {
    expect(() => tokenize(undefined as unknown as string)).toThrow('tokenize: text must be a string, got undefined');
    expect(() => tokenize(null as unknown as string)).toThrow('got null');
  });
});

describe('tokenize: long text', () => {
  const fragments = ['RT', ' ', '@user', ': ', '#NBA', ' ', 'Finals', ' ', '😂', '👨‍👩‍👧‍👦', ' ', 'http://t.co/xYz', ' ', 'مرحبا', ' ', '10,000', '!', ' ', ':)', '\n'];

  function build(length: number, parts: string[]): string {
    let text = '';
    for (let k = 0; text.length < length; k += 1) text += parts[k % parts.length];
    return text.slice(0, length);
  }

  // Speed is measured by scripts/tokenizer-bench.ts, not asserted here (CI machines are shared);
  // the generous per-test timeouts only catch a return of the quadratic Intl.Segmenter path,
  // which took 23 s on 100,000 characters.
  it('tokenizes 100,000 characters of tweet text', () => {
    const text = build(100_000, fragments);
    const tokens = tokenize(text);
    expect(tokens.length).toBeGreaterThan(10_000);
    expectConsistent(text, tokens);
  }, 20_000);

  it('copes with one 100,000-character word, cluster, emoji run or punctuation run', () => {
    const texts = ['a'.repeat(100_000), 'e' + '\u0301'.repeat(99_999), '🇯🇵'.repeat(50_000), '!'.repeat(100_000), build(100_000, ['😂', 'é'])];
    for (const text of texts) expectConsistent(text, tokenize(text));
  }, 30_000);
});
