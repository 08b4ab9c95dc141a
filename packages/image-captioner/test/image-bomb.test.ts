import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { deflateSync } from 'node:zlib';
import { decodeImage } from '../src/image/decode';
import { jpegSize, MAX_IMAGE_PIXELS, pngSize } from '../src/image/dimensions';

/** The CRC-32 a PNG chunk ends with (over its type and data). */
function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

/**
 * A decompression bomb: a valid PNG header declaring width × height RGBA pixels, followed by a
 * few rows of deflated zeros (the whole image would deflate to a few MB; a few kB suffices to
 * make a decoder allocate the full frame).
 */
function pngBomb(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter, no interlace
  const rows = deflateSync(Buffer.alloc((width * 4 + 1) * 16));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]));
}

/** A real JPEG whose frame header (SOF0) is rewritten to declare width × height. */
function jpegDeclaring(width: number, height: number): Uint8Array {
  const small = Buffer.from(jpeg.encode({ data: Buffer.alloc(8 * 8 * 4, 128), width: 8, height: 8 }, 90).data);
  const sof = small.indexOf(Buffer.from([0xff, 0xc0]));
  small.writeUInt16BE(height, sof + 5);
  small.writeUInt16BE(width, sof + 7);
  return new Uint8Array(small);
}

describe('images too large to decode', () => {
  it('refuses a PNG declaring 30000 × 30000 from its header, without allocating the frame', () => {
    const bomb = pngBomb(30000, 30000);
    expect(bomb.length).toBeLessThan(20_000);
    const rss = process.memoryUsage().rss;
    const t0 = performance.now();
    expect(() => decodeImage(bomb, 'bomb.png')).toThrow(/^image bomb\.png: image too large \(30000 × 30000/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 2 ** 20);
  });

  it('refuses a JPEG declaring 20000 × 20000 the same way', () => {
    expect(() => decodeImage(jpegDeclaring(20000, 20000), 'huge.jpg')).toThrow(/^image huge\.jpg: image too large \(20000 × 20000/);
  });

  it('reads the real size from the headers, and lets images up to the limit through', () => {
    const png = new PNG({ width: 7, height: 5 });
    expect(pngSize(new Uint8Array(PNG.sync.write(png)))).toEqual({ width: 7, height: 5 });
    expect(jpegSize(jpegDeclaring(640, 480))).toEqual({ width: 640, height: 480 });
    expect(pngSize(pngBomb(MAX_IMAGE_PIXELS / 10_000, 10_000))).toEqual({ width: 5000, height: 10_000 });
    // At the limit the header check passes; the (truncated) data then fails as corrupt, not as too large.
    expect(() => decodeImage(pngBomb(5000, 10_000).subarray(0, 60), 'cut.png')).toThrow(/image cut\.png: corrupt PNG/);
  });
});
