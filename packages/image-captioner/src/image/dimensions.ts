/**
 * Image dimensions read from the file header, before any pixel is decoded. A decompression
 * bomb (a few kB of PNG declaring 30000 × 30000) would otherwise make the decoder allocate
 * width × height × 4 bytes (3.6 GB) before failing; with this it is refused at once.
 */

/**
 * The most pixels an image may have: 50 million (e.g. 8660 × 5773, a 50 MP photo). The
 * captioner shrinks every image to a few hundred pixels a side, so nothing real is lost;
 * decoding that many takes about 200 MB (RGBA).
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

export interface ImageSize {
  width: number;
  height: number;
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23), or null when the header is cut short. */
export function pngSize(bytes: Uint8Array): ImageSize | null {
  // 8-byte signature, then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4), big-endian.
  if (bytes.length < 24) return null;
  const isIhdr = bytes[12] === 0x49 && bytes[13] === 0x48 && bytes[14] === 0x44 && bytes[15] === 0x52;
  if (!isIhdr) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Width and height from a JPEG's frame header (SOFn), or null when there is none before the scan. */
export function jpegSize(bytes: Uint8Array): ImageSize | null {
  let i = 2; // after SOI
  while (i + 3 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // start of scan / end of image: no frame header
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 8 >= bytes.length) return null;
      return { height: (bytes[i + 5] << 8) | bytes[i + 6], width: (bytes[i + 7] << 8) | bytes[i + 8] };
    }
    i += 2 + length;
  }
  return null;
}

/** Throws "image too large (W × H)" when the header declares more than MAX_IMAGE_PIXELS. */
export function checkImageSize(size: ImageSize | null, name: string): void {
  if (size && size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new Error(
      `image ${name}: image too large (${size.width} × ${size.height} = ${(size.width * size.height / 1e6).toFixed(0)} million pixels; the limit is ${MAX_IMAGE_PIXELS / 1e6} million)`,
    );
  }
}
