import * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '../interfaces';
import { sha256Hex } from './checksum';
import { ArtifactError } from './errors';
import { encodeFloat16, FLOAT16_MAX } from './float16';
import {
  DEFAULT_SHARD_BYTES,
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

/** What a saved model holds. Tensors stay owned by the caller; saving never disposes them. */
export interface ArtifactContents {
  className: string;
  config: JsonObject;
  /** Training figures, versions, anything JSON the loader should get back untouched. */
  metadata?: JsonObject;
  weights: Record<string, tf.Tensor>;
  /** Files saved beside the weights (vocabularies, label lists); plain names only. */
  extraFiles?: Record<string, string | Uint8Array>;
}

export interface ArtifactEncodeOptions {
  /** Store float32 weights as float16 (half the bytes); they load back as float32. */
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

/** The stored bytes and manifest entry of one weight. */
async function encodeOneWeight(name: string, t: tf.Tensor, float16: boolean): Promise<{ spec: WeightSpec; bytes: Uint8Array }> {
  if (!(t instanceof tf.Tensor)) throw new ArtifactError('bad-value', name, `weight "${name}" is not a tf.Tensor`);
  if (t.isDisposed) throw new ArtifactError('bad-value', name, `weight "${name}" was already disposed`);
  if (!STORED_DTYPES.includes(t.dtype as StoredDtype)) {
    throw new ArtifactError('bad-value', name, `weight "${name}" has dtype ${t.dtype}; only ${STORED_DTYPES.join(', ')} can be stored`);
  }
  const shape = [...t.shape];
  if (float16 && t.dtype === 'float32') {
    const values = (await t.data()) as Float32Array;
    for (let i = 0; i < values.length; i++) {
      if (Math.abs(values[i]) > FLOAT16_MAX && Number.isFinite(values[i])) {
        throw new ArtifactError(
          'bad-value',
          name,
          `weight "${name}" holds ${values[i]} at flat index ${i}, outside the float16 range ±${FLOAT16_MAX}; save it without float16`,
        );
      }
    }
    const half = encodeFloat16(values);
    return { spec: { name, shape, dtype: 'float32', quantization: { dtype: 'float16' } }, bytes: new Uint8Array(half.buffer) };
  }
  const { data } = await tf.io.encodeWeights({ [name]: t });
  return { spec: { name, shape, dtype: t.dtype as StoredDtype }, bytes: new Uint8Array(data) };
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
    encoded.push(await encodeOneWeight(name, t, opts.float16 === true));
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
