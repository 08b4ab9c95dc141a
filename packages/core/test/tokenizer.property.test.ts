import fc from 'fast-check';
import { graphemeBoundaries, normalizeToken, tokenize } from '../src/text';

/** White space plus invisible layout controls (ZWSP, word joiner, bidi marks): never inside tokens. */
const SEPARATOR = /[\s\u200B\u2060\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/u;
const SEPARATORS = new RegExp(SEPARATOR.source, 'gu');
const isSeparator = (ch: string): boolean => SEPARATOR.test(ch);

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Grapheme cluster start offsets straight from Intl.Segmenter (short texts only). */
function directBoundaries(text: string): number[] {
  return [...[...segmenter.segment(text)].map((s) => s.index), text.length];
}

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));

const tweetFragment = fc.constantFrom(
  'RT', '@user', '@d_rob4', ':', '#NBA', '#go_Spurs_2', '#2017', '#', '@', 'http://t.co/AbC', 'https://x.com/a?b=c&d=(e)',
  'www.nba.com/path.', "don't", 'it’s', '...', '!', '?', ',', '.', '(', ')', ':)', ':-(', '<3', ';D', 'xD', '^_^',
  '10,000', '2.0', '21,', '10:30', '١٢٣', 'مرحبا', 'שָׁלוֹם', 'cafe\u0301', '\u0301', '\uFE0F', '\u200D', '🏽', '👍🏽',
  '👨‍👩‍👧‍👦', '🇯🇵', '🇯', '1️⃣', '❤️', '😂', '©', '\uD800', '\uDC00', '\r\n', '&amp;', 'e-mail', 'U.S.',
);
const gap = fc.constantFrom('', '', ' ', '  ', '\n', '\t', '\u00A0', '\u200B', '\u200F', '\u3000');
const tweetLike = fc
  .array(fc.tuple(fc.oneof({ weight: 4, arbitrary: tweetFragment }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) }), gap), { maxLength: 30 })
  .map((parts) => parts.map(([fragment, space]) => fragment + space).join(''));

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }), // every code point, combining freely
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }), // lone surrogates
  fc.string({ unit: 'binary-ascii', maxLength: 60 }),
  tweetLike,
);

const runs = { numRuns: 400 };

describe('tokenize properties', () => {
  it('gives increasing, non-overlapping, non-empty tokens whose offsets slice back to their text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        let previousEnd = 0;
        for (const token of tokenize(text)) {
          if (token.start < previousEnd || token.end <= token.start) return false;
          if (text.slice(token.start, token.end) !== token.text) return false;
          previousEnd = token.end;
        }
        return true;
      }),
      runs,
    );
  });

  it('never puts a separator inside a token, and the tokens spell the text without separators', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const tokens = tokenize(text);
        const noSeparators = tokens.every((t) => !SEPARATOR.test(t.text));
        return noSeparators && tokens.map((t) => t.text).join('') === text.replace(SEPARATORS, '');
      }),
      runs,
    );
  });

  it('cuts only at Intl.Segmenter grapheme boundaries, except inside a cluster holding a separator', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const bounds = directBoundaries(text);
        const isBoundary = new Set(bounds);
        // A cut may fall inside a cluster only when that cluster contains a separator.
        const clusterHasSeparator = (offset: number): boolean => {
          const i = bounds.findIndex((b) => b > offset) - 1;
          return [...text.slice(bounds[i], bounds[i + 1])].some((ch) => isSeparator(ch));
        };
        return tokenize(text).every(
          (t) => (isBoundary.has(t.start) || clusterHasSeparator(t.start)) && (isBoundary.has(t.end) || clusterHasSeparator(t.end)),
        );
      }),
      runs,
    );
  });

  it('finds the same grapheme boundaries as Intl.Segmenter on long texts (windowed segmentation)', () => {
    const longText = fc
      .tuple(anyText, fc.integer({ min: 2000, max: 2100 }))
      .map(([text, length]) => (text.length === 0 ? 'x' : text).repeat(Math.ceil(length / Math.max(1, text.length)) + 1));
    fc.assert(
      fc.property(longText, (text) => {
        const ours = graphemeBoundaries(text);
        const direct = directBoundaries(text);
        return ours.length === direct.length && ours.every((b, i) => b === direct[i]);
      }),
      { numRuns: 60 },
    );
  });

  it('gives special kinds that the normaliser recognises the same way', () => {
    fc.assert(
      fc.property(anyText, (text) =>
        tokenize(text).every((t) => {
          const normal = normalizeToken(t.text);
          if (t.kind === 'url') return normal === '<url>';
          if (t.kind === 'mention') return normal === '<user>';
          if (t.kind === 'hashtag') return !normal.startsWith('#') && normal.length > 0;
          return normal !== '<url>' && normal !== '<user>';
        }),
      ),
      runs,
    );
  });

  it('never throws and is deterministic', () => {
    fc.assert(
      fc.property(anyText, (text) => JSON.stringify(tokenize(text)) === JSON.stringify(tokenize(text))),
      { numRuns: 200 },
    );
  });
});
