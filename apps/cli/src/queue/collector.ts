import { Job, type Queue } from 'bullmq';
import type { JobData } from './jobs';
import type { Manifest } from './manifest';
import type { JobResult, RecordResult } from './processor';

export interface FailedJob {
  id: string;
  index: number;
  attempts: number;
  error: string;
}

export interface CollectOptions {
  /** How often an unfinished job is looked at again. */
  pollMs?: number;
  /** Give up after this long (0: wait as long as it takes). */
  timeoutMs?: number;
  onJob?: (done: number, total: number) => void;
}

/**
 * Writes every record's line in input order: for each job of the manifest (each once, whatever
 * ran it how often), wait until it is completed or failed, then write its lines. A failed job's
 * records get error lines naming the job, so the output keeps one line per input record; the
 * failed jobs are returned for the caller to report, with the count of records that could not be
 * tagged.
 */
export async function collectResults(
  queue: Queue<JobData, JobResult>,
  manifest: Manifest,
  write: (lines: string) => Promise<void>,
  opts: CollectOptions = {},
): Promise<{ failed: FailedJob[]; recordErrors: number }> {
  const pollMs = opts.pollMs ?? 250;
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
  const failed: FailedJob[] = [];
  let recordErrors = 0;
  for (const [index, id] of manifest.jobs.entries()) {
    const { state, job } = await finished(queue, id, index, pollMs, deadline);
    const lines: string[] = [];
    if (state === 'failed') {
      const error = `job ${id} failed after ${job.attemptsMade} attempt(s): ${job.failedReason}`;
      failed.push({ id, index, attempts: job.attemptsMade, error: job.failedReason });
      for (const r of job.data.records) lines.push(JSON.stringify({ id: r?.id ?? null, text: r?.text ?? null, error }));
    } else {
      for (const r of checkResult(job.returnvalue, id, index, manifest.counts[index])) {
        if ('error' in r) recordErrors++;
        lines.push(JSON.stringify(outputLine(r)));
      }
    }
    await write(lines.join('\n') + (lines.length ? '\n' : ''));
    opts.onJob?.(index + 1, manifest.jobs.length);
  }
  return { failed, recordErrors };
}

/** Waits until the job is completed or failed (retries and stalled jobs are still on their way). */
async function finished(queue: Queue<JobData, JobResult>, id: string, index: number, pollMs: number, deadline: number): Promise<{ state: 'completed' | 'failed'; job: Job<JobData, JobResult> }> {
  for (;;) {
    const state = await queue.getJobState(id);
    if (state === 'completed' || state === 'failed') {
      const job = await Job.fromId<JobData, JobResult>(queue, id);
      if (job) return { state, job };
    } else if (state === 'unknown') {
      throw new Error(`job ${id} (job ${index + 1} of the input) is not on queue ${queue.name}: was it removed? Run trimod enqueue with the same file again`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for job ${id} (job ${index + 1}; now ${state}); are workers running?`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function checkResult(value: unknown, id: string, index: number, count: number): RecordResult[] {
  const r = value as Partial<JobResult> | null;
  if (!r || r.index !== index || !Array.isArray(r.results) || r.results.length !== count) {
    throw new Error(`job ${id} completed with a result that is not a tagging result for job ${index + 1} (${count} records)`);
  }
  return r.results;
}

/** The output's keys, in this order: id, text, then entities or error. */
function outputLine(r: RecordResult): RecordResult {
  return 'error' in r ? { id: r.id, text: r.text, error: r.error } : { id: r.id, text: r.text, entities: r.entities };
}
