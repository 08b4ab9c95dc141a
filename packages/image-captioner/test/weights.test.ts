import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadWeights, saveWeights } from '../src/weights/io';

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
