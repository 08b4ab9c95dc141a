import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * One input record as it travels in a job. Only its shape as JSON is checked here: a record the
 * model cannot tag (no text, a caption that is not a string, ...) still travels, and the worker
 * answers it with an error line, so one bad record never holds back the rest of the file.
 */
export interface QueueRecord {
  id: unknown;
  text?: unknown;
  caption?: unknown;
  image?: unknown;
}

/** What a job carries: its place in the input and its records. */
export interface JobData {
  index: number;
  records: QueueRecord[];
}

export interface PlannedJob {
  id: string;
  data: JobData;
}

export const DEFAULT_JOB_SIZE = 64;

/**
 * Reads a JSONL file, one JSON object a line (`{"id", "text", "caption"?, "image"?}`); blank lines
 * are skipped. `id` defaults to the 1-based line number. A relative image path is resolved
 * against the file's folder, since workers run elsewhere (they must see the same path).
 * A line that is not a JSON object is refused with file:line: the file itself is malformed.
 */
export async function readRecords(file: string): Promise<QueueRecord[]> {
  const records: QueueRecord[] = [];
  const dir = path.dirname(path.resolve(file));
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(new Error(`cannot read ${file}: ${err.message}`)));
  });
  await opened;
  let line = 0;
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${file}:${line}: not JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${file}:${line}: expected a JSON object like {"id": ..., "text": ...}, got ${raw.slice(0, 40)}`);
    }
    const record = { ...(value as Record<string, unknown>) } as unknown as QueueRecord;
    record.id = record.id ?? line;
    if (typeof record.image === 'string' && record.image !== '') record.image = path.resolve(dir, record.image);
    records.push(record);
  }
  return records;
}

/**
 * A job id that depends only on the queue, the job's place and its content: enqueueing the same
 * file again gives the same ids, which BullMQ refuses to add twice.
 */
export function jobId(queue: string, index: number, records: QueueRecord[]): string {
  const digest = createHash('sha256').update(JSON.stringify([queue, index, records])).digest('hex').slice(0, 16);
  // BullMQ refuses ids that look like integers or contain ':'.
  return `job-${String(index).padStart(6, '0')}-${digest}`;
}

/** Splits records into jobs of `jobSize` (the last may be shorter), in input order. */
export function planJobs(queue: string, records: QueueRecord[], jobSize: number = DEFAULT_JOB_SIZE): PlannedJob[] {
  if (!Number.isInteger(jobSize) || jobSize < 1) throw new Error(`--job-size must be a whole number >= 1, got ${jobSize}`);
  const jobs: PlannedJob[] = [];
  for (let start = 0, index = 0; start < records.length; start += jobSize, index++) {
    const chunk = records.slice(start, start + jobSize);
    jobs.push({ id: jobId(queue, index, chunk), data: { index, records: chunk } });
  }
  return jobs;
}
