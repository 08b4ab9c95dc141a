import type { JsonObject } from '../interfaces';
import { ArtifactError } from './errors';

/**
 * The on-disk format: a folder (or URL) holding `model.json` and binary weight shards in
 * tfjs's weights format (`group1-shard1of3.bin`, ...). The manifest keeps tfjs's
 * `weightsManifest` shape, so tfjs tools can read the weights; we add per-shard byte lengths
 * and SHA-256 digests so a truncated or corrupt shard is caught instead of decoded as garbage.
 */
export const MODEL_FORMAT = 'trimod-model';
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_JSON = 'model.json';
/** tfjs's shard size: 4 MiB, small enough for HTTP caches and CDNs. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** Weight dtypes we store. tfjs also has string and complex64, which no model of ours holds. */
export type StoredDtype = 'float32' | 'int32' | 'bool';
export const STORED_DTYPES: readonly StoredDtype[] = ['float32', 'int32', 'bool'];
export const BYTES_PER_VALUE: Record<StoredDtype | 'float16', number> = { float32: 4, int32: 4, bool: 1, float16: 2 };

/**
 * How a float32 weight is stored when not as float32 (it always loads back as float32):
 * - `float16`: tfjs's own float16 quantization, 2 bytes per value;
 * - `uint8-column`: 8-bit codes per column of a matrix (see uint8-columns.ts): each column of the
 *   last axis keeps its own minimum and step (float32), then one byte per value. Not a tfjs
 *   scheme: its distinct name makes a tfjs tool refuse the weight instead of decoding garbage.
 */
export type Quantization = { dtype: 'float16' } | { dtype: 'uint8-column' };
export type QuantizationDtype = Quantization['dtype'];

/** How `encodeArtifact` stores float32 weights: as they are, float16, or uint8 codes per column (matrices; vectors float16). */
export type StorageType = 'float32' | 'float16' | 'uint8';
export const STORAGE_TYPES: readonly StorageType[] = ['float32', 'float16', 'uint8'];

/** One weight in a group, as tfjs's WeightsManifestEntry (float16 as tfjs writes it; uint8-column is ours). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: StoredDtype;
  quantization?: Quantization;
}

/** One weight group: its weights' bytes concatenated in order, then cut into shards. */
export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
  /** Byte length of each shard, parallel to `paths`. */
  byteLengths: number[];
  /** Lower-case hex SHA-256 of each shard, parallel to `paths`. */
  sha256: string[];
}

/** A file saved beside the weights (vocabularies, label lists), checked like a shard. */
export interface ExtraFileEntry {
  path: string;
  byteLength: number;
  sha256: string;
}

export interface ModelJson {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  className: string;
  config: JsonObject;
  metadata?: JsonObject;
  weightsManifest: WeightGroup[];
  extraFiles?: ExtraFileEntry[];
}

const SHARD_NAME = /^group\d+-shard\d+of\d+\.bin$/;

export function shardName(group: number, index: number, count: number): string {
  return `group${group}-shard${index}of${count}.bin`;
}

export function isShardName(name: string): boolean {
  return SHARD_NAME.test(name);
}

/**
 * Files of a model are plain names inside its folder: a manifest that pointed at `../x` could
 * make a loader read (or a saver overwrite) files outside the model.
 */
export function isPlainFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name !== '.' &&
    name !== '..' &&
    !/[/\\\0]/.test(name) &&
    !/^[a-zA-Z]:/.test(name)
  );
}

/** Bytes a weight takes in its shard: float16 takes 2 per value, uint8-column 1 per value plus 8 per column. */
export function storedByteLength(spec: WeightSpec): number {
  const size = spec.shape.reduce((n, d) => n * d, 1);
  if (spec.quantization?.dtype === 'uint8-column') return 8 * spec.shape[spec.shape.length - 1] + size;
  const perValue = spec.quantization ? BYTES_PER_VALUE[spec.quantization.dtype] : BYTES_PER_VALUE[spec.dtype];
  return size * perValue;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);
}

function isHex64(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
}

function isByteLength(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0;
}

/**
 * Checks that a parsed model.json has the fields and types this version writes, and returns it
 * typed. Every complaint names `source` and the offending field, e.g.
 * `/m/model.json: weightsManifest[0].weights[2].shape must be an array of non-negative integers`.
 */
export function parseModelJson(value: unknown, source: string): ModelJson {
  const fail = (what: string): never => {
    throw new ArtifactError('bad-format', source, `${source}: ${what}`);
  };
  if (!isObject(value)) return fail('must hold a JSON object');
  if (value.format !== MODEL_FORMAT) {
    return fail(`format is ${JSON.stringify(value.format)}, expected "${MODEL_FORMAT}" (is this a TriMod model folder?)`);
  }
  if (value.formatVersion !== MODEL_FORMAT_VERSION) {
    return fail(
      `formatVersion is ${JSON.stringify(value.formatVersion)}, but this version of @trimod/core reads version ${MODEL_FORMAT_VERSION}`,
    );
  }
  if (typeof value.className !== 'string' || value.className === '') fail('className must be a non-empty string');
  if (!isObject(value.config)) fail('config must be a JSON object');
  if (value.metadata !== undefined && !isObject(value.metadata)) fail('metadata must be a JSON object when present');
  if (!Array.isArray(value.weightsManifest)) fail('weightsManifest must be an array');

  const seenWeights = new Set<string>();
  const seenFiles = new Set<string>();
  const claimFile = (path: unknown, where: string): void => {
    if (typeof path !== 'string' || !isPlainFileName(path)) fail(`${where} must be a plain file name, got ${JSON.stringify(path)}`);
    if (path === MODEL_JSON || seenFiles.has(path as string)) fail(`${where} names ${JSON.stringify(path)} twice or reuses ${MODEL_JSON}`);
    seenFiles.add(path as string);
  };

  (value.weightsManifest as unknown[]).forEach((group, g) => {
    const at = `weightsManifest[${g}]`;
    if (!isObject(group)) return fail(`${at} must be an object`);
    if (!Array.isArray(group.paths)) fail(`${at}.paths must be an array`);
    if (!Array.isArray(group.weights)) fail(`${at}.weights must be an array`);
    const paths = group.paths as unknown[];
    paths.forEach((p, i) => claimFile(p, `${at}.paths[${i}]`));
    if (!Array.isArray(group.byteLengths) || group.byteLengths.length !== paths.length || !group.byteLengths.every(isByteLength)) {
      fail(`${at}.byteLengths must list one non-negative integer per path`);
    }
    if (!Array.isArray(group.sha256) || group.sha256.length !== paths.length || !group.sha256.every(isHex64)) {
      fail(`${at}.sha256 must list one hex SHA-256 digest per path`);
    }
    let needed = 0;
    (group.weights as unknown[]).forEach((w, i) => {
      const wat = `${at}.weights[${i}]`;
      if (!isObject(w)) return fail(`${wat} must be an object`);
      if (typeof w.name !== 'string' || w.name === '') fail(`${wat}.name must be a non-empty string`);
      if (seenWeights.has(w.name as string)) fail(`weight "${w.name}" appears twice in weightsManifest`);
      seenWeights.add(w.name as string);
      if (!isShape(w.shape)) fail(`${wat}.shape must be an array of non-negative integers`);
      if (!STORED_DTYPES.includes(w.dtype as StoredDtype)) {
        fail(`${wat}.dtype is ${JSON.stringify(w.dtype)}, expected one of ${STORED_DTYPES.join(', ')}`);
      }
      if (w.quantization !== undefined) {
        const q = isObject(w.quantization) ? w.quantization.dtype : undefined;
        if ((q !== 'float16' && q !== 'uint8-column') || w.dtype !== 'float32') {
          fail(`${wat}.quantization must be {"dtype":"float16"} or {"dtype":"uint8-column"}, on float32 weights only`);
        }
        const shape = w.shape as number[];
        if (q === 'uint8-column' && !(shape.length >= 2 && shape[shape.length - 1] > 0)) {
          fail(`${wat}: uint8-column storage needs a matrix with at least one column, got shape ${formatShape(shape)}`);
        }
      }
      needed += storedByteLength(w as unknown as WeightSpec);
    });
    const held = (group.byteLengths as number[]).reduce((a, b) => a + b, 0);
    if (held !== needed) fail(`${at}: its weights need ${needed} bytes but its shards are recorded as ${held} bytes`);
  });

  if (value.extraFiles !== undefined) {
    if (!Array.isArray(value.extraFiles)) fail('extraFiles must be an array when present');
    (value.extraFiles as unknown[]).forEach((f, i) => {
      const at = `extraFiles[${i}]`;
      if (!isObject(f)) return fail(`${at} must be an object`);
      claimFile(f.path, `${at}.path`);
      if (!isByteLength(f.byteLength)) fail(`${at}.byteLength must be a non-negative integer`);
      if (!isHex64(f.sha256)) fail(`${at}.sha256 must be a hex SHA-256 digest`);
    });
  }
  return value as unknown as ModelJson;
}
