import { PNG } from 'pngjs';

/** A decoded PNG: RGBA, row-major, 4 bytes per pixel, not premultiplied. */
export interface RgbaPixels {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * PNG bytes to RGBA with pngjs (Node's zlib and Buffer). The browser build of this package
 * swaps this file for png-browser.ts (see tsup.browser.ts), so pngjs never reaches a browser bundle.
 */
export function decodePngRgba(bytes: Uint8Array): RgbaPixels {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, data: png.data };
}

/** The same, for callers that can wait (the browser's decoder is asynchronous). */
export async function decodePngRgbaAsync(bytes: Uint8Array): Promise<RgbaPixels> {
  return decodePngRgba(bytes);
}
