import { DEFAULT_MAX_POST_LENGTH, modelTokens, type PostInput, type PostResult } from '@trimod/trimod';
import type { TaggerPool } from './tagger-pool';

export interface PoolStreamOptions {
  /** Posts per forward pass (default 32). */
  batchSize?: number;
  /** Records read and batched together, as predictStream's window (default 8 batches). */
  window?: number;
  /** Windows read ahead of the one being written (default 2): the workers never wait for the reader. */
  ahead?: number;
}

type Source = AsyncIterable<PostInput | string> | Iterable<PostInput | string>;

/**
 * What `model.predictStream(posts)` yields, with the tagging done by a pool of worker threads:
 * one result per record, in input order. The batches are the in-process path's: each window is
 * sorted by token count here and cut into the same batches predictStream would make, and each
 * batch goes to a worker as a job of its own, the longest first, so the workers stay evenly
 * loaded to the end of the input. Records that cannot be tagged (no text, too long) travel in
 * one job per window and get predictStream's error there. Reads at most `ahead` windows beyond
 * what the consumer has taken.
 */
export async function* poolStream(pool: TaggerPool, posts: Source, opts: PoolStreamOptions = {}): AsyncGenerator<PostResult, void, undefined> {
  const batchSize = opts.batchSize ?? 32;
  const window = opts.window ?? batchSize * 8;
  const ahead = Math.max(1, opts.ahead ?? 2);
  const iterator = Symbol.asyncIterator in posts ? posts[Symbol.asyncIterator]() : (posts as Iterable<PostInput | string>)[Symbol.iterator]();
  const inFlight: Array<Promise<PostResult[]>> = [];
  let index = 0;
  let finished = false;
  try {
    while (!finished || inFlight.length > 0) {
      if (!finished) {
        const chunk: Array<PostInput | string> = [];
        while (chunk.length < window) {
          const next = await iterator.next();
          if (next.done) {
            finished = true;
            break;
          }
          chunk.push(next.value);
        }
        if (chunk.length > 0) {
          const tagged = tagWindow(pool, chunk, index, batchSize);
          // Awaited in order below; until then a failure must not count as unhandled.
          tagged.catch(() => undefined);
          inFlight.push(tagged);
          index += chunk.length;
        }
        if (!finished && inFlight.length < ahead) continue;
      }
      const results = inFlight.shift();
      if (results) for (const r of await results) yield r;
    }
  } finally {
    if (!finished) await iterator.return?.();
  }
}

/** One window: its batches as jobs, longest first; results put back in the window's order. */
async function tagWindow(pool: TaggerPool, chunk: Array<PostInput | string>, first: number, batchSize: number): Promise<PostResult[]> {
  const records = chunk.map((r) => (typeof r === 'string' ? { text: r } : r));
  const lengths = records.map(tokenCount);
  const taggable = records.map((_, i) => i).filter((i) => lengths[i] > 0);
  taggable.sort((a, b) => lengths[a] - lengths[b] || a - b);
  const groups: number[][] = [];
  for (let s = 0; s < taggable.length; s += batchSize) groups.push(taggable.slice(s, s + batchSize));
  groups.reverse();
  const rest = records.map((_, i) => i).filter((i) => lengths[i] === 0);
  if (rest.length > 0) groups.push(rest);
  const out: PostResult[] = new Array(records.length);
  await Promise.all(
    groups.map(async (group) => {
      const results = await pool.tag(group.map((i) => records[i]), batchSize);
      group.forEach((i, k) => {
        // A record without a usable id is named by its place in the whole input, as predictStream does.
        if (!hasId(records[i])) results[k].id = first + i;
        out[i] = results[k];
      });
    }),
  );
  return out;
}

/**
 * The token count predictStream sorts a record by; 0 for a record it will not tag: no tokens, or
 * one its record check refuses (no text, text too long, a caption or id of the wrong type).
 */
function tokenCount(record: PostInput | null): number {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return 0;
  const { text, caption, id } = record;
  if (typeof text !== 'string' || text.length > DEFAULT_MAX_POST_LENGTH) return 0;
  if (caption !== undefined && caption !== null && typeof caption !== 'string') return 0;
  if (id !== undefined && !hasId(record)) return 0;
  return modelTokens(text).length;
}

function hasId(record: PostInput | null): boolean {
  const id = record?.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}
