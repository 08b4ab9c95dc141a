import fc from 'fast-check';
import type { TriMod } from '../src/model/trimod';
import type { FuzzProperty } from './data-reader.fuzz';

/**
 * Fuzz targets for `predict` and `predictStream`: any text gives entities whose offsets slice
 * exactly their text, in order, without overlap, with scores and weights in 0..1; a record that
 * is not a post gets an error naming what is wrong, and the others are still tagged.
 */
const texts = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.array(fc.oneof(fc.constantFrom('Kawhi', 'Leonard', 'in', 'Toronto', '#NBA', '＃Tokyo', '@user', 'http://x.co/a', '😀', ':)', '...', '10,000', '#', '@', '\n', '\u200b', ' '), fc.string({ maxLength: 6 })), { maxLength: 30 }).map((w) => w.join(' ')),
);

function checkEntities(text: string, entities: Array<{ text: string; start: number; end: number; score: number; modalityWeights: Record<string, number> }>): void {
  let at = 0;
  for (const e of entities) {
    if (text.slice(e.start, e.end) !== e.text) throw new Error(`[${e.start}, ${e.end}) of ${JSON.stringify(text)} is not ${JSON.stringify(e.text)}`);
    if (e.start < at || e.end <= e.start) throw new Error(`entities out of order or empty in ${JSON.stringify(text)}`);
    at = e.end;
    if (!(e.score >= 0 && e.score <= 1 + 1e-6)) throw new Error(`score ${e.score}`);
    for (const w of Object.values(e.modalityWeights)) if (!(w >= 0 && w <= 1 + 1e-6)) throw new Error(`weight ${w}`);
  }
}

export function predictProperties(model: TriMod): FuzzProperty[] {
  return [
    {
      name: 'predict: exact, ordered entity offsets for any text, with or without a caption',
      run: (params) =>
        fc.assert(
          fc.asyncProperty(fc.array(fc.record({ text: texts, caption: fc.option(texts) }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), async (posts, batchSize) => {
            const out = await model.predict(posts, { batchSize });
            if (out.length !== posts.length) throw new Error('one result per post');
            out.forEach((r, i) => checkEntities(posts[i].text, r.entities));
          }),
          params,
        ),
    },
    {
      name: 'predictStream: a record that is not a post gets an error naming the problem; the others are tagged',
      run: (params) =>
        fc.assert(
          fc.asyncProperty(fc.array(fc.oneof(texts.map((text) => ({ text })), fc.anything()), { minLength: 1, maxLength: 8 }), async (records) => {
            const results = [];
            for await (const r of model.predictStream(records as never, { batchSize: 3, maxLength: 200 })) results.push(r);
            if (results.length !== records.length) throw new Error('one result per record');
            results.forEach((r, i) => {
              const rec: unknown = records[i];
              const text = typeof rec === 'string' ? rec : rec !== null && typeof rec === 'object' && !Array.isArray(rec) ? (rec as { text?: unknown }).text : undefined;
              const valid = typeof text === 'string' && text.length <= 200;
              if (r.error !== undefined && valid && !/"(caption|id)"/.test(r.error)) throw new Error(`valid record ${JSON.stringify(rec)} got error ${r.error}`);
              if (r.error === undefined && !valid) throw new Error(`invalid record ${JSON.stringify(rec)} got no error`);
              if (r.error === undefined) checkEntities(r.text, r.entities);
              else if (r.entities.length) throw new Error('an error with entities');
            });
          }),
          params,
        ),
    },
  ];
}
