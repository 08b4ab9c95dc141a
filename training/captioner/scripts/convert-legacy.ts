/**
 * Converts a captioner weight folder (backbone or decoder) from its old format
 * ("trimod-captioner-weights": model.json + weights.bin with 4-byte padding between weights) to
 * core's artifact format, which the package now reads. Every weight's stored bytes (float32,
 * float16, int32, or uint8 codes per column) are copied as they are, without decoding, so the
 * converted folder loads exactly the same numbers (the package's shipped-weights test checks it
 * against outputs recorded before the conversion). Other files in the folder (licences, notes)
 * become the artifact's extra files.
 *
 *   npm run convert-legacy -- <folder> [--out folder]     (default: converts in place, atomically)
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { JsonObject } from '@trimod/core';
import { saveArtifact, type StoredWeightBytes } from '@trimod/core/artifacts';

interface LegacyWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'float16' | 'int32' | 'uint8';
  offset: number;
  columns?: number;
}

interface LegacyManifest {
  format: string;
  version: number;
  description: JsonObject;
  weights: LegacyWeight[];
  byteLength: number;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** The stored bytes of one weight, with the storage type core calls it by. */
function stored(w: LegacyWeight, data: Uint8Array, source: string): StoredWeightBytes {
  const size = w.shape.reduce((a, b) => a * b, 1);
  const length = w.dtype === 'uint8' ? 8 * (w.columns ?? 0) + size : size * (w.dtype === 'float16' ? 2 : 4);
  if (w.dtype === 'uint8' && w.columns !== w.shape[w.shape.length - 1]) throw new Error(`${source}: uint8 weight "${w.name}" has ${w.columns} columns, not its last axis`);
  const bytes = data.slice(w.offset, w.offset + length);
  if (bytes.byteLength !== length) throw new Error(`${source}: weight "${w.name}" runs past the end of weights.bin`);
  if (w.dtype === 'int32') return { shape: w.shape, dtype: 'int32', bytes };
  if (w.dtype === 'float32') return { shape: w.shape, dtype: 'float32', bytes };
  return { shape: w.shape, dtype: 'float32', quantization: { dtype: w.dtype === 'uint8' ? 'uint8-column' : 'float16' }, bytes };
}

async function main(): Promise<void> {
  const folder = process.argv[2];
  if (!folder || folder.startsWith('--')) throw new Error('usage: npm run convert-legacy -- <folder> [--out folder]');
  const dir = path.resolve(folder);
  const out = path.resolve(option('out') ?? dir);
  const manifest = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as LegacyManifest;
  if (manifest.format !== 'trimod-captioner-weights' || manifest.version !== 1) {
    throw new Error(`${dir}/model.json: format ${JSON.stringify(manifest.format)} version ${manifest.version} is not the captioner's old format`);
  }
  const data = new Uint8Array(await readFile(path.join(dir, 'weights.bin')));
  if (data.byteLength !== manifest.byteLength) throw new Error(`${dir}/weights.bin: ${data.byteLength} bytes, model.json says ${manifest.byteLength}`);
  const weights = Object.fromEntries(manifest.weights.map((w) => [w.name, stored(w, data, dir)]));

  // A decoder's description becomes its config, its training record metadata; a backbone's graph is its config.
  const { training, ...description } = manifest.description;
  const isDecoder = description.kind === 'caption-decoder';
  const className = isDecoder ? 'CaptionDecoder' : 'MobileNetV2Backbone';
  const config = isDecoder ? description : manifest.description;
  const metadata = isDecoder && training !== undefined ? { training } : undefined;

  const extraFiles: Record<string, Uint8Array> = {};
  for (const name of await readdir(dir)) {
    if (name !== 'model.json' && name !== 'weights.bin') extraFiles[name] = new Uint8Array(await readFile(path.join(dir, name)));
  }
  await saveArtifact(out, { className, config, metadata, weights, extraFiles });
  console.log(`wrote ${out}: ${className}, ${manifest.weights.length} weights, extra files: ${Object.keys(extraFiles).join(', ') || 'none'}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
