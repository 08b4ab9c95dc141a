import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PostInput, PostResult } from '@trimod/trimod';
import type { TagJob, WorkerReply, WorkerSetup } from './pool-protocol';

export interface TaggerPoolOptions {
  /** Worker threads, each with its own copy of the model. */
  workers: number;
  /** Model folder. */
  model: string;
  /** A backend name (wasm, cpu, ...), the one the main thread resolved 'auto' to. */
  backend: string;
}

interface Job {
  records: PostInput[];
  batchSize: number;
  resolve: (results: PostResult[]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  /** 1-based, for messages. */
  n: number;
  busy: { id: number; job: Job } | null;
  /** Jobs this worker has finished. */
  done: number;
}

/**
 * Worker threads that tag posts in parallel, each with its own copy of the model: one job (a
 * window of records) at a time per worker, taken from one queue in the order they were given,
 * so the caller controls which go first. Results come back per job in the records' order.
 * A worker that fails (throws, exits, cannot load the model) fails the whole pool: every waiting
 * and later job rejects with an error that names the worker and what happened, and the other
 * workers are stopped; nothing waits forever. `close()` stops every worker.
 */
export class TaggerPool {
  private readonly queue: Job[] = [];
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  private constructor(private readonly slots: Slot[]) {}

  /** Starts the workers and waits until each has loaded the model (or the first one fails). */
  static async start(opts: TaggerPoolOptions): Promise<TaggerPool> {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new RangeError(`workers must be a positive integer, got ${opts.workers}`);
    const script = workerScript();
    const setup: WorkerSetup = { model: opts.model, backend: opts.backend };
    const slots: Slot[] = Array.from({ length: opts.workers }, (_, i) => ({ worker: new Worker(script, { workerData: setup }), n: i + 1, busy: null, done: 0 }));
    const pool = new TaggerPool(slots);
    try {
      await Promise.all(slots.map((s) => pool.whenReady(s)));
    } catch (err) {
      await pool.close();
      throw err;
    }
    for (const s of slots) pool.watch(s);
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Jobs each worker has finished, in worker order (how evenly the work spread). */
  get jobsPerWorker(): number[] {
    return this.slots.map((s) => s.done);
  }

  /** Tags `records` as one predictStream window of batches of `batchSize` in some worker. */
  tag(records: PostInput[], batchSize: number): Promise<PostResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the tagger pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ records, batchSize, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; jobs not yet done reject. */
  async close(): Promise<void> {
    if (!this.closed) this.fail(new Error('the tagger pool was closed before this job was done'), false);
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private whenReady(slot: Slot): Promise<void> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        slot.worker.off('message', onMessage);
        slot.worker.off('error', onError);
        slot.worker.off('exit', onExit);
      };
      const onMessage = (m: WorkerReply) => {
        cleanup();
        if (m.type === 'ready') resolve();
        else reject(new Error(`tagger worker ${slot.n} could not start: ${m.type === 'failed' ? m.message : `unexpected message ${m.type}`}`));
      };
      const onError = (err: Error) => {
        cleanup();
        reject(new Error(`tagger worker ${slot.n} could not start: ${err.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`tagger worker ${slot.n} exited with code ${code} while starting`));
      };
      slot.worker.on('message', onMessage);
      slot.worker.on('error', onError);
      slot.worker.on('exit', onExit);
    });
  }

  private watch(slot: Slot): void {
    slot.worker.on('message', (m: WorkerReply) => {
      const busy = slot.busy;
      if (!busy || (m.type !== 'done' && m.type !== 'error') || m.job !== busy.id) {
        this.fail(new Error(`tagger worker ${slot.n} sent an unexpected message (${m.type})`));
        return;
      }
      slot.busy = null;
      if (m.type === 'done') {
        slot.done++;
        busy.job.resolve(m.results);
      }
      else {
        // The worker's model failed on a whole window: nothing more can be trusted of it.
        this.fail(new Error(`tagger worker ${slot.n} failed: ${m.message}`));
        busy.job.reject(this.failure!);
        return;
      }
      this.dispatch();
    });
    slot.worker.on('error', (err) => this.fail(new Error(`tagger worker ${slot.n} failed: ${err.message}`)));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`tagger worker ${slot.n} exited unexpectedly (code ${code})`));
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.busy) continue;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      slot.busy = { id, job };
      const message: TagJob = { type: 'tag', job: id, records: job.records, batchSize: job.batchSize };
      try {
        slot.worker.postMessage(message);
      } catch (err) {
        // A record that cannot be copied to a thread (a function, say): that job alone fails.
        slot.busy = null;
        job.reject(new Error(`cannot send these posts to a tagger worker: ${(err as Error).message}`));
      }
    }
  }

  /** Fails every job in hand and waiting, and stops the workers (the first failure is the one reported). */
  private fail(err: Error, terminate = true): void {
    if (this.failure || this.closed) return;
    this.failure = err;
    for (const slot of this.slots) {
      slot.busy?.job.reject(err);
      slot.busy = null;
    }
    for (const job of this.queue.splice(0)) job.reject(err);
    if (terminate) {
      this.closed = true;
      for (const s of this.slots) void s.worker.terminate();
    }
  }
}

/**
 * The built worker script: beside this file in the CLI's dist/ (tsup bundles both), or, when
 * this module runs from its sources (tests), in the package's dist/.
 */
function workerScript(): string {
  const candidates = [path.join(__dirname, 'tagger-worker.js'), path.join(__dirname, '..', '..', 'dist', 'tagger-worker.js')];
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new Error(`the tagger worker is not built (none of ${candidates.join(', ')}); run \`npx nx run-many -t build -p trimod\``);
  return found;
}
