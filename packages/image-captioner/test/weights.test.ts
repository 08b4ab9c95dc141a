import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeFloat16, encodeFloat16, fromHalfBits, toHalfBits } from '../src/weights/float16';
import { loadWeights, saveWeights } from '../src/weights/io';

describe('float16', () => {
  it('encodes exact halves exactly and known bit patterns', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(1e6)).toBe(0x7c00); // overflow saturates to +Infinity
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(fromHalfBits(0x3555)).toBeCloseTo(0.33325, 5);
    const xs = Float32Array.from([0, 0.5, -3.25, 1024, 6.103515625e-5]);
    expect(Array.from(decodeFloat16(encodeFloat16(xs)))).toEqual(Array.from(xs));
  });

  it('rounds to within half a unit in the last place', () => {
    for (const x of [0.1, -1.2345, 3.14159, 1234.5678, 0.0007]) {
      const back = fromHalfBits(toHalfBits(x));
      expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 1e-12);
    }
  });
});

describe('weight folders', () => {
  it('round-trip names, shapes and values, and name a truncated weights.bin', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'weights-')), 'm');
    await saveWeights(dir, [
      { name: 'a', shape: [2, 2], values: Float32Array.from([1, 2, 3, 4.5]) },
      { name: 'ids', shape: [3], values: Int32Array.from([7, 8, 9]) },
    ], { kind: 'test' }, { dtype: 'float16' });
    const { manifest, weights } = await loadWeights(dir);
    expect(manifest.description).toEqual({ kind: 'test' });
    expect(Array.from(weights.get('a')!.values)).toEqual([1, 2, 3, 4.5]);
    expect(Array.from(weights.get('ids')!.values)).toEqual([7, 8, 9]);
    // Saving again replaces the folder atomically and leaves no temporary folder behind.
    await saveWeights(dir, [{ name: 'a', shape: [1], values: Float32Array.from([5]) }], { kind: 'test' });
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['m']);
    const bin = path.join(dir, 'weights.bin');
    fs.writeFileSync(bin, fs.readFileSync(bin).subarray(0, 1));
    await expect(loadWeights(dir)).rejects.toThrow(/weights\.bin has 1 bytes, model\.json expects 4/);
    await expect(loadWeights(path.join(dir, 'nope'))).rejects.toThrow(/cannot read weights from .*nope/);
    fs.rmSync(path.dirname(dir), { recursive: true });
  });
});
