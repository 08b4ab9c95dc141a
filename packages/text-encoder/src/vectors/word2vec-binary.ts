import { decodeUtf8, joinBytes, openSource, type ProgressCallback, type VectorSource } from './byte-source';
import { VectorCollector, type WordVectors } from './vector-collector';
import { VectorFileError } from './vector-file-error';

const NEWLINE = 10;
const CR = 13;
const SPACE = 32;
/** Longest word we accept before calling the file malformed (a missing space would run on). */
const MAX_WORD_BYTES = 4096;

/**
 * Streams a word2vec binary file ("<count> <dim>\n", then per word: the word, a space, D
 * little-endian float32s, and usually a newline) chunk by chunk, keeping the rows `words`
 * needs. A row split across chunks waits, with the bytes left over, for the next chunk.
 */
export async function readWord2VecBinary(
  source: VectorSource,
  words: readonly string[],
  normalize: (token: string) => string,
  onProgress?: ProgressCallback,
): Promise<WordVectors> {
  const opened = await openSource(source);
  const file = opened.name;
  const collector = new VectorCollector(words, { normalize });
  let declaredRows = -1;
  let dim = 0;
  let entries = 0;
  let rest: Uint8Array | null = null;
  let consumed = 0; // bytes of the file before `rest`
  let bytesRead = 0;

  const parse = (buf: Uint8Array): number => {
    let pos = 0;
    if (declaredRows < 0) {
      const newline = buf.indexOf(NEWLINE);
      if (newline < 0) {
        if (buf.length > 256) throw new VectorFileError(file, 'header', 'no newline after the first 256 bytes; is this a word2vec binary file?');
        return 0;
      }
      const header = decodeUtf8(buf, 0, newline).trim().split(/\s+/);
      if (header.length !== 2 || !/^\d+$/.test(header[0]) || !/^\d+$/.test(header[1]) || Number(header[1]) < 1) {
        throw new VectorFileError(file, 'header', `word2vec header must be "<word count> <dimensions>", found "${header.join(' ').slice(0, 80)}"`);
      }
      declaredRows = Number(header[0]);
      dim = Number(header[1]);
      collector.setDim(dim);
      pos = newline + 1;
    }
    const rowBytes = dim * 4;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const values = new Float32Array(dim);
    while (pos < buf.length) {
      let wordStart = pos;
      while (wordStart < buf.length && (buf[wordStart] === NEWLINE || buf[wordStart] === CR)) wordStart++;
      if (wordStart >= buf.length) return buf.length;
      if (entries >= declaredRows) {
        throw new VectorFileError(file, `byte ${consumed + wordStart}`, `the header declares ${declaredRows} words but more data follows`);
      }
      const space = buf.indexOf(SPACE, wordStart);
      if (space < 0 || space - wordStart > MAX_WORD_BYTES) {
        if (buf.length - wordStart > MAX_WORD_BYTES) {
          throw new VectorFileError(file, `entry ${entries + 1} (byte ${consumed + wordStart})`, `no space after ${MAX_WORD_BYTES} bytes of word; the file does not match its header (${declaredRows} words × ${dim} dimensions)`);
        }
        return pos; // the word continues in the next chunk
      }
      if (buf.length - (space + 1) < rowBytes) return pos; // the values continue in the next chunk
      const word = decodeUtf8(buf, wordStart, space);
      entries++;
      if (collector.wants(word)) {
        const base = space + 1;
        for (let j = 0; j < dim; j++) {
          const v = view.getFloat32(base + j * 4, true);
          if (!Number.isFinite(v)) {
            throw new VectorFileError(file, `entry ${entries} (byte ${consumed + wordStart})`, `value ${j + 1} of "${word}" is not a finite number (${v})`);
          }
          values[j] = v;
        }
        collector.accept(values);
      }
      pos = space + 1 + rowBytes;
    }
    return pos;
  };

  for await (const chunk of opened.chunks) {
    const buf = joinBytes(rest, chunk);
    const used = parse(buf);
    rest = used < buf.length ? buf.slice(used) : null;
    consumed += used;
    bytesRead += chunk.length;
    onProgress?.(bytesRead, opened.size);
  }
  if (declaredRows < 0) throw new VectorFileError(file, 'header', 'the file ends before its header "<word count> <dimensions>" does');
  if (rest && rest.some((b) => b !== NEWLINE && b !== CR)) {
    throw new VectorFileError(file, `entry ${entries + 1} (byte ${consumed})`, `the file ends inside an entry (${rest.length} bytes left, an entry needs a word, a space and ${dim * 4} bytes)`);
  }
  if (entries !== declaredRows) {
    throw new VectorFileError(file, 'end of file', `the header declares ${declaredRows} words but the file has ${entries}`);
  }
  return collector.result(file);
}
