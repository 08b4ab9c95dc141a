import * as tf from '@tensorflow/tfjs-core';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeImage, sniffFormat } from '../src/image/decode';
import { toPixels } from '../src/image/input';
import { preprocessImages } from '../src/image/preprocess';
import { useCpu } from './helpers';

beforeAll(useCpu);

/** A w×h RGBA image: red rises left→right, green top→bottom, blue constant. */
function rgba(w: number, h: number, alpha = 255): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      data[i] = Math.round((x / (w - 1)) * 255);
      data[i + 1] = Math.round((y / (h - 1)) * 255);
      data[i + 2] = 100;
      data[i + 3] = alpha;
    }
  }
  return data;
}

function jpegBytes(w: number, h: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: rgba(w, h), width: w, height: h }, 95).data);
}

function pngBytes(w: number, h: number, alpha = 255): Uint8Array {
  const png = new PNG({ width: w, height: h });
  rgba(w, h, alpha).copy(png.data);
  return new Uint8Array(PNG.sync.write(png));
}

describe('decodeImage', () => {
  it('decodes a JPEG to RGB of the right size and (lossy) colours', () => {
    const img = decodeImage(jpegBytes(8, 6), 'tiny.jpg');
    expect([img.width, img.height, img.data.length]).toEqual([8, 6, 8 * 6 * 3]);
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3));
    const [r0, g0, b0] = px(0, 0);
    const [r1, g1] = px(7, 5);
    expect(r0).toBeLessThan(40);
    expect(g0).toBeLessThan(40);
    expect(Math.abs(b0 - 100)).toBeLessThan(25);
    expect(r1).toBeGreaterThan(215);
    expect(g1).toBeGreaterThan(215);
  });

  it('decodes a PNG exactly and composites transparency over white', () => {
    const opaque = decodeImage(pngBytes(4, 3), 'tiny.png');
    expect([opaque.width, opaque.height]).toEqual([4, 3]);
    expect(Array.from(opaque.data.subarray(0, 3))).toEqual([0, 0, 100]);
    expect(Array.from(opaque.data.subarray((2 * 4 + 3) * 3, (2 * 4 + 3) * 3 + 3))).toEqual([255, 255, 100]);
    const clear = decodeImage(pngBytes(4, 3, 0), 'clear.png');
    expect(Array.from(clear.data.subarray(0, 3))).toEqual([255, 255, 255]);
  });

  it('recognises formats by their bytes', () => {
    expect(sniffFormat(jpegBytes(2, 2))).toBe('jpeg');
    expect(sniffFormat(pngBytes(2, 2))).toBe('png');
    expect(sniffFormat(new TextEncoder().encode('GIF89a'))).toBeNull();
  });

  it('names the image and the problem for unsupported, empty and corrupt files', () => {
    expect(() => decodeImage(new TextEncoder().encode('GIF89a......'), 'cat.gif')).toThrow(/image cat\.gif: unsupported format \(not JPEG or PNG; first bytes 47 49 46 38\)/);
    expect(() => decodeImage(new Uint8Array(0), 'empty.jpg')).toThrow(/image empty\.jpg: unsupported format .*empty file/);
    const jpg = jpegBytes(16, 16);
    expect(() => decodeImage(jpg.slice(0, 40), 'cut.jpg')).toThrow(/image cut\.jpg: corrupt JPEG/);
    const png = pngBytes(16, 16);
    const broken = png.slice();
    broken.fill(0, 40, 60); // damage the IDAT chunk: its CRC no longer matches
    expect(() => decodeImage(broken, 'broken.png')).toThrow(/image broken\.png: corrupt PNG/);
  });
});

describe('toPixels', () => {
  it('reads bytes, ArrayBuffers, files and [H, W, 3] tensors', async () => {
    const bytes = pngBytes(5, 4);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'captioner-'));
    const file = path.join(dir, 'x.png');
    fs.writeFileSync(file, bytes);
    const fromBytes = await toPixels(bytes);
    const fromBuffer = await toPixels(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const fromFile = await toPixels(file);
    const fromTensor = await toPixels(fromBytes);
    for (const t of [fromBytes, fromBuffer, fromFile, fromTensor]) expect(t.shape).toEqual([4, 5, 3]);
    expect(Array.from(fromFile.dataSync())).toEqual(Array.from(fromBytes.dataSync()));
    tf.dispose([fromBytes, fromBuffer, fromFile, fromTensor]);
    fs.rmSync(dir, { recursive: true });
  });

  it('names a missing file and a tensor of the wrong shape', async () => {
    await expect(toPixels('/nonexistent/photo.jpg')).rejects.toThrow(/image \/nonexistent\/photo\.jpg: cannot read \(ENOENT\)/);
    const gray = tf.zeros([4, 4, 1]) as tf.Tensor3D;
    await expect(toPixels(gray, 'gray')).rejects.toThrow(/image gray: a tensor image must be \[H, W, 3\], got \[4, 4, 1\]/);
    gray.dispose();
  });
});

describe('preprocessImages', () => {
  it('resizes to [B, S, S, 3] and scales 0..255 to the backbone range, without leaking', () => {
    const a = tf.fill([6, 4, 3], 255, 'int32') as tf.Tensor3D;
    const b = tf.zeros([3, 3, 3], 'int32') as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const unit = preprocessImages([a, b], 8, [0, 1]);
    const signed = preprocessImages([a, b], 8, [-1, 1]);
    expect(unit.shape).toEqual([2, 8, 8, 3]);
    const [uMax, uMin, sMax, sMin] = [tf.max(unit), tf.min(unit), tf.max(signed), tf.min(signed)].map((t) => {
      const v = t.dataSync()[0];
      t.dispose();
      return v;
    });
    expect([uMax, uMin, sMax, sMin]).toEqual([1, 0, 1, -1]);
    tf.dispose([unit, signed]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => preprocessImages([], 8, [0, 1])).toThrow(/no images/);
    tf.dispose([a, b]);
  });
});
