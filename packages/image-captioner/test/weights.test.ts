import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadWeights, saveWeights } from '../src/weights/io';

// The captioner's weight folders are core artifacts read and written as host arrays; the
// uint8 codec itself is core's storage type (tested in core's artifacts-storage test).

describe('weight folders', () => {
  it('round-trip class, config, names, shapes and values; name a truncated shard and a missing folder', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'weights-')), 'm');
    await saveWeights(dir, 'TestThing', { kind: 'test' }, [
      { name: 'a', shape: [2, 2], values: Float32Array.from([1, 2, 3, 4.5]) },
      { name: 'ids', shape: [3], values: Int32Array.from([7, 8, 9]) },
    ], { storage: 'float16', metadata: { note: 'x' } });
    const loaded = await loadWeights(dir, 'TestThing');
    expect([loaded.config, loaded.metadata]).toEqual([{ kind: 'test' }, { note: 'x' }]);
    expect(Array.from(loaded.weights.get('a')!.values)).toEqual([1, 2, 3, 4.5]);
    expect(loaded.weights.get('ids')!.values).toBeInstanceOf(Int32Array);
    expect(Array.from(loaded.weights.get('ids')!.values)).toEqual([7, 8, 9]);
    await expect(loadWeights(dir, 'CaptionDecoder')).rejects.toThrow(/model\.json: holds a TestThing, not a CaptionDecoder/);
    // Saving again replaces the folder atomically and leaves no temporary folder behind.
    await saveWeights(dir, 'TestThing', { kind: 'test' }, [{ name: 'a', shape: [1], values: Float32Array.from([5]) }]);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['m']);
    const shard = path.join(dir, 'group1-shard1of1.bin');
    fs.writeFileSync(shard, fs.readFileSync(shard).subarray(0, 1));
    await expect(loadWeights(dir, 'TestThing')).rejects.toThrow(/group1-shard1of1\.bin: shard is truncated/);
    await expect(loadWeights(path.join(dir, 'nope'), 'TestThing')).rejects.toThrow(/nope.model\.json: model\.json not found/);
    fs.rmSync(path.dirname(dir), { recursive: true });
  });

  it('uint8 storage: matrices as 8-bit codes per column (a quarter of float32), vectors as float16', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'weights-u8-')), 'm');
    const rows = 300;
    const matrix = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) matrix.set([Math.sin(r), 0.01 * ((r * 7) % 101) / 100, 0.25], r * 3);
    await saveWeights(dir, 'TestThing', {}, [
      { name: 'w', shape: [rows, 3], values: matrix },
      { name: 'b', shape: [3], values: Float32Array.from([0.1, -2.5, 3.75]) },
    ], { storage: 'uint8' });
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].weights.map((w: { quantization?: { dtype: string } }) => w.quantization?.dtype)).toEqual(['uint8-column', 'float16']);
    expect(fs.statSync(path.join(dir, 'group1-shard1of1.bin')).size).toBe(24 + rows * 3 + 6);
    const { weights } = await loadWeights(dir, 'TestThing');
    const got = weights.get('w')!.values;
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - matrix[i])).toBeLessThanOrEqual(2 / 510 + 1e-6);
    fs.rmSync(path.dirname(dir), { recursive: true });
  });

  it("says how to convert a folder in the captioner's old format", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weights-legacy-'));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'trimod-captioner-weights', version: 1 }));
    await expect(loadWeights(dir, 'CaptionDecoder')).rejects.toThrow(/old format: convert it with training\/captioner: npx tsx scripts\/convert-legacy\.ts/);
    fs.rmSync(dir, { recursive: true });
  });
});
