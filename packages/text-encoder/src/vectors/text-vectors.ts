import { decodeUtf8, openSource, type ProgressCallback, type VectorSource } from './byte-source';
import { LineSplitter } from './line-splitter';
import { VectorCollector, type WordVectors } from './vector-collector';
import { VectorFileError } from './vector-file-error';

/** Options shared by the vector loaders. */
export interface VectorLoadOptions {
  /** Normaliser shared with the vocabulary; defaults to core's normalizeToken. */
  normalize?: (token: string) => string;
  /** Called after each chunk with the bytes read so far (and the total when known). */
  onProgress?: ProgressCallback;
}

const SPACE = 32;
const TAB = 9;
const isSpace = (b: number) => b === SPACE || b === TAB;

/** Counts whitespace-separated fields in bytes[start, end). */
function countFields(bytes: Uint8Array, start: number, end: number): number {
  let fields = 0;
  let inField = false;
  for (let i = start; i < end; i++) {
    const space = isSpace(bytes[i]);
    if (!space && !inField) fields++;
    inField = !space;
  }
  return fields;
}

function isNumber(text: string): boolean {
  return text.length > 0 && Number.isFinite(Number(text));
}

/**
 * Parses the values of a kept row; throws on a non-numeric value. Only rows the vocabulary
 * needs are parsed: a multi-GB file holds far more numbers than it is worth parsing.
 */
function parseValues(text: string, dim: number, file: string, line: number, word: string): Float32Array {
  const fields = text.split(/[ \t]+/).filter((f) => f.length > 0);
  const values = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const v = Number(fields[j]);
    if (!Number.isFinite(v) || fields[j].length === 0) {
      throw new VectorFileError(file, `line ${line}`, `value ${j + 1} of "${word}" is not a number: "${fields[j]}"`);
    }
    values[j] = v;
  }
  return values;
}

type TextFormat = 'word2vec' | 'glove';

/**
 * Streams a text vector file and keeps the rows `words` (vocabulary order) needs.
 * word2vec text: a header line "<count> <dim>", then "<word> v1 … vD" per line.
 * GloVe text: no header; D is read off the first line.
 */
export async function readTextVectors(
  source: VectorSource,
  words: readonly string[],
  format: TextFormat,
  normalize: (token: string) => string,
  onProgress?: ProgressCallback,
): Promise<WordVectors> {
  const opened = await openSource(source);
  const file = opened.name;
  const collector = new VectorCollector(words, { normalize });
  const splitter = new LineSplitter();
  let declaredRows = -1;
  let dataRows = 0;

  const onLine = (bytes: Uint8Array, start: number, end: number, line: number): void => {
    let last = end;
    while (last > start && isSpace(bytes[last - 1])) last--;
    if (last === start) return; // blank lines (e.g. at the end of a file) carry nothing
    if (format === 'word2vec' && declaredRows < 0) {
      const header = decodeUtf8(bytes, start, last).trim().split(/[ \t]+/);
      if (header.length !== 2 || !/^\d+$/.test(header[0]) || !/^\d+$/.test(header[1]) || Number(header[1]) < 1) {
        throw new VectorFileError(file, `line ${line}`, `word2vec header must be "<word count> <dimensions>", found "${header.join(' ')}"`);
      }
      declaredRows = Number(header[0]);
      collector.setDim(Number(header[1]));
      return;
    }
    if (isSpace(bytes[start])) throw new VectorFileError(file, `line ${line}`, 'the line starts with whitespace, so its word is empty');
    let wordEnd = start;
    while (wordEnd < last && !isSpace(bytes[wordEnd])) wordEnd++;
    const fields = countFields(bytes, wordEnd, last);
    if (collector.dim === 0) {
      // GloVe: the first row fixes D.
      if (fields === 0) throw new VectorFileError(file, `line ${line}`, 'the first row has a word but no values');
      if (fields === 1 && /^\d+ \d+$/.test(decodeUtf8(bytes, start, last))) {
        throw new VectorFileError(file, `line ${line}`, 'this looks like a word2vec header; load the file as word2vec text');
      }
      collector.setDim(fields);
    }
    const D = collector.dim;
    dataRows++;
    if (declaredRows >= 0 && dataRows > declaredRows) {
      throw new VectorFileError(file, `line ${line}`, `the header declares ${declaredRows} words but the file has more rows`);
    }
    let valuesStart = wordEnd;
    let word: string;
    if (fields === D) {
      word = decodeUtf8(bytes, start, wordEnd);
    } else {
      const all = decodeUtf8(bytes, start, last).split(/[ \t]+/);
      // Some GloVe releases hold words with spaces ("at name@domain.com"): accept the extra
      // leading fields as part of the word only when they are not numbers.
      if (format === 'glove' && fields > D && !isNumber(all[1])) {
        const wordFields = all.length - D;
        word = all.slice(0, wordFields).join(' ');
        const rest = all.slice(wordFields).join(' ');
        if (collector.wants(word)) collector.accept(parseValues(rest, D, file, line, word));
        return;
      }
      throw new VectorFileError(file, `line ${line}`, `"${all[0]}" has ${fields} values, expected ${D}`);
    }
    if (collector.wants(word)) {
      while (valuesStart < last && isSpace(bytes[valuesStart])) valuesStart++;
      collector.accept(parseValues(decodeUtf8(bytes, valuesStart, last), D, file, line, word));
    }
  };

  let bytesRead = 0;
  for await (const chunk of opened.chunks) {
    splitter.push(chunk, onLine);
    bytesRead += chunk.length;
    onProgress?.(bytesRead, opened.size);
  }
  splitter.end(onLine);
  if (format === 'word2vec') {
    if (declaredRows < 0) throw new VectorFileError(file, 'line 1', 'the file is empty: a word2vec header "<word count> <dimensions>" was expected');
    if (dataRows !== declaredRows) {
      throw new VectorFileError(file, 'end of file', `the header declares ${declaredRows} words but the file has ${dataRows}`);
    }
  }
  if (collector.dim === 0) throw new VectorFileError(file, 'line 1', 'the file holds no vectors');
  return collector.result(file);
}
