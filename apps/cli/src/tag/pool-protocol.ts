import type { PostInput, PostResult } from '@trimod/trimod';

/** What a tagger worker is started with (its workerData). */
export interface WorkerSetup {
  /** Model folder, as TriMod.load takes it. */
  model: string;
  /** The backend the main thread resolved (a name, never 'auto': every worker must run the same one). */
  backend: string;
}

/** Main thread → worker: tag these records as one predictStream window. */
export interface TagJob {
  type: 'tag';
  job: number;
  records: PostInput[];
  batchSize: number;
}

/** Worker → main thread. */
export type WorkerReply =
  | { type: 'ready' }
  /** The worker could not start (backend or model load); it exits after saying so. */
  | { type: 'failed'; message: string }
  | { type: 'done'; job: number; results: PostResult[] }
  /** The job threw (predictStream gives per-record errors, so this is the model or the worker itself failing). */
  | { type: 'error'; job: number; message: string };
