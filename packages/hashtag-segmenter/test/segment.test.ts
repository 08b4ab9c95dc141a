import * as fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { loadSegmenter, segment, segmentBatch } from '../src/load';
import { stripHashes } from '../src/decode/pieces';
import type { HashtagSegmenter } from '../src/segmenter';
import { useWasm } from './wasm-backend';

// These tests use the model shipped in model/ (weights + lexicon), loaded from the package folder.
let seg: HashtagSegmenter;

beforeAll(async () => {
  await useWasm();
  seg = await loadSegmenter();
});

afterAll(() => seg.dispose());

describe('shipped model: fixed examples', () => {
  it.each([
    ['#ScotiabankArena', ['Scotiabank', 'Arena']],
    ['#NBAFinals2016', ['NBA', 'Finals', '2016']],
    ['NBAFinals2016', ['NBA', 'Finals', '2016']],
    ['#iloveyou', ['i', 'love', 'you']],
    ['#HappyBirthday', ['Happy', 'Birthday']],
    ['#throwbackthursday', ['throwback', 'thursday']],
    ['#film_club', ['film', '_', 'club']],
    ['#GameOfThrones', ['Game', 'Of', 'Thrones']],
    ['#iPhone', ['iPhone']],
    ['#ps3', ['ps3']],
    ['#love😍you', ['love', '😍', 'you']],
  ])('%s → %j', (hashtag, words) => {
    expect(seg.segment(hashtag)).toEqual(words);
  });

  it('agrees with the lazily loaded default functions', async () => {
    expect(await segment('#ScotiabankArena')).toEqual(['Scotiabank', 'Arena']);
    expect(await segmentBatch(['#NBAFinals2016', 'icecream'])).toEqual(seg.segmentBatch(['#NBAFinals2016', 'icecream']));
  });
});

describe('shipped model: robustness', () => {
  it.each([
    ['', []],
    ['#', []],
    ['##', []],
    ['#東京', ['東京']],
    ['#Москва', ['Москва']],
    ['#2016', ['2016']],
    ['#1234567890', ['1234567890']],
  ])('%j → %j', (hashtag, words) => {
    expect(seg.segment(hashtag)).toEqual(words);
  });

  it('handles a 500-character hashtag in every mode', () => {
    const long = '#' + 'supercalifragilistic'.repeat(25);
    for (const mode of ['combined', 'lm', 'neural'] as const) {
      const words = seg.segment(long, { mode });
      expect(words.join('')).toBe(long.slice(1));
      expect(words.length).toBeGreaterThan(1);
    }
  });

  it('rejects a non-string with a clear error', () => {
    expect(() => seg.segmentBatch([42 as unknown as string])).toThrow(/hashtag 0 is a number, not a string/);
  });

  it('does not leak tensors', () => {
    seg.segmentBatch(['#warmup']);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) seg.segmentBatch(['#NBAFinals2016', '#東京', 'x'.repeat(100)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

// The invariant: the words, joined, are exactly the input without its leading '#'s (characters,
// case and order preserved), and no word is empty. Batches give the same words as single calls.
describe('shipped model: properties', () => {
  const hashtagLike = fc
    .tuple(
      fc.stringMatching(/^#{0,3}$/),
      fc.array(
        fc.oneof(
          fc.stringMatching(/^[A-Za-z]{1,12}$/),
          fc.stringMatching(/^[0-9]{1,4}$/),
          fc.constantFrom('_', '-', '😍', '👨‍👩‍👧', '東京', 'Москва', 'é', '\u0301', '#', ' ', '\ud800'),
        ),
        { maxLength: 6 },
      ),
    )
    .map(([hashes, parts]) => hashes + parts.join(''));
  const anything = fc.string({ unit: 'binary', maxLength: 40 });

  it('joined words equal the input without leading #s; no empty words', () => {
    fc.assert(
      fc.property(fc.oneof(hashtagLike, anything), (h) => {
        const words = seg.segment(h);
        expect(words.join('')).toBe(stripHashes(h));
        expect(words.every((w) => w.length > 0)).toBe(true);
      }),
      { numRuns: 150, seed: 20240601 },
    );
  });

  it('batched segmentation equals one-by-one segmentation', () => {
    fc.assert(
      fc.property(fc.array(hashtagLike, { minLength: 1, maxLength: 8 }), (hs) => {
        expect(seg.segmentBatch(hs)).toEqual(hs.map((h) => seg.segment(h)));
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});
