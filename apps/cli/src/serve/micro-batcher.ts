import type { Post, PostPrediction } from '@trimod/trimod';

/** What the batcher needs of a model: TriMod's batch API. */
export interface BatchPredictor {
  predict(posts: Post[], opts?: { batchSize?: number }): Promise<PostPrediction[]>;
}

export interface MicroBatcherOptions {
  /** The most posts tagged in one `predict` call. */
  maxBatch: number;
  /** How long the first post of a batch waits for others to join it, in milliseconds. */
  maxWaitMs: number;
  /** The most posts waiting (not yet in a running batch); past it, `submit` throws QueueFullError. */
  maxQueue: number;
  /** Called after each batch with its size and how long `predict` took, in seconds. */
  onBatch?: (size: number, seconds: number) => void;
}

/** Thrown by `submit` when `maxQueue` posts are already waiting. */
export class QueueFullError extends Error {
  constructor(readonly maxQueue: number) {
    super(`the queue is full (${maxQueue} posts waiting); retry later`);
    this.name = 'QueueFullError';
  }
}

interface Job {
  post: Post;
  resolve: (result: PostPrediction) => void;
  reject: (err: unknown) => void;
}

/**
 * Tags posts submitted one at a time (by concurrent HTTP requests) in shared `predict` calls: a
 * batch runs when `maxBatch` posts wait, or `maxWaitMs` after its first post arrived, whichever is
 * sooner. One batch runs at a time, since the model's backend computes one thing at a time
 * anyway; posts arriving meanwhile gather into the next batch, so the batch size grows with load
 * while a lone post waits at most `maxWaitMs`.
 */
export class MicroBatcher {
  private readonly pending: Job[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The wait of the oldest pending post is over: run as soon as the model is free. */
  private due = false;
  private running = false;
  /** A setImmediate to look for a batch is pending. */
  private scheduled = false;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly model: BatchPredictor,
    private readonly opts: MicroBatcherOptions,
  ) {
    for (const key of ['maxBatch', 'maxQueue'] as const) {
      if (!Number.isInteger(opts[key]) || opts[key] < 1) throw new RangeError(`MicroBatcher: ${key} must be a positive integer, got ${opts[key]}`);
    }
    if (!Number.isFinite(opts.maxWaitMs) || opts.maxWaitMs < 0) throw new RangeError(`MicroBatcher: maxWaitMs must be a number >= 0, got ${opts.maxWaitMs}`);
  }

  /** Posts waiting for a batch (not counting the batch that is running). */
  get queued(): number {
    return this.pending.length;
  }

  /** How many more posts `submit` takes before the queue is full. */
  get free(): number {
    return this.opts.maxQueue - this.pending.length;
  }

  /** Tags one post together with whatever else is submitted around the same time. */
  submit(post: Post): Promise<PostPrediction> {
    if (this.pending.length >= this.opts.maxQueue) return Promise.reject(new QueueFullError(this.opts.maxQueue));
    return new Promise<PostPrediction>((resolve, reject) => {
      this.pending.push({ post, resolve, reject });
      if (this.timer === null && !this.due) this.timer = setTimeout(() => this.onWaitOver(), this.opts.maxWaitMs);
      this.schedule();
    });
  }

  /**
   * From now on runs every post as soon as the model is free (no waiting for company), and
   * resolves once nothing is waiting or running. Posts may still be submitted: requests already
   * accepted when a server starts shutting down must still be answered.
   */
  drain(): Promise<void> {
    this.draining = true;
    this.schedule();
    return this.idle();
  }

  private idle(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private onWaitOver(): void {
    this.timer = null;
    this.due = true;
    this.schedule();
  }

  /**
   * Looks for a batch to run from setImmediate, i.e. after the event loop has polled its
   * sockets, never from inside submit or a finished batch. predict on wasm or cpu runs to its
   * end in promise callbacks alone, without the event loop turning; started from submit, a batch
   * would run inside the callback of whichever socket the loop happened to read first, and the
   * requests waiting on the other sockets would stay unread (and be served in socket order, not
   * arrival order; some waited past 10 s under 64 connections). Deferred, every request that has
   * arrived is read and queued first, and the queue is served in order.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
      if (!this.running && this.pending.length === 0) {
        for (const wake of this.idleWaiters.splice(0)) wake();
      }
    });
  }

  private pump(): void {
    if (this.running || this.pending.length === 0) return;
    if (!this.due && !this.draining && this.pending.length < this.opts.maxBatch) return;
    const jobs = this.pending.splice(0, this.opts.maxBatch);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    // Posts left behind by a full batch have waited already: they go next, without a new wait.
    this.due = this.pending.length > 0;
    this.running = true;
    void this.run(jobs).finally(() => {
      this.running = false;
      this.schedule();
    });
  }

  private async run(jobs: Job[]): Promise<void> {
    const t0 = performance.now();
    let results: PostPrediction[];
    try {
      // One forward pass for the whole batch (predict would otherwise split it at 32).
      results = await this.model.predict(jobs.map((j) => j.post), { batchSize: jobs.length });
    } catch (err) {
      if (jobs.length === 1) {
        jobs[0].reject(err);
        return;
      }
      // One post that breaks the batch must not fail the posts that came with it: each alone.
      for (const job of jobs) {
        try {
          const t1 = performance.now();
          const [result] = await this.model.predict([job.post], { batchSize: 1 });
          this.opts.onBatch?.(1, (performance.now() - t1) / 1000);
          job.resolve(result);
        } catch (e) {
          job.reject(e);
        }
      }
      return;
    }
    jobs.forEach((job, i) => job.resolve(results[i]));
    this.opts.onBatch?.(jobs.length, (performance.now() - t0) / 1000);
  }
}
