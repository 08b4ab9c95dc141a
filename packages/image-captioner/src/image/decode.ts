import * as jpeg from 'jpeg-js';
import { checkImageSize, jpegSize, MAX_IMAGE_PIXELS, pngSize } from './dimensions';
// './png-node' is pngjs in Node; the browser build resolves it to './png-browser' (tsup.browser.ts).
import { decodePngRgba, decodePngRgbaAsync, type RgbaPixels } from './png-node';

/** Decoded pixels: RGB, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type ImageFormat = 'jpeg' | 'png';

/** Recognises JPEG and PNG by their magic bytes (file names lie; bytes do not). */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  return null;
}

/** The format of `bytes`, after refusing unknown formats and oversized headers by name. */
function checkedFormat(bytes: Uint8Array, name: string): ImageFormat {
  const format = sniffFormat(bytes);
  if (format === null) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`image ${name}: unsupported format (not JPEG or PNG; first bytes ${head || 'none: empty file'})`);
  }
  // Refused from the header, before the decoder allocates width × height pixels.
  checkImageSize(format === 'png' ? pngSize(bytes) : jpegSize(bytes), name);
  return format;
}

function decodeJpeg(bytes: Uint8Array): RgbImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
  if (img.width === 0 || img.height === 0) throw new Error('no pixels');
  return { width: img.width, height: img.height, data: img.data };
}

/** RGBA to RGB, transparency composited over white the way a viewer shows it. */
function overWhite(png: RgbaPixels): RgbImage {
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let p = 0, q = 0; p < png.data.length; p += 4, q += 3) {
    const a = png.data[p + 3] / 255;
    for (let c = 0; c < 3; c++) rgb[q + c] = Math.round(png.data[p + c] * a + 255 * (1 - a));
  }
  return { width: png.width, height: png.height, data: rgb };
}

function corrupt(format: ImageFormat, name: string, err: unknown): Error {
  return new Error(`image ${name}: corrupt ${format.toUpperCase()} (${(err as Error).message})`);
}

/**
 * Decodes a JPEG or PNG file's bytes to RGB. PNG transparency is composited over white, the
 * way a viewer shows it. `name` (a path or label) appears in every error. An image whose header
 * declares more than MAX_IMAGE_PIXELS is refused before decoding. Synchronous: PNG needs Node
 * here (pngjs); browsers use decodeImageAsync.
 */
export function decodeImage(bytes: Uint8Array, name: string): RgbImage {
  const format = checkedFormat(bytes, name);
  try {
    return format === 'jpeg' ? decodeJpeg(bytes) : overWhite(decodePngRgba(bytes));
  } catch (err) {
    throw corrupt(format, name, err);
  }
}

/** decodeImage for both Node and browsers: in a browser PNG goes through the browser's decoder. */
export async function decodeImageAsync(bytes: Uint8Array, name: string): Promise<RgbImage> {
  const format = checkedFormat(bytes, name);
  try {
    return format === 'jpeg' ? decodeJpeg(bytes) : overWhite(await decodePngRgbaAsync(bytes));
  } catch (err) {
    throw corrupt(format, name, err);
  }
}
