import fc from 'fast-check';
import { removeSeparators, tokenize, TOKEN_KINDS } from '../src/text';

/**
 * Fuzz target for the tweet tokenizer: on any string (every code point, lone surrogates,
 * tweet-like mixes of hashtags, URLs, emoji and scripts) it never throws, and its tokens are
 * exact: in order, non-empty, non-overlapping, `text.slice(start, end) === token.text`, free of
 * separators, and together they spell the text without its separators.
 * `npm run fuzz` runs it with many inputs; test/fuzz.test.ts with a few, seeded.
 */

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));

const fragment = fc.constantFrom(
  'RT', '@user', '@', '#NBA', '#', '#go_Spurs_2', 'http://t.co/AbC', 'https://x.com/a?b=(c)', 'www.nba.com/x.', "don't",
  'it’s', '...', '!', ',', ':)', '<3', 'xD', '10,000', '2.0', '21,', '١٢٣', 'مرحبا', 'שָׁלוֹם', 'cafe\u0301', '\u0301',
  '\uFE0F', '\u200D', '👍🏽', '👨‍👩‍👧‍👦', '🇯🇵', '🇯', '1️⃣', '❤️', '\uD800', '\uDC00', '\r\n', '&amp;', 'U.S.', '\uFEFF',
);
const gap = fc.constantFrom('', ' ', '\n', '\t', '\u00A0', '\u200B', '\u200F', '\u3000', '\u2028');
const tweetLike = fc
  .array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fragment }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) }), gap), {
    maxLength: 40,
  })
  .map((parts) => parts.map(([f, g]) => f + g).join(''));

/** The texts the tokenizer is fuzzed with. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: codeUnit, maxLength: 60 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  tweetLike,
);

/** Why `tokens` are not exact tokens of `text`, or null when they are. */
export function tokenProblem(text: string, tokens: ReadonlyArray<{ text: string; start: number; end: number }>): string | null {
  let previousEnd = 0;
  for (const [i, t] of tokens.entries()) {
    if (!Number.isInteger(t.start) || !Number.isInteger(t.end)) return `token ${i}: offsets ${t.start}..${t.end} are not integers`;
    if (t.start < previousEnd) return `token ${i} starts at ${t.start}, before the previous one ends (${previousEnd})`;
    if (t.end <= t.start) return `token ${i} is empty (${t.start}..${t.end})`;
    if (t.end > text.length) return `token ${i} ends at ${t.end}, past the text (${text.length})`;
    if (text.slice(t.start, t.end) !== t.text) return `token ${i}: text ${JSON.stringify(t.text)} is not the slice ${t.start}..${t.end}`;
    if (removeSeparators(t.text) !== t.text) return `token ${i} holds a separator: ${JSON.stringify(t.text)}`;
    previousEnd = t.end;
  }
  if (tokens.map((t) => t.text).join('') !== removeSeparators(text)) return 'the tokens do not spell the text without its separators';
  return null;
}

export interface FuzzProperty {
  name: string;
  /** Runs the property; throws (fast-check's report, with the shrunk counterexample) on a failure. */
  run: (params: { numRuns: number; seed: number }) => void | Promise<void>;
}

export const tokenizerProperties: FuzzProperty[] = [
  {
    name: 'tokenize: never throws; exact, ordered, separator-free tokens of known kinds',
    run: (params) =>
      fc.assert(
        fc.property(anyText, (text) => {
          const tokens = tokenize(text);
          const problem = tokenProblem(text, tokens) ?? tokens.map((t) => (TOKEN_KINDS.includes(t.kind) ? null : `unknown kind ${t.kind}`)).find((p) => p);
          if (problem) throw new Error(problem);
        }),
        params,
      ),
  },
];
