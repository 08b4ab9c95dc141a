import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PlannedJob } from './jobs';
import { queueKey } from './redis';

/**
 * What `trimod enqueue` put on a queue: its jobs in input order. `collect` reads it to know which
 * jobs make up the output and in which order, so it never depends on what else is in the queue.
 * It is written after every job is added, so its presence means the enqueue finished.
 */
export interface Manifest {
  format: 'trimod-queue/1';
  source: string;
  records: number;
  jobSize: number;
  /** Identifies the input: the same file on the same queue gives the same digest. */
  digest: string;
  /** Job ids, in input order (the job's index is its place here). */
  jobs: string[];
  /** Records per job, in the same order. */
  counts: number[];
  enqueuedAt: string;
}

export function manifestFor(source: string, jobs: PlannedJob[], jobSize: number): Manifest {
  const digest = createHash('sha256').update(jobs.map((j) => j.id).join('\n')).digest('hex').slice(0, 16);
  return {
    format: 'trimod-queue/1',
    source,
    records: jobs.reduce((n, j) => n + j.data.records.length, 0),
    jobSize,
    digest,
    jobs: jobs.map((j) => j.id),
    counts: jobs.map((j) => j.data.records.length),
    enqueuedAt: new Date().toISOString(),
  };
}

const key = (queue: string) => queueKey(queue, 'trimod-manifest');

export async function readManifest(redis: Redis, queue: string): Promise<Manifest | null> {
  const raw = await redis.get(key(queue));
  if (raw === null) return null;
  const m = JSON.parse(raw) as Manifest;
  if (m.format !== 'trimod-queue/1' || !Array.isArray(m.jobs) || !Array.isArray(m.counts) || m.jobs.length !== m.counts.length) {
    throw new Error(`queue ${queue}: its manifest (${key(queue)}) is not one trimod enqueue wrote`);
  }
  return m;
}

export async function writeManifest(redis: Redis, queue: string, manifest: Manifest): Promise<void> {
  await redis.set(key(queue), JSON.stringify(manifest));
}
