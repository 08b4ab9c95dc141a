import { joinBytes } from './byte-source';

/** Called once per line with the line's bytes bytes[start, end) (no \n or \r\n) and its 1-based number. */
export type LineHandler = (bytes: Uint8Array, start: number, end: number, lineNumber: number) => void;

/**
 * Splits a stream of byte chunks into lines without decoding them first, so rows a vocabulary
 * does not need cost only a scan for their first space.
 */
export class LineSplitter {
  private rest: Uint8Array | null = null;
  private lineNumber = 0;

  push(chunk: Uint8Array, onLine: LineHandler): void {
    const buf = joinBytes(this.rest, chunk);
    let start = 0;
    let newline = buf.indexOf(10, start);
    while (newline >= 0) {
      const end = newline > start && buf[newline - 1] === 13 ? newline - 1 : newline;
      onLine(buf, start, end, ++this.lineNumber);
      start = newline + 1;
      newline = buf.indexOf(10, start);
    }
    this.rest = start < buf.length ? buf.subarray(start) : null;
  }

  /** Flushes a last line that has no trailing newline. */
  end(onLine: LineHandler): void {
    if (this.rest && this.rest.length > 0) {
      const buf = this.rest;
      const end = buf[buf.length - 1] === 13 ? buf.length - 1 : buf.length;
      onLine(buf, 0, end, ++this.lineNumber);
    }
    this.rest = null;
  }
}
