import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadSegmenter } from '../src/load';
import { Lexicon } from '../src/lexicon';
import { BoundaryModel } from '../src/neural/boundary-model';
import { saveSegmenter } from '../src/save';
import { HashtagSegmenter } from '../src/segmenter';
import { DEFAULT_DECODE_PARAMS } from '../src/decode/params';
import { useWasm } from './wasm-backend';

// The segmenter's model folder is a core artifact (class HashtagSegmenter, lexicon as an extra
// file): saveSegmenter writes it, loadSegmenter reads it, core checks every file.

const tiny = { charDim: 4, convWidth: 3, convFilters: 5, hidden: 6, decoderDim: 4, seed: 11 };
const root = mkdtempSync(path.join(tmpdir(), 'segmenter-load-'));
const lexicon = new Lexicon([['ice', 5], ['cream', 5]]);

/** Saves a tiny segmenter (network and/or lexicon) and returns its folder. */
async function writeModel(name: string, parts: { network?: boolean; lexicon?: boolean } = { network: true, lexicon: true }): Promise<string> {
  const dir = path.join(root, name);
  const model = parts.network ? new BoundaryModel(tiny) : null;
  const s = new HashtagSegmenter(model, parts.lexicon ? lexicon : null, { ...DEFAULT_DECODE_PARAMS, unknownBase: 9 }, { note: 'test' });
  await saveSegmenter(dir, s);
  s.dispose();
  return dir;
}

const jsonOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));

beforeAll(useWasm);

describe('saveSegmenter / loadSegmenter', () => {
  it('writes core artifact format and loads it by path, by model.json path and by file:// URL', async () => {
    const dir = await writeModel('good');
    const json = jsonOf(dir);
    expect([json.format, json.className, json.extraFiles.map((f: { path: string }) => f.path)]).toEqual(['trimod-model', 'HashtagSegmenter', ['lexicon.txt']]);
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

  it('loads back the same network: same boundary probabilities', async () => {
    const model = new BoundaryModel(tiny);
    const s = new HashtagSegmenter(model, null);
    const dir = path.join(root, 'same');
    await saveSegmenter(dir, s);
    const back = await loadSegmenter(dir);
    const texts = [[...'icecream'], [...'NBAFinals']];
    expect(back.boundaryProbabilities(texts).map((p) => Array.from(p))).toEqual(s.boundaryProbabilities(texts).map((p) => Array.from(p)));
    s.dispose();
    back.dispose();
  });

  it('saves a network-only and a lexicon-only segmenter', async () => {
    const net = await loadSegmenter(await writeModel('net', { network: true }));
    expect([net.model !== null, net.lexicon]).toEqual([true, null]);
    net.dispose();
    const lex = await loadSegmenter(await writeModel('lex', { lexicon: true }));
    expect([lex.model, lex.lexicon?.size]).toEqual([null, 2]);
    expect(lex.segment('#icecream')).toEqual(['ice', 'cream']);
  });

  it('names the missing file for a bad path, and refuses an empty location', async () => {
    await expect(loadSegmenter(path.join(root, 'nowhere'))).rejects.toThrow(/loadSegmenter: .*nowhere.model\.json: model\.json not found/);
    await expect(loadSegmenter('')).rejects.toThrow(/must be a non-empty path or URL/);
  });

  it('rejects invalid JSON, another class, and says how to convert a folder in the old format', async () => {
    const dir = path.join(root, 'badjson');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'model.json'), '{ not json');
    await expect(loadSegmenter(dir)).rejects.toThrow(/model\.json: invalid JSON/);
    const other = await writeModel('other');
    writeFileSync(path.join(other, 'model.json'), JSON.stringify({ ...jsonOf(other), className: 'TriMod' }));
    await expect(loadSegmenter(other)).rejects.toThrow(/holds a TriMod, not a HashtagSegmenter/);
    const legacy = path.join(root, 'legacy');
    mkdirSync(legacy);
    writeFileSync(path.join(legacy, 'model.json'), JSON.stringify({ format: 'trimod-hashtag-segmenter', formatVersion: 1 }));
    await expect(loadSegmenter(legacy)).rejects.toThrow(/old format "trimod-hashtag-segmenter"; convert it with training\/segmenter: npm run convert-legacy/);
  });

  it('names a weight whose shape does not match the config', async () => {
    const dir = await writeModel('shape');
    const json = jsonOf(dir);
    json.config.boundaryModel.convFilters = 7;
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadSegmenter(dir)).rejects.toThrow(/weight "conv\/bias" has shape \[5\] but the model expects \[7\]/);
  });

  it('rejects a truncated shard and a tampered lexicon, naming the file', async () => {
    const dir = await writeModel('short');
    const shard = path.join(dir, 'group1-shard1of1.bin');
    writeFileSync(shard, readFileSync(shard).subarray(0, 8));
    await expect(loadSegmenter(dir)).rejects.toThrow(/group1-shard1of1\.bin: shard is truncated/);
    const lex = await writeModel('tampered');
    writeFileSync(path.join(lex, 'lexicon.txt'), new Lexicon([['icecream', 1]]).toText());
    await expect(loadSegmenter(lex)).rejects.toThrow(/lexicon\.txt: extra file is (corrupt|truncated|too long)/);
  });

  it('does not leak tensors when loading', async () => {
    const dir = await writeModel('leak');
    (await loadSegmenter(dir)).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) (await loadSegmenter(dir)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saving replaces a folder atomically (core): the copy of a good model still loads after a failed save', async () => {
    const dir = await writeModel('atomic');
    const copy = path.join(root, 'atomic-copy');
    cpSync(dir, copy, { recursive: true });
    const disposed = new BoundaryModel(tiny);
    disposed.dispose();
    await expect(saveSegmenter(copy, new HashtagSegmenter(disposed, null))).rejects.toThrow(/already disposed/);
    const s = await loadSegmenter(copy);
    expect(s.lexicon?.size).toBe(2);
    s.dispose();
  });
});
