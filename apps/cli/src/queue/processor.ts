import { readFile } from 'node:fs/promises';
import { UnrecoverableError } from 'bullmq';
import type { Captioner } from '@trimod/image-captioner';
import type { Entity, Post, TriMod } from '@trimod/trimod';
import type { JobData, QueueRecord } from './jobs';

/** One output line: the record's entities, or why it could not be tagged. */
export type RecordResult = { id: unknown; text: unknown; entities: Entity[] } | { id: unknown; text: unknown; error: string };

/** A job's return value, stored by BullMQ and read back by `collect`. */
export interface JobResult {
  index: number;
  results: RecordResult[];
}

/**
 * The work of one job: tag its records with one `model.predict` call. Records that cannot be
 * tagged get an error result; a job whose data is not a job's is failed at once (retrying cannot
 * mend it); an image that cannot be read fails the job, so it is retried (shared storage may be
 * back) and, failing that, reported by `collect` rather than tagged without its image.
 */
export function createProcessor(model: TriMod, captioner: () => Promise<Captioner>): (data: unknown) => Promise<JobResult> {
  return async (data) => {
    const { index, records } = checkJobData(data);
    const results: Array<RecordResult | null> = [];
    const posts: Post[] = [];
    const postOf: number[] = [];
    const images: Array<{ post: number; path: string }> = [];
    for (const [i, record] of records.entries()) {
      const problem = recordProblem(record);
      if (problem) {
        const r = (record ?? {}) as QueueRecord;
        results.push({ id: r.id ?? null, text: r.text ?? null, error: problem });
        continue;
      }
      results.push(null);
      const caption = typeof record.caption === 'string' ? record.caption : null;
      if (typeof record.image === 'string' && record.image !== '' && caption === null && model.readsCaptions) {
        images.push({ post: posts.length, path: record.image });
      }
      postOf.push(i);
      posts.push({ text: record.text as string, caption });
    }
    if (images.length > 0) {
      // Read every image before loading the captioner: a missing file fails fast.
      const bytes = await Promise.all(
        images.map(({ post, path }) =>
          readFile(path).catch((err: Error) => {
            throw new Error(`record ${JSON.stringify(records[postOf[post]].id)}: cannot read image ${path}: ${err.message}`);
          }),
        ),
      );
      const c = await captioner();
      for (const [k, { post, path }] of images.entries()) posts[post].caption = (await c.describe(bytes[k], path)).caption;
    }
    const predictions = await model.predict(posts);
    for (const [k, p] of predictions.entries()) results[postOf[k]] = { id: records[postOf[k]].id, text: p.text, entities: p.entities };
    return { index, results: results as RecordResult[] };
  };
}

/** A value loaded on first use and shared afterwards (the captioner: big, and often not needed). */
export function lazy<T>(load: () => Promise<T>): { get: () => Promise<T>; loaded: () => Promise<T> | null } {
  let value: Promise<T> | null = null;
  return { get: () => (value ??= load()), loaded: () => value };
}

/** Why a record cannot be tagged, or null when it can. */
function recordProblem(record: QueueRecord): string | null {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return 'the record is not a JSON object';
  if (typeof record.text !== 'string') return `the record has no "text" string (got ${record.text === undefined ? 'none' : JSON.stringify(record.text).slice(0, 40)})`;
  if (record.caption !== undefined && record.caption !== null && typeof record.caption !== 'string') return '"caption" must be a string';
  if (record.image !== undefined && record.image !== null && typeof record.image !== 'string') return '"image" must be a file path';
  return null;
}

function checkJobData(data: unknown): JobData {
  const d = data as Partial<JobData> | null;
  if (d === null || typeof d !== 'object') throw new UnrecoverableError(`job data is malformed: expected {index, records}, got ${JSON.stringify(data)?.slice(0, 60)}`);
  if (!Number.isInteger(d.index) || (d.index as number) < 0) throw new UnrecoverableError(`job data is malformed: "index" must be a whole number >= 0, got ${JSON.stringify(d.index)}`);
  if (!Array.isArray(d.records)) throw new UnrecoverableError(`job data is malformed: "records" must be an array, got ${JSON.stringify(d.records)?.slice(0, 60)}`);
  return d as JobData;
}
