import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobData, PlannedJob } from './jobs';
import { readManifest, writeManifest, type Manifest } from './manifest';
import { queueKey } from './redis';

export interface RetryOptions {
  /** Tries per job before it lands in the failed set. */
  attempts: number;
  /** First retry delay in ms; it doubles with each further try. */
  backoffMs: number;
}

export interface EnqueueSummary {
  jobs: number;
  added: number;
  alreadyQueued: number;
  records: number;
}

/** The BullMQ job name of a tagging job (a queue may in principle carry other kinds). */
export const TAG_JOB = 'tag';

/**
 * Adds the jobs that are not yet on the queue, then writes the manifest. Running it again with
 * the same input adds nothing (the ids are the same); a different input on a queue that holds
 * one is refused, since its output would mix with the other's.
 */
export async function enqueueJobs(queue: Queue<JobData>, redis: Redis, manifest: Manifest, jobs: PlannedJob[], retry: RetryOptions): Promise<EnqueueSummary> {
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new Error(`--attempts must be a whole number >= 1, got ${retry.attempts}`);
  if (!(retry.backoffMs >= 0)) throw new Error(`--backoff must be >= 0 ms, got ${retry.backoffMs}`);
  const existing = await readManifest(redis, queue.name);
  if (existing && existing.digest !== manifest.digest) {
    throw new Error(
      `queue ${queue.name} already holds another input (${existing.records} records from ${existing.source}, enqueued ${existing.enqueuedAt}); ` +
        'collect and remove that queue first, or use another --queue',
    );
  }
  let added = 0;
  const CHUNK = 500;
  for (let s = 0; s < jobs.length; s += CHUNK) {
    const chunk = jobs.slice(s, s + CHUNK);
    // Which of these are on the queue already (in any state): those are left as they are.
    const pipeline = redis.pipeline();
    for (const j of chunk) pipeline.exists(queueKey(queue.name, j.id));
    const found = (await pipeline.exec()) ?? [];
    const missing = chunk.filter((_, i) => found[i]?.[1] !== 1);
    if (missing.length === 0) continue;
    await queue.addBulk(
      missing.map((j) => ({
        name: TAG_JOB,
        data: j.data,
        opts: {
          jobId: j.id,
          attempts: retry.attempts,
          backoff: { type: 'exponential', delay: retry.backoffMs },
          // Results are the return values: completed and failed jobs stay until collected.
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    added += missing.length;
  }
  if (!existing) await writeManifest(redis, queue.name, manifest);
  return { jobs: jobs.length, added, alreadyQueued: jobs.length - added, records: manifest.records };
}
