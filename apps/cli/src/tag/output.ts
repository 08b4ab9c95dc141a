import { existsSync, promises as fsp } from 'node:fs';
import type { Writable } from 'node:stream';

/** Where a `--resume` run picks up: how many records the output already holds, and the last one's id. */
export interface ResumePoint {
  done: number;
  lastId: string | number | null;
}

/**
 * Reads what an interrupted run left in `file`: complete lines count as done; a torn last line
 * (the process died while writing it) is cut off, so the file again ends on a record boundary.
 */
export async function resumePoint(file: string): Promise<ResumePoint> {
  if (!existsSync(file)) return { done: 0, lastId: null };
  const text = await fsp.readFile(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) await fsp.truncate(file, Buffer.byteLength(text.slice(0, end)));
  const complete = text.slice(0, end);
  if (complete === '') return { done: 0, lastId: null };
  const lines = complete.split('\n');
  lines.pop();
  let lastId: string | number | null = null;
  try {
    lastId = (JSON.parse(lines[lines.length - 1]) as { id: string | number }).id;
  } catch {
    throw new Error(`--resume: the last complete line of ${file} is not a trimod tag record; is this the right --out?`);
  }
  return { done: lines.length, lastId };
}

/** Writes lines to a stream, waiting when it is full (a slow consumer holds the producer back). */
export class LineWriter {
  constructor(private readonly out: Writable) {}

  async write(line: string): Promise<void> {
    if (!this.out.write(line + '\n')) {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          this.out.off('drain', done);
          this.out.off('error', done);
          if (err) reject(err);
          else resolve();
        };
        this.out.on('drain', done);
        this.out.on('error', done);
      });
    }
  }

  async close(): Promise<void> {
    if (this.out === process.stdout) return;
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
