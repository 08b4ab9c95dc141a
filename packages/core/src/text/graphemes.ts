/**
 * Grapheme-cluster boundaries (extended grapheme clusters, UAX #29) through `Intl.Segmenter`.
 *
 * Why `Intl.Segmenter` and no fallback: every runtime we target has it (Node >= 16 with its
 * bundled ICU, Chrome/Edge >= 87, Safari >= 14.1, Firefox >= 125) and the WebGPU/WASM backends
 * already need browsers at least that recent. A hand-written fallback would have to carry the
 * Unicode property tables (Extend, SpacingMark, Prepend, Extended_Pictographic, Indic conjunct
 * rules) and would drift from the platform's Unicode version; a wrong fallback is worse than a
 * clear error. Runtimes without it (Node built `--without-intl`) get that error on first use.
 *
 * Why windows: V8's segment iterator is super-linear on long strings (measured on Node 20:
 * 30,000 chars in 87 ms but 100,000 chars in 23 s), so we segment fixed-size windows. Grapheme
 * rules only look backwards inside the current cluster (plus the code point after a boundary),
 * so when a window starts on a true boundary, every boundary it reports before its own end is a
 * true boundary; only its last cluster may be cut short, and the next window starts there.
 */

const WINDOW = 2048;

let cachedSegmenter: Intl.Segmenter | undefined;

/** The shared grapheme segmenter; throws a clear error where the runtime lacks `Intl.Segmenter`. */
export function graphemeSegmenter(): Intl.Segmenter {
  if (cachedSegmenter === undefined) {
    if (typeof Intl === 'undefined' || typeof Intl.Segmenter !== 'function') {
      throw new Error(
        '@trimod/core text: Intl.Segmenter is not available in this runtime; the tokenizer needs it ' +
          'to keep grapheme clusters whole (Node >= 16 with ICU, or a browser from 2021 on / Firefox >= 125).',
      );
    }
    cachedSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  }
  return cachedSegmenter;
}

/** ASCII without CR: text where every character is a grapheme cluster of its own. */
function isPlainAscii(text: string): boolean {
  for (let k = 0; k < text.length; k += 1) {
    const code = text.charCodeAt(k);
    if (code >= 128 || code === 13) return false;
  }
  return true;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Offsets (UTF-16 code units) where grapheme clusters start, followed by `text.length`:
 * cluster `i` is `text.slice(b[i], b[i + 1])`. Empty text gives `[0]`. Linear in `text.length`.
 */
export function graphemeBoundaries(text: string): number[] {
  const boundaries: number[] = [];
  const length = text.length;
  const segmenter = graphemeSegmenter();
  let start = 0;
  while (start < length) {
    let windowEnd = Math.min(length, start + WINDOW);
    // Never cut a surrogate pair: the boundary before it depends on the whole code point.
    if (windowEnd < length && isHighSurrogate(text.charCodeAt(windowEnd - 1)) && isLowSurrogate(text.charCodeAt(windowEnd))) {
      windowEnd += 1;
    }
    const window = text.slice(start, windowEnd);
    if (isPlainAscii(window)) {
      // Every ASCII character but CR (CR LF is one cluster) is a cluster of its own; the last
      // one may still take combining marks from the next window, so it is left to that window.
      const last = windowEnd === length ? windowEnd : windowEnd - 1;
      for (let p = start; p < last; p += 1) boundaries.push(p);
      if (windowEnd === length) break;
      start = last;
      continue;
    }
    let lastStart = 0;
    let count = 0;
    for (const segment of segmenter.segment(window)) {
      lastStart = segment.index;
      if (windowEnd === length || segment.index + segment.segment.length < window.length) {
        boundaries.push(start + segment.index);
      }
      count += 1;
    }
    if (windowEnd === length) break;
    if (count === 1) {
      // One cluster fills the whole window (e.g. thousands of combining marks): it may go on
      // past the window, so look again from the same start with a window twice as long.
      start = growWindow(text, start, boundaries, segmenter);
      continue;
    }
    start += lastStart;
  }
  boundaries.push(length);
  return boundaries;
}

/** Handles a cluster longer than a window: segments from `start` until a second cluster begins. */
function growWindow(text: string, start: number, boundaries: number[], segmenter: Intl.Segmenter): number {
  let size = WINDOW * 2;
  for (;;) {
    let windowEnd = Math.min(text.length, start + size);
    if (windowEnd < text.length && isHighSurrogate(text.charCodeAt(windowEnd - 1)) && isLowSurrogate(text.charCodeAt(windowEnd))) {
      windowEnd += 1;
    }
    const iterator = segmenter.segment(text.slice(start, windowEnd))[Symbol.iterator]();
    const first = iterator.next();
    const second = iterator.next();
    if (!second.done || windowEnd === text.length) {
      boundaries.push(start);
      // With a second cluster the first one has ended; at the end of the text it ends there.
      return second.done ? text.length : start + (first.value as Intl.SegmentData).segment.length;
    }
    size *= 2;
  }
}
