import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { PostInput } from '@trimod/trimod';

export type InputFormat = 'jsonl' | 'text' | 'twitter';
export const INPUT_FORMATS: InputFormat[] = ['jsonl', 'text', 'twitter'];

/**
 * A record read from the input, ready for predictStream: a post, or (`problem` set) a line that
 * could not be read as one, which still gets its own output line so outputs stay one per record.
 */
export type InputRecord = PostInput & { problem?: string };

/** The format a file's name suggests: `.txt` files in IMGID blocks are `twitter`, others `text`; stdin and `.jsonl` are `jsonl`. */
export function guessFormat(file: string | null, firstLine: string | null): InputFormat {
  if (!file || /\.jsonl?$/i.test(file)) return 'jsonl';
  return firstLine !== null && /^IMGID:/.test(firstLine.replace(/^\uFEFF/, '')) ? 'twitter' : 'text';
}

export function openInput(file: string | null): Readable {
  return file ? createReadStream(file) : process.stdin;
}

/** The input's lines (a byte-order mark dropped, CRLF accepted), numbered from 1. */
async function* lines(input: Readable): AsyncGenerator<{ line: string; n: number }> {
  let n = 0;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    yield { line: n === 1 ? raw.replace(/^\uFEFF/, '') : raw, n };
  }
}

/**
 * Records of an input in one of the three formats:
 * - jsonl: one `{"id"?, "text", "caption"?, "image"?}` a line (id: the line number when absent);
 *   blank lines are skipped;
 * - text: one post a line, ids are line numbers (blank lines are posts without entities);
 * - twitter: IMGID blocks of `token<TAB>tag` lines (tags ignored), text = tokens joined by spaces, ids are the IMGIDs.
 */
export async function* readRecords(input: Readable, format: InputFormat, where: string): AsyncGenerator<InputRecord> {
  if (format === 'text') {
    for await (const { line, n } of lines(input)) yield { id: n, text: line };
  } else if (format === 'jsonl') {
    for await (const { line, n } of lines(input)) {
      if (line.trim() === '') continue;
      yield jsonRecord(line, n, where);
    }
  } else {
    yield* twitterRecords(lines(input), where);
  }
}

function jsonRecord(line: string, n: number, where: string): InputRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { id: n, text: '', problem: `${where}:${n}: not JSON (${(err as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { id: n, text: '', problem: `${where}:${n}: expected an object {"text": ...}` };
  }
  const r = value as Record<string, unknown>;
  if (r.image !== undefined && r.image !== null && typeof r.image !== 'string') {
    return { id: (r.id as string) ?? n, text: '', problem: `${where}:${n}: "image" must be a file path` };
  }
  // Other field problems (no text, a caption that is not a string) are named by predictStream.
  return { ...(r as unknown as PostInput), id: r.id === undefined ? n : (r.id as string | number) };
}

async function* twitterRecords(source: AsyncGenerator<{ line: string; n: number }>, where: string): AsyncGenerator<InputRecord> {
  let id: string | null = null;
  let tokens: string[] = [];
  let problem: string | undefined;
  for await (const { line, n } of source) {
    if (line.startsWith('IMGID:')) {
      if (id !== null) yield block(id, tokens, problem);
      id = line.slice(6).trim();
      tokens = [];
      problem = undefined;
    } else if (line.trim() === '') {
      continue;
    } else if (id === null) {
      throw new Error(`${where}:${n}: expected an "IMGID:<id>" line before the tokens`);
    } else {
      const token = line.split('\t')[0];
      if (token.trim() === '' || /\s/.test(token)) problem ??= `${where}:${n}: a token must be one word without spaces, got ${JSON.stringify(token)}`;
      tokens.push(token);
    }
  }
  if (id !== null) yield block(id, tokens, problem);
}

function block(id: string, tokens: string[], problem: string | undefined): InputRecord {
  return { id, text: tokens.join(' '), ...(problem ? { problem } : {}) };
}
