import * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '../interfaces';
import { sha256Hex } from './checksum';
import { isHttpUrl, isNode } from '../env';
import { ArtifactError, messageOf } from './errors';
import { MODEL_JSON, parseModelJson, type ModelJson } from './format';
import { fetchReader, type FetchReaderOptions } from './io-fetch';
import { nodeFolderReader } from './io-node';
import type { ArtifactReader } from './reader';
import { checkWeights, type FoundWeight, type WeightExpectation } from './validate';
import { decodeWeightValues, type WeightValues } from './decode';

export interface ArtifactLoadOptions extends FetchReaderOptions {
  /** The weights the caller needs; checked against model.json before any shard is read. */
  expected?: Record<string, WeightExpectation>;
  /** Fraction of weight bytes read so far, from 0 to 1. */
  onProgress?: (fraction: number) => void;
}

export interface LoadedArtifact {
  className: string;
  config: JsonObject;
  /** `{}` when the model was saved without metadata. */
  metadata: JsonObject;
  /** Owned by the caller: dispose them (or assign them to variables and then dispose them). */
  weights: Record<string, tf.Tensor>;
  /** The folder or URL the model came from. */
  location: string;
  /** An extra file saved with the model, as UTF-8 text, after checking its length and SHA-256. */
  readExtraFile(name: string): Promise<string>;
  readExtraFileBytes(name: string): Promise<Uint8Array>;
  /** Whether model.json lists this extra file. */
  hasExtraFile(name: string): boolean;
}

/** A model whose model.json has been read and checked, weights not yet read. */
export interface OpenedArtifact {
  readonly modelJson: ModelJson;
  /** Path or URL of model.json, named in every error. */
  readonly source: string;
  readonly location: string;
  /** The weights model.json lists, with the dtype they load as. */
  weightSpecs(): FoundWeight[];
  readWeights(opts?: Pick<ArtifactLoadOptions, 'expected' | 'onProgress'>): Promise<Record<string, tf.Tensor>>;
  /** The weights as host arrays, no tensors made (for modules that keep typed arrays or build their own tensors). */
  readWeightValues(opts?: Pick<ArtifactLoadOptions, 'expected' | 'onProgress'>): Promise<Record<string, WeightValues>>;
  /** Whether model.json lists this extra file. */
  hasExtraFile(name: string): boolean;
  readExtraFile(name: string): Promise<string>;
  readExtraFileBytes(name: string): Promise<Uint8Array>;
}

async function readerFor(source: string | ArtifactReader, opts: FetchReaderOptions): Promise<ArtifactReader> {
  if (typeof source !== 'string') return source;
  if (isHttpUrl(source) || !isNode()) return fetchReader(source, opts);
  return nodeFolderReader(source);
}

/** Reads a file listed in model.json and checks it is whole: length first (says "truncated"), then SHA-256. */
async function readChecked(reader: ArtifactReader, name: string, byteLength: number, sha256: string, what: string, source: string): Promise<Uint8Array> {
  const where = reader.describe(name);
  const bytes = await reader.read(name);
  if (bytes === null) {
    const code = what === 'shard' ? 'missing-shard' : 'missing-extra-file';
    throw new ArtifactError(code, where, `${where}: ${what} file is missing (listed in ${source})`);
  }
  if (bytes.byteLength !== byteLength) {
    const shorter = bytes.byteLength < byteLength;
    throw new ArtifactError(
      shorter ? 'truncated-shard' : 'corrupt-shard',
      where,
      `${where}: ${what} is ${shorter ? 'truncated' : 'too long'}: ${source} records ${byteLength} bytes, found ${bytes.byteLength}`,
    );
  }
  const digest = await sha256Hex(bytes);
  if (digest !== sha256) {
    throw new ArtifactError(
      'corrupt-shard',
      where,
      `${where}: ${what} is corrupt: its SHA-256 is ${digest} but ${source} records ${sha256}`,
    );
  }
  return bytes;
}

/** Reads and checks model.json; weights are read later, so a wrong model fails before any download. */
export async function openArtifact(pathOrUrl: string | ArtifactReader, opts: FetchReaderOptions = {}): Promise<OpenedArtifact> {
  const reader = await readerFor(pathOrUrl, opts);
  const source = reader.describe(MODEL_JSON);
  const raw = await reader.read(MODEL_JSON);
  if (raw === null) {
    const hint = (await reader.explainMissingModel?.()) ?? '';
    throw new ArtifactError('missing-model-json', source, `${source}: ${MODEL_JSON} not found${hint}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (err) {
    throw new ArtifactError('invalid-json', source, `${source}: invalid JSON: ${messageOf(err)}`, { cause: err });
  }
  const modelJson = parseModelJson(parsed, source);

  const extraEntry = (name: string) => {
    const entry = modelJson.extraFiles?.find((f) => f.path === name);
    if (!entry) {
      const listed = (modelJson.extraFiles ?? []).map((f) => f.path);
      throw new ArtifactError(
        'missing-extra-file',
        source,
        `${source}: no extra file "${name}" was saved with this model` + (listed.length ? ` (it has: ${listed.join(', ')})` : ''),
      );
    }
    return entry;
  };
  const readExtraFileBytes = async (name: string): Promise<Uint8Array> => {
    const entry = extraEntry(name);
    return readChecked(reader, entry.path, entry.byteLength, entry.sha256, 'extra file', source);
  };

  const weightSpecs = (): FoundWeight[] =>
    modelJson.weightsManifest.flatMap((g) => g.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })));

  const opened: OpenedArtifact = {
    modelJson,
    source,
    location: reader.location,
    weightSpecs,
    readExtraFileBytes,
    hasExtraFile: (name) => (modelJson.extraFiles ?? []).some((f) => f.path === name),
    async readExtraFile(name) {
      const bytes = await readExtraFileBytes(name);
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch (err) {
        const where = reader.describe(name);
        throw new ArtifactError('bad-value', where, `${where}: not UTF-8 text; use readExtraFileBytes`, { cause: err });
      }
    },
    async readWeightValues(readOpts = {}) {
      if (readOpts.expected) checkWeights(weightSpecs(), readOpts.expected, source);
      const groups = modelJson.weightsManifest;
      const total = groups.reduce((n, g) => n + g.byteLengths.reduce((a, b) => a + b, 0), 0);
      let done = 0;
      readOpts.onProgress?.(0);

      // Read and check every shard before decoding any, so a bad shard leaves nothing half-built.
      const joined: Uint8Array[] = [];
      for (const g of groups) {
        const bytes = new Uint8Array(g.byteLengths.reduce((a, b) => a + b, 0));
        let at = 0;
        for (let i = 0; i < g.paths.length; i++) {
          const shard = await readChecked(reader, g.paths[i], g.byteLengths[i], g.sha256[i], 'shard', source);
          bytes.set(shard, at);
          at += shard.byteLength;
          done += shard.byteLength;
          readOpts.onProgress?.(total === 0 ? 1 : done / total);
        }
        joined.push(bytes);
      }
      const values: Record<string, WeightValues> = {};
      groups.forEach((g, i) => Object.assign(values, decodeWeightValues(joined[i], g.weights, source)));
      readOpts.onProgress?.(1);
      return values;
    },
    async readWeights(readOpts = {}) {
      const values = await opened.readWeightValues(readOpts);
      const weights: Record<string, tf.Tensor> = {};
      try {
        for (const [name, w] of Object.entries(values)) weights[name] = tf.tensor(w.values, w.shape, w.dtype);
      } catch (err) {
        for (const t of Object.values(weights)) t.dispose();
        throw new ArtifactError('bad-format', source, `${source}: cannot decode weights: ${messageOf(err)}`, { cause: err });
      }
      return weights;
    },
  };
  return opened;
}

/**
 * Loads a model saved by saveArtifact: a folder path or file:// URL in Node, an http(s):// URL
 * (or a relative URL in browsers) through fetch, or any ArtifactReader. Checks model.json, then
 * `expected` (before reading shards), then each shard's length and SHA-256.
 */
export async function loadArtifact(pathOrUrl: string | ArtifactReader, opts: ArtifactLoadOptions = {}): Promise<LoadedArtifact> {
  const opened = await openArtifact(pathOrUrl, opts);
  const weights = await opened.readWeights({ expected: opts.expected, onProgress: opts.onProgress });
  const { modelJson } = opened;
  return {
    className: modelJson.className,
    config: modelJson.config,
    metadata: modelJson.metadata ?? {},
    weights,
    location: opened.location,
    readExtraFile: (name) => opened.readExtraFile(name),
    readExtraFileBytes: (name) => opened.readExtraFileBytes(name),
    hasExtraFile: (name) => opened.hasExtraFile(name),
  };
}
