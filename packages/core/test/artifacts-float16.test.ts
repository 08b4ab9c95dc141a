import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { decodeFloat16, encodeFloat16, float32ToFloat16Bits } from '../src/artifacts/float16';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Decodes float16 bit patterns with tfjs's own reader, the one loadArtifact relies on. */
function decodeWithTfjs(bits: Uint16Array): Float32Array {
  const spec = { name: 'h', shape: [bits.length], dtype: 'float32' as const, quantization: { dtype: 'float16' as const } };
  const t = tf.io.decodeWeights([bits.slice().buffer], [spec]).h;
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

describe('float32ToFloat16Bits', () => {
  it('encodes known values, signed zeros, infinities, NaN and the range edges', () => {
    const cases: Array<[number, number]> = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [65504, 0x7bff],
      [65519, 0x7bff], // just below the halfway point to 65536 rounds down
      [65520, 0x7c00], // halfway rounds to even, which is Infinity
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // halfway to the smallest subnormal: ties to even (zero)
      [3 * 2 ** -26, 0x0001],
      [1 + 2 ** -11, 0x3c00], // tie between 0x3c00 and 0x3c01: even wins
      [1 + 3 * 2 ** -11, 0x3c02], // tie between 0x3c01 and 0x3c02: even wins
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [1e10, 0x7c00],
    ];
    for (const [x, bits] of cases) expect([x, float32ToFloat16Bits(x)]).toEqual([x, bits]);
    const nan = float32ToFloat16Bits(NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
  });

  it('round-trips every float16 value through tfjs decoding exactly', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = decodeWithTfjs(all);
    const again = encodeFloat16(decoded);
    const redecoded = decodeWithTfjs(again);
    for (let h = 0; h < 65536; h++) {
      const isNaN16 = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (isNaN16) {
        if (!Number.isNaN(decoded[h]) || !Number.isNaN(redecoded[h])) throw new Error(`NaN 0x${h.toString(16)} did not stay NaN`);
      } else if (again[h] !== h) {
        throw new Error(`float16 0x${h.toString(16)} decoded to ${decoded[h]} re-encodes as 0x${again[h].toString(16)}`);
      }
    }
  });

  it('picks the nearest float16 for values between representable ones', () => {
    const xs = new Float32Array(Array.from({ length: 2000 }, (_, i) => (i - 1000) * 0.0137 + 1e-3));
    const decoded = decodeWithTfjs(encodeFloat16(xs));
    xs.forEach((x, i) => {
      // Within half a unit in the last place: 2^-11 relative for normal numbers.
      expect(Math.abs(decoded[i] - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25);
    });
  });

  it('decodes every float16 value as tfjs does', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const ours = decodeFloat16(all);
    const theirs = decodeWithTfjs(all);
    for (let h = 0; h < 65536; h++) {
      if (!Object.is(ours[h], theirs[h]) && !(Number.isNaN(ours[h]) && Number.isNaN(theirs[h]))) {
        throw new Error(`float16 0x${h.toString(16)}: decodeFloat16 gives ${ours[h]}, tfjs ${theirs[h]}`);
      }
    }
  });
});
