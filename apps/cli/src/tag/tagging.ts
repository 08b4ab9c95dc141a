import { availableParallelism } from 'node:os';
import type { PostInput, PostResult, PredictStreamOptions } from '@trimod/trimod';
import { poolStream } from './pool-stream';
import { TaggerPool } from './tagger-pool';

/** Most worker threads `trimod tag` starts by itself: past this, memory (a model per worker) grows faster than speed. */
export const MAX_DEFAULT_WORKERS = 4;

/**
 * How many workers `trimod tag` uses without --workers: one per core (at most 4) for a file,
 * no more than it has batches; 1 (in this process) for stdin, where posts may trickle in, and on
 * webgpu, where one process already keeps the GPU busy.
 */
export function defaultWorkers(opts: { fromFile: boolean; backend: string; posts: number | null; batchSize: number }): number {
  if (!opts.fromFile || opts.backend === 'webgpu') return 1;
  const batches = opts.posts === null ? Infinity : Math.ceil(opts.posts / opts.batchSize);
  return Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_WORKERS, batches));
}

/** A way to tag a stream of posts: in this process (1 worker) or with a pool of worker threads. */
export interface Tagging {
  readonly workers: number;
  stream(posts: AsyncIterable<PostInput | string> | Iterable<PostInput | string>, opts: { batchSize: number }): AsyncGenerator<PostResult, void, undefined>;
  close(): Promise<void>;
}

/** What tags in this process: a TriMod (or anything with its predictStream and dispose). */
export interface StreamTagger {
  predictStream(posts: AsyncIterable<PostInput | string> | Iterable<PostInput | string>, opts: PredictStreamOptions): AsyncGenerator<PostResult, void, undefined>;
  dispose(): void;
}

/**
 * Loads the model once per worker: `workers` 1 loads it here (`load`) and tags with
 * predictStream; more start a TaggerPool on the model folder `model` (`backend` must be a
 * resolved name, the one this process chose).
 */
export async function openTagging(opts: { workers: number; load: () => Promise<StreamTagger>; model: string; backend: string }): Promise<Tagging> {
  if (opts.workers === 1) {
    const model = await opts.load();
    return {
      workers: 1,
      stream: (posts, o) => model.predictStream(posts, { batchSize: o.batchSize }),
      close: async () => model.dispose(),
    };
  }
  return poolTagging(await TaggerPool.start({ workers: opts.workers, model: opts.model, backend: opts.backend }));
}

/** A started pool as a Tagging (closing it stops the workers). */
export function poolTagging(pool: TaggerPool): Tagging {
  return {
    workers: pool.size,
    stream: (posts, o) => poolStream(pool, posts, { batchSize: o.batchSize }),
    close: () => pool.close(),
  };
}
