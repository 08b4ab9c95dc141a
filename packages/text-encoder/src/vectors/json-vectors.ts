import { decodeUtf8, joinBytes, openSource, type ProgressCallback, type VectorSource } from './byte-source';
import { VectorCollector, type WordVectors } from './vector-collector';
import { VectorFileError } from './vector-file-error';

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const isWhitespace = (b: number) => b === 32 || b === 10 || b === 13 || b === 9;

type State = 'start' | 'key' | 'colon' | 'value' | 'vectorsOpen' | 'entry' | 'afterVectors' | 'done';

/**
 * Streams a JSON vector file of the wink-embeddings shape
 *   {"dimensions": D, ..., "vectors": {"word": [v1, …, vD, (extra values ignored)], …}, ...}
 * without JSON.parse of the whole (≈300 MB) file: top-level values other than `dimensions` and
 * `vectors` are skipped by a bracket/string-aware byte scanner, and inside `vectors` each
 * entry is found with native indexOf (its array holds only numbers) and parsed only when the
 * vocabulary needs it. `dimensions` must come before `vectors`, as in the wink files.
 */
export async function readJsonVectors(
  source: VectorSource,
  words: readonly string[],
  normalize: (token: string) => string,
  onProgress?: ProgressCallback,
): Promise<WordVectors> {
  const opened = await openSource(source);
  const file = opened.name;
  const collector = new VectorCollector(words, { normalize });
  let state: State = 'start';
  let key = '';
  // Scanner state for skipping a top-level value, kept across chunks.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let captured = '';
  let consumed = 0;
  let entries = 0;

  const fail = (offset: number, problem: string): never => {
    throw new VectorFileError(file, `byte ${consumed + offset}`, problem);
  };

  /** End (exclusive, after the closing quote) of the string starting at `open`, or -1 if the chunk ends first. */
  const stringEnd = (buf: Uint8Array, open: number): number => {
    let i = open + 1;
    for (;;) {
      const q = buf.indexOf(QUOTE, i);
      if (q < 0) return -1;
      let slashes = 0;
      for (let k = q - 1; k > open && buf[k] === BACKSLASH; k--) slashes++;
      if (slashes % 2 === 0) return q + 1;
      i = q + 1;
    }
  };
  const readString = (buf: Uint8Array, open: number, end: number): string => {
    const raw = decodeUtf8(buf, open + 1, end - 1);
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  };

  /** Parses as much of buf as forms whole units; returns the bytes used. */
  const parse = (buf: Uint8Array): number => {
    let pos = 0;
    while (pos < buf.length && state !== 'done') {
      if (state !== 'value') {
        while (pos < buf.length && isWhitespace(buf[pos])) pos++;
        if (pos >= buf.length) return pos;
      }
      const b = buf[pos];
      switch (state as State) {
        case 'start':
          if (b !== OPEN_BRACE) fail(pos, 'expected "{" at the start of the JSON vector file');
          state = 'key';
          pos++;
          break;
        case 'key': {
          if (b === CLOSE_BRACE) {
            state = 'done';
            pos++;
            break;
          }
          if (b === COMMA) {
            pos++;
            break;
          }
          if (b !== QUOTE) fail(pos, `expected a key in the top-level object, found "${String.fromCharCode(b)}"`);
          const end = stringEnd(buf, pos);
          if (end < 0) return pos;
          key = readString(buf, pos, end);
          state = 'colon';
          pos = end;
          break;
        }
        case 'colon':
          if (b !== COLON) fail(pos, `expected ":" after key "${key}"`);
          pos++;
          if (key === 'vectors') {
            if (collector.dim === 0) fail(pos, '"vectors" comes before "dimensions"; the loader needs D first');
            state = 'vectorsOpen';
          } else {
            state = 'value';
            depth = 0;
            inString = false;
            escaped = false;
            captured = '';
          }
          break;
        case 'value': {
          // Skip (or, for "dimensions", capture) the value up to the "," or "}" that ends it.
          const from = pos;
          let ended = false;
          for (; pos < buf.length; pos++) {
            const c = buf[pos];
            if (inString) {
              if (escaped) escaped = false;
              else if (c === BACKSLASH) escaped = true;
              else if (c === QUOTE) inString = false;
            } else if (c === QUOTE) inString = true;
            else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
            else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
              if (depth === 0) {
                ended = true;
                break;
              }
              depth--;
            } else if (c === COMMA && depth === 0) {
              ended = true;
              break;
            }
          }
          if (key === 'dimensions') captured += decodeUtf8(buf, from, pos);
          if (ended) {
            if (key === 'dimensions') {
              const d = Number(captured.trim());
              if (!Number.isInteger(d) || d < 1) fail(pos, `"dimensions" must be a positive integer, found ${captured.trim()}`);
              collector.setDim(d);
            }
            state = 'key';
          }
          break;
        }
        case 'vectorsOpen':
          if (b !== OPEN_BRACE) fail(pos, '"vectors" must be an object of word → array of numbers');
          state = 'entry';
          pos++;
          break;
        case 'entry': {
          if (b === CLOSE_BRACE) {
            state = 'afterVectors';
            pos++;
            break;
          }
          if (b === COMMA) {
            pos++;
            break;
          }
          if (b !== QUOTE) fail(pos, `expected a word in "vectors", found "${String.fromCharCode(b)}"`);
          const end = stringEnd(buf, pos);
          if (end < 0) return pos;
          let open = end;
          while (open < buf.length && isWhitespace(buf[open])) open++;
          if (open < buf.length && buf[open] !== COLON) fail(open, 'expected ":" after a word in "vectors"');
          open++;
          while (open < buf.length && isWhitespace(buf[open])) open++;
          if (open >= buf.length) return pos;
          if (buf[open] !== OPEN_BRACKET) fail(open, `the vector of ${decodeUtf8(buf, pos, end)} is not an array`);
          const close = buf.indexOf(CLOSE_BRACKET, open);
          if (close < 0) return pos; // the entry continues in the next chunk
          entries++;
          const word = readString(buf, pos, end);
          if (collector.wants(word)) {
            const fields = decodeUtf8(buf, open + 1, close).split(',');
            const D = collector.dim;
            if (fields.length < D) fail(open, `"${word}" has ${fields.length} values, expected at least ${D} ("dimensions")`);
            const values = new Float32Array(D);
            for (let j = 0; j < D; j++) {
              const v = Number(fields[j]);
              if (!Number.isFinite(v) || fields[j].trim() === '') fail(open, `value ${j + 1} of "${word}" is not a number: "${fields[j].trim()}"`);
              values[j] = v;
            }
            collector.accept(values);
          }
          pos = close + 1;
          break;
        }
        case 'afterVectors':
          if (b === COMMA) {
            state = 'key';
            pos++;
          } else if (b === CLOSE_BRACE) {
            state = 'done';
            pos++;
          } else fail(pos, 'expected "," or "}" after "vectors"');
          break;
        case 'done':
          break;
      }
    }
    return pos;
  };

  let rest: Uint8Array | null = null;
  let bytesRead = 0;
  for await (const chunk of opened.chunks) {
    const buf = joinBytes(rest, chunk);
    const used = parse(buf);
    rest = used < buf.length ? buf.slice(used) : null;
    consumed += used;
    bytesRead += chunk.length;
    onProgress?.(bytesRead, opened.size);
  }
  if ((state as State) !== 'done') fail(0, `the file ends inside the JSON (after ${entries} vectors); is it truncated?`);
  if (collector.dim === 0) fail(0, 'no "dimensions" key was found');
  return collector.result(file);
}
