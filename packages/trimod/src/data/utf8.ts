import { DataFormatError } from './errors';

/** Strict UTF-8 decoding; on a bad byte, a DataFormatError naming the line and column that hold it. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Rare path: find the first line that does not decode on its own.
    const line = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let start = 0;
    for (let lineNo = 1; start <= bytes.length; lineNo++) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      const slice = bytes.subarray(start, end);
      try {
        line.decode(slice);
      } catch {
        const column = firstBadByte(slice);
        throw new DataFormatError(file, lineNo, `invalid UTF-8 (byte 0x${slice[column].toString(16).padStart(2, '0')} at byte ${column + 1} of the line); save the file as UTF-8`);
      }
      start = end + 1;
    }
    throw new DataFormatError(file, 0, 'invalid UTF-8');
  }
}

/** Index of the first byte at which a line stops being UTF-8 (the line is known to be invalid). */
function firstBadByte(slice: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let good = 0;
  // The longest prefix that decodes ends at most 3 bytes before the bad sequence's start.
  for (let n = 1; n <= slice.length; n++) {
    try {
      strict.decode(slice.subarray(0, n));
      good = n;
    } catch {
      if (n - good > 3) break;
    }
  }
  return Math.min(good, slice.length - 1);
}
