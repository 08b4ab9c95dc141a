import { initBackend } from '@trimod/core';
import { TriMod, type Post, type PostPrediction } from '@trimod/trimod';
import { MicroBatcher, QueueFullError } from '../src/serve/micro-batcher';
import { tinyTagger } from './helpers/tiny-tagger';

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
const WORDS = ['Kawhi', 'Leonard', 'wins', 'in', 'Toronto', 'the', 'vote'];
// Posts of different lengths, so that a batch pads some of them.
const TEXTS = Array.from({ length: 10 }, (_, i) => Array.from({ length: 1 + ((i * 3) % 7) }, (_, k) => WORDS[(i + k) % WORDS.length]).join(' '));

let model: TriMod;
beforeAll(async () => {
  await initBackend('wasm');
  model = tinyTagger([WORDS], LABELS, { seed: 2 });
});
afterAll(() => model.dispose());

/** The entities of each text tagged alone, to compare batched results with. */
async function alone(texts: string[]): Promise<PostPrediction[]> {
  return model.predict(texts, { batchSize: 1 });
}

function expectSameEntities(got: PostPrediction[], want: PostPrediction[]): void {
  expect(got.map((r) => r.text)).toEqual(want.map((r) => r.text));
  got.forEach((r, i) => {
    expect(r.entities.map((e) => [e.text, e.type, e.start, e.end])).toEqual(want[i].entities.map((e) => [e.text, e.type, e.start, e.end]));
    r.entities.forEach((e, k) => expect(e.score).toBeCloseTo(want[i].entities[k].score, 5));
  });
}

/** The model, counting its predict calls and the posts in each. */
function counting(): { predictor: { predict: TriMod['predict'] }; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    predictor: {
      predict: (posts, opts) => {
        calls.push(posts.length);
        return model.predict(posts, opts);
      },
    },
  };
}

describe('MicroBatcher', () => {
  it('tags posts submitted together in shared predict calls of at most maxBatch, each caller getting its own result', async () => {
    const { predictor, calls } = counting();
    const sizes: number[] = [];
    const batcher = new MicroBatcher(predictor, { maxBatch: 4, maxWaitMs: 1000, maxQueue: 100, onBatch: (n) => sizes.push(n) });
    const results = await Promise.all(TEXTS.map((text) => batcher.submit({ text })));
    // 4 run as soon as they are there; 4 more gather while those run; the last 2 follow at once
    // (they have waited behind a full batch already), not after the 1000 ms wait.
    expect(calls).toEqual([4, 4, 2]);
    expect(sizes).toEqual([4, 4, 2]);
    const want = await alone(TEXTS);
    expect(want.some((r) => r.entities.length > 0)).toBe(true); // the comparison is not of empty lists
    expectSameEntities(results, want);
  });

  it('gathers posts that arrive within maxWaitMs into one batch, and runs a lone post after the wait', async () => {
    const { predictor, calls } = counting();
    // A wait long enough that a loaded machine still gets the second post in before it ends.
    const batcher = new MicroBatcher(predictor, { maxBatch: 32, maxWaitMs: 400, maxQueue: 100 });
    const first = batcher.submit({ text: TEXTS[1] });
    await new Promise((r) => setTimeout(r, 5));
    const second = batcher.submit({ text: TEXTS[2] });
    expectSameEntities(await Promise.all([first, second]), await alone([TEXTS[1], TEXTS[2]]));
    expect(calls).toEqual([2]);
    expectSameEntities([await batcher.submit({ text: TEXTS[3] })], await alone([TEXTS[3]]));
    expect(calls).toEqual([2, 1]);
  });

  it('with maxBatch 1 tags every post on its own, never from inside submit (the caller, a socket callback, returns first)', async () => {
    const { predictor, calls } = counting();
    const batcher = new MicroBatcher(predictor, { maxBatch: 1, maxWaitMs: 1000, maxQueue: 100 });
    const results = Promise.all(TEXTS.slice(0, 3).map((text) => batcher.submit({ text })));
    await Promise.resolve();
    expect(calls).toEqual([]);
    expectSameEntities(await results, await alone(TEXTS.slice(0, 3)));
    expect(calls).toEqual([1, 1, 1]);
  });

  it('refuses posts past maxQueue, and drain() tags the waiting ones without waiting out maxWaitMs', async () => {
    const { predictor, calls } = counting();
    // A wait far past this test's timeout: only drain() can make the posts run in time.
    const batcher = new MicroBatcher(predictor, { maxBatch: 32, maxWaitMs: 60_000, maxQueue: 2 });
    const waiting = [batcher.submit({ text: TEXTS[4] }), batcher.submit({ text: TEXTS[5] })];
    expect(batcher.queued).toBe(2);
    expect(batcher.free).toBe(0);
    await expect(batcher.submit({ text: TEXTS[6] })).rejects.toThrow(new QueueFullError(2));
    await batcher.drain();
    expect(batcher.queued).toBe(0);
    expectSameEntities(await Promise.all(waiting), await alone([TEXTS[4], TEXTS[5]]));
    expect(calls).toEqual([2]);
    // After draining, a post still gets tagged, at once.
    expectSameEntities([await batcher.submit({ text: TEXTS[7] })], await alone([TEXTS[7]]));
  }, 10_000);

  it('a post the model refuses fails alone; the posts batched with it are still tagged', async () => {
    const batcher = new MicroBatcher(model, { maxBatch: 3, maxWaitMs: 1000, maxQueue: 100 });
    const [a, bad, c] = await Promise.allSettled([
      batcher.submit({ text: TEXTS[1] }),
      batcher.submit({ text: 42 } as unknown as Post),
      batcher.submit({ text: TEXTS[2] }),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringMatching(/"text" must be a string, got number 42/) }) });
    expect(a.status).toBe('fulfilled');
    expect(c.status).toBe('fulfilled');
    const fulfilled = [a, c].map((r) => (r as PromiseFulfilledResult<PostPrediction>).value);
    expectSameEntities(fulfilled, await alone([TEXTS[1], TEXTS[2]]));
  });

  it('lets the event loop poll between batches (predict on wasm alone never does), so new requests are read meanwhile', async () => {
    const events: string[] = [];
    const predictor = { predict: (posts: Post[], opts?: { batchSize?: number }) => (events.push('batch'), model.predict(posts, opts)) };
    const batcher = new MicroBatcher(predictor, { maxBatch: 1, maxWaitMs: 0, maxQueue: 100 });
    const all = Promise.all(TEXTS.slice(0, 3).map((text) => batcher.submit({ text })));
    setImmediate(() => events.push('event loop'));
    await all;
    expect(events).toEqual(['batch', 'event loop', 'batch', 'batch']);
  });

  it('names a bad option', () => {
    expect(() => new MicroBatcher(model, { maxBatch: 0, maxWaitMs: 5, maxQueue: 1 })).toThrow('MicroBatcher: maxBatch must be a positive integer, got 0');
    expect(() => new MicroBatcher(model, { maxBatch: 1, maxWaitMs: -1, maxQueue: 1 })).toThrow('MicroBatcher: maxWaitMs must be a number >= 0, got -1');
    expect(() => new MicroBatcher(model, { maxBatch: 1, maxWaitMs: 5, maxQueue: 1.5 })).toThrow('MicroBatcher: maxQueue must be a positive integer, got 1.5');
  });
});
