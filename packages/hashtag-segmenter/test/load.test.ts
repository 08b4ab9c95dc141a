import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadSegmenter } from '../src/load';
import { Lexicon } from '../src/lexicon';
import { BoundaryModel } from '../src/neural/boundary-model';
import { HashtagSegmenter } from '../src/segmenter';
import { useWasm } from './wasm-backend';

const tiny = { charDim: 4, convWidth: 3, convFilters: 5, hidden: 6, decoderDim: 4, seed: 11 };
const root = mkdtempSync(path.join(tmpdir(), 'segmenter-load-'));

/** Writes a model folder the way training/segmenter/scripts/lib/save-model.ts does; `edit` may break it. */
async function writeModel(name: string, edit: (json: Record<string, unknown>, bin: Uint8Array) => Uint8Array | void = () => undefined): Promise<string> {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const model = new BoundaryModel(tiny);
  const { data, specs } = await tf.io.encodeWeights(model.namedWeights());
  model.dispose();
  const json: Record<string, unknown> = {
    format: 'trimod-hashtag-segmenter',
    formatVersion: 1,
    boundaryModel: tiny,
    decode: { unknownBase: 9 },
    lexicon: 'lexicon.txt',
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    metadata: { note: 'test' },
  };
  let bin: Uint8Array = new Uint8Array(data);
  bin = edit(json, bin) ?? bin;
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(bin));
  writeFileSync(path.join(dir, 'lexicon.txt'), new Lexicon([['ice', 5], ['cream', 5]]).toText());
  return dir;
}

beforeAll(useWasm);

describe('loadSegmenter', () => {
  it('loads a model folder by path, by model.json path and by file:// URL', async () => {
    const dir = await writeModel('good');
    for (const location of [dir, path.join(dir, 'model.json'), pathToFileURL(dir).href]) {
      const s = await loadSegmenter(location);
      expect(s).toBeInstanceOf(HashtagSegmenter);
      expect(s.model?.config.hidden).toBe(6);
      expect(s.lexicon?.cost('cream')).toBe(5);
      expect(s.params.unknownBase).toBe(9);
      expect(s.metadata).toEqual({ note: 'test' });
      expect(s.segment('#icecream', { mode: 'lm' })).toEqual(['ice', 'cream']);
      s.dispose();
    }
  });

  it('names the missing file for a bad path', async () => {
    await expect(loadSegmenter(path.join(root, 'nowhere'))).rejects.toThrow(/cannot read .*nowhere.model\.json \(no such file\)/);
    await expect(loadSegmenter('')).rejects.toThrow(/must be a non-empty path or URL/);
  });

  it('rejects invalid JSON and foreign formats', async () => {
    const dir = path.join(root, 'badjson');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'model.json'), '{ not json');
    await expect(loadSegmenter(dir)).rejects.toThrow(/model\.json is not valid JSON/);
    const other = await writeModel('other', (json) => {
      json.format = 'trimod-model';
    });
    await expect(loadSegmenter(other)).rejects.toThrow(/has format "trimod-model", expected "trimod-hashtag-segmenter"/);
  });

  it('names a weight whose shape does not match the config', async () => {
    const dir = await writeModel('shape', (json) => {
      const specs = (json.weightsManifest as { weights: { name: string; shape: number[] }[] }[])[0].weights;
      specs.find((s) => s.name === 'conv/bias')!.shape = [7];
    });
    await expect(loadSegmenter(dir)).rejects.toThrow(/weight "conv\/bias" has shape \[7\] in the manifest, the config needs \[5\]/);
  });

  it('rejects a truncated weight file', async () => {
    const dir = await writeModel('short', (_json, bin) => bin.slice(0, bin.length - 8));
    await expect(loadSegmenter(dir)).rejects.toThrow(/weights\.bin: the weight file has \d+ bytes, the manifest needs \d+/);
  });

  it('does not leak tensors when loading', async () => {
    const dir = await writeModel('leak');
    (await loadSegmenter(dir)).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) (await loadSegmenter(dir)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
