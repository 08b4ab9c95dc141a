/**
 * float32 → IEEE 754 half precision, for float16 weight storage. tfjs's decodeWeights reads
 * `quantization: {dtype: 'float16'}` back to float32, but encodeWeights cannot write it, so the
 * encoding half lives here.
 */

/** Largest finite float16. Larger weights would silently become Infinity, so callers check. */
export const FLOAT16_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 bit pattern nearest to `x` (round half to even, like hardware conversion). */
export function float32ToFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;

  // Infinity stays Infinity; NaN keeps a set quiet bit so it stays NaN.
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);

  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;

  if (e <= 0) {
    // Subnormal half: value = m * 2^-24. Below half the smallest subnormal it rounds to zero.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const halfway = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > halfway || (rest === halfway && (m & 1) === 1)) m++;
    // A carry into bit 10 correctly yields the smallest normal number.
    return sign | m;
  }

  let half = sign | (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa bumps the exponent, up to Infinity; that is the right rounding.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return half;
}

/** Encodes a float32 array as float16 bit patterns (2 bytes per value, little-endian in memory). */
export function encodeFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

/** The number a float16 bit pattern holds (for code that reads float16 without tfjs's decoder). */
export function float16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** All 65,536 decodings, built on first use: decoding millions of weights then takes milliseconds. */
let decodeTable: Float32Array | null = null;

/** Decodes float16 bit patterns to float32 values. */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  if (decodeTable === null) {
    decodeTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) decodeTable[h] = float16BitsToFloat32(h);
  }
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = decodeTable[bits[i]];
  return out;
}
