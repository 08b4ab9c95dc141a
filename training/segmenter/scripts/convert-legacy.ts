/**
 * Converts a segmenter folder from its old format ("trimod-hashtag-segmenter": model.json,
 * weights.bin, lexicon.txt) to core's artifact format, which loadSegmenter now reads. The
 * float32 weights and the lexicon text are copied byte for byte, so the converted segmenter
 * gives exactly the same results (the package's shipped-model test checks it against outputs
 * recorded before the conversion).
 *
 *   npm run convert-legacy -- <folder> [--out folder]     (default: converts in place, atomically)
 *
 * Paths are resolved against the current folder.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { JsonObject } from '@trimod/core';
import { saveArtifact, type HostWeight } from '@trimod/core/artifacts';
import { parseArgs } from './lib/args';

const args = parseArgs(process.argv.slice(2), { out: '' });

interface LegacyModelJson {
  format: string;
  formatVersion: number;
  boundaryModel: JsonObject | null;
  decode: JsonObject;
  decodeLm?: JsonObject;
  lexicon: string | null;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  metadata?: JsonObject;
}

async function main(): Promise<void> {
  if (args._.length !== 1) throw new Error('usage: npm run convert-legacy -- <folder> [--out folder]');
  const dir = path.resolve(args._[0]);
  const out = args.out ? path.resolve(String(args.out)) : dir;
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as LegacyModelJson;
  if (json.format !== 'trimod-hashtag-segmenter' || json.formatVersion !== 1) {
    throw new Error(`${dir}/model.json: format ${JSON.stringify(json.format)} version ${json.formatVersion} is not the old segmenter format`);
  }
  const weights: Record<string, HostWeight> = {};
  if (json.boundaryModel) {
    const group = json.weightsManifest[0];
    const bin = await readFile(path.join(dir, group.paths[0]));
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32') throw new Error(`${dir}: weight "${w.name}" is ${w.dtype}; the old format held float32 only`);
      const size = w.shape.reduce((a, b) => a * b, 1);
      // A copy of the stored bytes, viewed as float32: the new shard holds the same bytes.
      const bytes = bin.subarray(offset, offset + 4 * size);
      if (bytes.byteLength !== 4 * size) throw new Error(`${dir}/${group.paths[0]}: ends inside weight "${w.name}"`);
      weights[w.name] = { shape: w.shape, values: new Float32Array(new Uint8Array(bytes).buffer) };
      offset += 4 * size;
    }
    if (offset !== bin.byteLength) throw new Error(`${dir}/${group.paths[0]}: ${bin.byteLength - offset} bytes left after the last weight`);
  }
  const config: JsonObject = { boundaryModel: json.boundaryModel, decode: json.decode };
  if (json.decodeLm) config.decodeLm = json.decodeLm;
  const extraFiles: Record<string, Uint8Array> = {};
  if (json.lexicon) extraFiles['lexicon.txt'] = new Uint8Array(await readFile(path.join(dir, json.lexicon)));
  await saveArtifact(out, { className: 'HashtagSegmenter', config, metadata: json.metadata ?? {}, weights, extraFiles });
  console.log(`wrote ${out} (${Object.keys(weights).length} weights${json.lexicon ? ', lexicon.txt' : ''})`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
