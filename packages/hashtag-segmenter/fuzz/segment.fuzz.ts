import fc from 'fast-check';
import type { HashtagSegmenter } from '../src/segmenter';
import { stripHashes } from '../src/decode/pieces';

/**
 * Fuzz targets for `segment`: any string gives words that spell the hashtag without its leading
 * '#'s, none of them empty, in every decoding mode; anything that is not a string is refused by
 * position. `npm run fuzz` runs them with many inputs; test/fuzz.test.ts with a few, seeded.
 */
export interface FuzzProperty {
  name: string;
  run: (params: { numRuns: number; seed: number }) => void | Promise<void>;
}

/** Hashtag-like strings: Latin words and digits in mixed case, with the odd emoji, mark, script and symbol. */
const hashtags = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.oneof(fc.constantFrom('NBA', 'Finals', 'toronto', '2016', 'ScotiabankArena', 'é', '_', '#', '＃', '😀', '👍🏽', '東京', 'Ωμέγα', ' ', '\u0301', '-'), fc.string({ maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join('')),
);

export function segmentProperties(segmenter: HashtagSegmenter): FuzzProperty[] {
  return [
    {
      name: 'words spell the hashtag without its leading #s, none empty, in every mode',
      run: (params) =>
        fc.assert(
          fc.property(fc.array(hashtags, { minLength: 1, maxLength: 8 }), fc.constantFrom('combined', 'lm', 'neural' as const), (batch, mode) => {
            const out = segmenter.segmentBatch(batch, { mode });
            if (out.length !== batch.length) throw new Error(`${batch.length} hashtags gave ${out.length} results`);
            out.forEach((words, i) => {
              if (words.join('') !== stripHashes(batch[i])) throw new Error(`${JSON.stringify(batch[i])} → ${JSON.stringify(words)}`);
              if (words.some((w) => w.length === 0)) throw new Error(`an empty word in ${JSON.stringify(words)}`);
            });
          }),
          params,
        ),
    },
    {
      name: 'a value that is not a string is refused, naming its position',
      run: (params) =>
        fc.assert(
          fc.property(fc.array(hashtags, { maxLength: 3 }), fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined), fc.object(), fc.boolean()), (before, bad) => {
            const batch = [...before, bad] as unknown as string[];
            let message = '';
            try {
              segmenter.segmentBatch(batch);
            } catch (err) {
              message = (err as Error).message;
            }
            const want = `segmentBatch: hashtag ${before.length} is a`;
            if (!message.startsWith(want)) throw new Error(`expected "${want} …", got ${JSON.stringify(message)}`);
          }),
          params,
        ),
    },
  ];
}
