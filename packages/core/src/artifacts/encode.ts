import * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '../interfaces';
import { sha256Hex } from './checksum';
import { ArtifactError } from './errors';
import { encodeFloat16, FLOAT16_MAX } from './float16';
import { quantizeColumns } from './uint8-columns';
import {
  DEFAULT_SHARD_BYTES,
  formatShape,
  STORAGE_TYPES,
  storedByteLength,
  type Quantization,
  type StorageType,
  isPlainFileName,
  isShardName,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_JSON,
  shardName,
  STORED_DTYPES,
  type ExtraFileEntry,
  type ModelJson,
  type StoredDtype,
  type WeightSpec,
} from './format';

/**
 * A weight given as host values instead of a tensor (a module that keeps its weights as typed
 * arrays, like the captioner's backbone, saves without making tensors).
 */
export interface HostWeight {
  shape: number[];
  values: Float32Array | Int32Array;
}

/**
 * A weight given as its stored bytes (as decodeWeightValues would read them), written as is:
 * converters copy quantized weights this way without decoding and re-encoding them.
 */
export interface StoredWeightBytes {
  shape: number[];
  dtype: StoredDtype;
  quantization?: Quantization;
  bytes: Uint8Array;
}

/** What a saved model holds. Tensors stay owned by the caller; saving never disposes them. */
export interface ArtifactContents {
  className: string;
  config: JsonObject;
  /** Training figures, versions, anything JSON the loader should get back untouched. */
  metadata?: JsonObject;
  weights: Record<string, tf.Tensor | HostWeight | StoredWeightBytes>;
  /** Files saved beside the weights (vocabularies, label lists); plain names only. */
  extraFiles?: Record<string, string | Uint8Array>;
}

export interface ArtifactEncodeOptions {
  /**
   * How float32 weights are stored (they always load back as float32): `float32` (default),
   * `float16` (half the bytes), or `uint8` (matrices as 8-bit codes per column, a quarter of the
   * bytes; vectors, whose columns would each cost a header, as float16). int32 and bool stay as they are.
   */
  storage?: StorageType;
  /** The same as `storage: 'float16'` (kept for callers written before `storage`). */
  float16?: boolean;
  /** Largest shard in bytes; default 4 MiB like tfjs. Tests use tiny values to get many shards. */
  shardBytes?: number;
}

export interface EncodedFile {
  name: string;
  bytes: Uint8Array;
}

/** Every file of a model, model.json last, ready to be written to a folder or offered for download. */
export interface EncodedArtifact {
  modelJson: ModelJson;
  files: EncodedFile[];
}

/**
 * Checks that `value` survives JSON unchanged: JSON.stringify would silently turn NaN into null
 * and drop undefined or functions, so a config would load back different from what was saved.
 */
function assertJson(value: unknown, where: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ArtifactError('bad-value', where, `${where} is ${value}, which JSON cannot hold`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertJson(v, `${where}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) assertJson(v, `${where}.${k}`);
    return;
  }
  throw new ArtifactError('bad-value', where, `${where} is not plain JSON (${typeof value})`);
}

function isHostWeight(w: unknown): w is HostWeight {
  const h = w as HostWeight | null;
  return typeof h === 'object' && h !== null && Array.isArray(h.shape) && (h.values instanceof Float32Array || h.values instanceof Int32Array);
}

/** A weight's shape, dtype and values on the host, from a tensor (read back) or given as values. */
async function hostValues(name: string, w: tf.Tensor | HostWeight): Promise<{ shape: number[]; dtype: StoredDtype; values: Float32Array | Int32Array | Uint8Array }> {
  if (isHostWeight(w)) {
    const size = w.shape.reduce((n, d) => n * d, 1);
    if (!w.shape.every((d) => Number.isInteger(d) && d >= 0) || size !== w.values.length) {
      throw new ArtifactError('bad-value', name, `weight "${name}": ${w.values.length} values do not fill shape ${formatShape(w.shape)}`);
    }
    return { shape: [...w.shape], dtype: w.values instanceof Int32Array ? 'int32' : 'float32', values: w.values };
  }
  if (!(w instanceof tf.Tensor)) throw new ArtifactError('bad-value', name, `weight "${name}" is not a tf.Tensor or { shape, values }`);
  if (w.isDisposed) throw new ArtifactError('bad-value', name, `weight "${name}" was already disposed`);
  if (!STORED_DTYPES.includes(w.dtype as StoredDtype)) {
    throw new ArtifactError('bad-value', name, `weight "${name}" has dtype ${w.dtype}; only ${STORED_DTYPES.join(', ')} can be stored`);
  }
  return { shape: [...w.shape], dtype: w.dtype as StoredDtype, values: (await w.data()) as Float32Array | Int32Array | Uint8Array };
}

function isStoredBytes(w: unknown): w is StoredWeightBytes {
  const b = w as StoredWeightBytes | null;
  return typeof b === 'object' && b !== null && b.bytes instanceof Uint8Array && Array.isArray(b.shape);
}

/** A weight given as stored bytes, checked against its shape and storage type. */
function storedAsGiven(name: string, w: StoredWeightBytes): { spec: WeightSpec; bytes: Uint8Array } {
  const spec: WeightSpec = { name, shape: [...w.shape], dtype: w.dtype, ...(w.quantization ? { quantization: w.quantization } : {}) };
  const q = w.quantization?.dtype;
  const ok =
    STORED_DTYPES.includes(w.dtype) &&
    w.shape.every((d) => Number.isInteger(d) && d >= 0) &&
    (q === undefined || (w.dtype === 'float32' && (q === 'float16' || (q === 'uint8-column' && w.shape.length >= 2 && w.shape[w.shape.length - 1] > 0))));
  if (!ok) throw new ArtifactError('bad-value', name, `weight "${name}": dtype ${w.dtype} with storage ${q ?? 'none'} and shape ${formatShape(w.shape)} cannot be stored`);
  if (w.bytes.byteLength !== storedByteLength(spec)) {
    throw new ArtifactError('bad-value', name, `weight "${name}": ${w.bytes.byteLength} bytes given, its shape and storage need ${storedByteLength(spec)}`);
  }
  return { spec, bytes: w.bytes };
}

/** The stored bytes and manifest entry of one weight. */
async function encodeOneWeight(name: string, w: tf.Tensor | HostWeight | StoredWeightBytes, storage: StorageType): Promise<{ spec: WeightSpec; bytes: Uint8Array }> {
  if (isStoredBytes(w)) return storedAsGiven(name, w);
  const { shape, dtype, values } = await hostValues(name, w);
  if (dtype !== 'float32' || storage === 'float32') {
    // As tfjs's encodeWeights writes them: the values' own bytes, little-endian.
    return { spec: { name, shape, dtype }, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
  }
  const floats = values as Float32Array;
  const columns = shape[shape.length - 1];
  if (storage === 'uint8' && shape.length >= 2 && columns > 0) {
    return { spec: { name, shape, dtype, quantization: { dtype: 'uint8-column' } }, bytes: quantizeColumns(floats, columns) };
  }
  for (let i = 0; i < floats.length; i++) {
    if (Math.abs(floats[i]) > FLOAT16_MAX && Number.isFinite(floats[i])) {
      throw new ArtifactError(
        'bad-value',
        name,
        `weight "${name}" holds ${floats[i]} at flat index ${i}, outside the float16 range ±${FLOAT16_MAX}; save it as float32`,
      );
    }
  }
  const half = encodeFloat16(floats);
  return { spec: { name, shape, dtype, quantization: { dtype: 'float16' } }, bytes: new Uint8Array(half.buffer) };
}

function extraFileBytes(name: string, content: string | Uint8Array): Uint8Array {
  if (!isPlainFileName(name) || name === MODEL_JSON || isShardName(name)) {
    throw new ArtifactError(
      'bad-name',
      name,
      `extra file name ${JSON.stringify(name)} must be a plain file name other than ${MODEL_JSON} and the shard names (groupN-shardIofN.bin)`,
    );
  }
  if (typeof content === 'string') return new TextEncoder().encode(content);
  if (content instanceof Uint8Array) return content;
  throw new ArtifactError('bad-value', name, `extra file "${name}" must be a string or a Uint8Array`);
}

/**
 * Turns a model into its files: weights concatenated in the order given, cut into shards of at
 * most `shardBytes`, each with its byte length and SHA-256 in model.json. Pure (no I/O), so
 * browsers can use it to offer a model for download.
 */
export async function encodeArtifact(contents: ArtifactContents, opts: ArtifactEncodeOptions = {}): Promise<EncodedArtifact> {
  const shardBytes = opts.shardBytes ?? DEFAULT_SHARD_BYTES;
  const storage = opts.storage ?? (opts.float16 === true ? 'float16' : 'float32');
  if (!STORAGE_TYPES.includes(storage)) {
    throw new ArtifactError('bad-value', 'storage', `storage must be one of ${STORAGE_TYPES.join(', ')}, got ${JSON.stringify(storage)}`);
  }
  if (!Number.isInteger(shardBytes) || shardBytes < 1) {
    throw new ArtifactError('bad-value', 'shardBytes', `shardBytes must be a positive integer, got ${shardBytes}`);
  }
  if (typeof contents.className !== 'string' || contents.className === '') {
    throw new ArtifactError('bad-value', 'className', 'className must be a non-empty string');
  }
  assertJson(contents.config, 'config');
  if (typeof contents.config !== 'object' || contents.config === null || Array.isArray(contents.config)) {
    throw new ArtifactError('bad-value', 'config', 'config must be a JSON object');
  }
  if (contents.metadata !== undefined) assertJson(contents.metadata, 'metadata');

  const encoded = [];
  for (const [name, t] of Object.entries(contents.weights)) {
    if (name === '') throw new ArtifactError('bad-name', name, 'weight names must be non-empty');
    encoded.push(await encodeOneWeight(name, t, storage));
  }

  const files: EncodedFile[] = [];
  const weightsManifest: ModelJson['weightsManifest'] = [];
  if (encoded.length > 0) {
    const total = encoded.reduce((n, e) => n + e.bytes.byteLength, 0);
    const all = new Uint8Array(total);
    let offset = 0;
    for (const e of encoded) {
      all.set(e.bytes, offset);
      offset += e.bytes.byteLength;
    }
    // At least one shard, even for zero-size weights, so every group has a file to check.
    const count = Math.max(1, Math.ceil(total / shardBytes));
    const group: ModelJson['weightsManifest'][number] = { paths: [], weights: encoded.map((e) => e.spec), byteLengths: [], sha256: [] };
    for (let i = 0; i < count; i++) {
      const bytes = all.subarray(i * shardBytes, Math.min(total, (i + 1) * shardBytes));
      const name = shardName(1, i + 1, count);
      group.paths.push(name);
      group.byteLengths.push(bytes.byteLength);
      group.sha256.push(await sha256Hex(bytes));
      files.push({ name, bytes });
    }
    weightsManifest.push(group);
  }

  const extraFiles: ExtraFileEntry[] = [];
  for (const [name, content] of Object.entries(contents.extraFiles ?? {})) {
    const bytes = extraFileBytes(name, content);
    extraFiles.push({ path: name, byteLength: bytes.byteLength, sha256: await sha256Hex(bytes) });
    files.push({ name, bytes });
  }

  const modelJson: ModelJson = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    className: contents.className,
    config: contents.config,
    ...(contents.metadata !== undefined ? { metadata: contents.metadata } : {}),
    weightsManifest,
    ...(extraFiles.length > 0 ? { extraFiles } : {}),
  };
  files.push({ name: MODEL_JSON, bytes: new TextEncoder().encode(JSON.stringify(modelJson, null, 2) + '\n') });
  return { modelJson, files };
}
