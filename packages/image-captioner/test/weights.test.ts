import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadWeights, saveWeights } from '../src/weights/io';
import { dequantizeColumns, quantizeColumns } from '../src/weights/codec';

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

  it('uint8: matrices as 8-bit codes per column (error at most half a column step), vectors as float16', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'weights-u8-')), 'm');
    // Column 0 spans [-1, 1], column 1 [0, 0.01], column 2 is constant: each keeps its own precision.
    const rows = 300;
    const matrix = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) matrix.set([Math.sin(r), 0.01 * ((r * 7) % 101) / 100, 0.25], r * 3);
    const bias = Float32Array.from([0.1, -2.5, 3.75]);
    await saveWeights(dir, [
      { name: 'w', shape: [rows, 3], values: matrix },
      { name: 'b', shape: [3], values: bias },
    ], { kind: 'test' }, { dtype: 'uint8' });
    const { manifest, weights } = await loadWeights(dir);
    expect(manifest.weights.map((w) => [w.name, w.dtype, w.columns])).toEqual([['w', 'uint8', 3], ['b', 'float16', undefined]]);
    expect(fs.statSync(path.join(dir, 'weights.bin')).size).toBe(24 + rows * 3 + 8); // 2 × 3 float32, codes, 3 float16 + 2 padding
    const got = weights.get('w')!.values;
    const maxErr = [0, 0, 0];
    for (let i = 0; i < got.length; i++) maxErr[i % 3] = Math.max(maxErr[i % 3], Math.abs(got[i] - matrix[i]));
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < rows; r++) [lo, hi] = [Math.min(lo, matrix[r * 3]), Math.max(hi, matrix[r * 3])];
    expect(maxErr[0]).toBeLessThanOrEqual((hi - lo) / 510 + 1e-6);
    expect(maxErr[0]).toBeGreaterThan(0); // really quantised
    expect(maxErr[1]).toBeLessThanOrEqual(0.01 / 510 + 1e-7);
    expect(maxErr[2]).toBe(0);
    const b = weights.get('b')!.values;
    expect(Array.from(b.slice(1))).toEqual([-2.5, 3.75]);
    expect(b[0]).toBeCloseTo(0.1, 3);
    expect(b[0]).not.toBe(Math.fround(0.1)); // float16, not float32
    // A manifest that lost its column count is named.
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    delete json.weights[0].columns;
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadWeights(dir)).rejects.toThrow(/uint8 weight "w" needs its column count/);
    fs.rmSync(path.dirname(dir), { recursive: true });
  });

  it('quantizeColumns / dequantizeColumns keep the extremes of every column exactly', () => {
    const values = Float32Array.from([-3, 10, 0.5, 11, 2, 12]); // 3 rows × 2 columns
    const back = dequantizeColumns(quantizeColumns(values, 2), 2);
    [0, 1, 4, 5].forEach((i) => expect(back[i]).toBeCloseTo(values[i], 5)); // min and max of each column
    expect(Math.abs(back[2] - 0.5)).toBeLessThanOrEqual(5 / 510 + 1e-6);
  });
});
