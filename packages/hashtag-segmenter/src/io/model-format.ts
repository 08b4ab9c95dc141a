/**
 * The segmenter's model folder: `model.json` (configs, decoder settings, weight manifest,
 * training figures), one weight shard in tfjs's weights format, and the lexicon text file.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '@trimod/core';
import { parseDecodeParams, type DecodeParams } from '../decode/params';
import { boundaryWeightShapes, parseBoundaryConfig, type BoundaryModelConfig } from '../neural/boundary-model';

export const SEGMENTER_FORMAT = 'trimod-hashtag-segmenter';
export const SEGMENTER_FORMAT_VERSION = 1;
export const MODEL_JSON = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const LEXICON_FILE = 'lexicon.txt';

export interface SegmenterModelJson {
  format: typeof SEGMENTER_FORMAT;
  formatVersion: number;
  boundaryModel: JsonObject | null;
  /** Decoder settings for the combined (network + lexicon) mode. */
  decode: JsonObject;
  /** Decoder settings for the lexicon-only mode, when tuned separately. */
  decodeLm?: JsonObject;
  /** File name of the lexicon beside model.json, or null for a network-only model. */
  lexicon: string | null;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  /** Free-form figures (training command, data, accuracy). */
  metadata?: JsonObject;
}

export interface ParsedModelJson {
  boundaryConfig: BoundaryModelConfig | null;
  decode: DecodeParams;
  decodeLm: DecodeParams;
  lexiconFile: string | null;
  weightsFile: string | null;
  specs: tf.io.WeightsManifestEntry[];
  metadata: JsonObject;
}

/** Encodes named weights into one shard and its manifest entries. */
export async function encodeWeights(weights: Record<string, tf.Tensor>): Promise<{ data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] }> {
  return tf.io.encodeWeights(weights);
}

/** Checks model.json's structure and the weight manifest against the network's config. */
export function parseModelJson(json: unknown, source: string): ParsedModelJson {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${source}: model.json is not a JSON object`);
  const m = json as Partial<SegmenterModelJson>;
  if (m.format !== SEGMENTER_FORMAT) {
    throw new Error(`${source}: model.json has format ${JSON.stringify(m.format)}, expected "${SEGMENTER_FORMAT}"`);
  }
  if (m.formatVersion !== SEGMENTER_FORMAT_VERSION) {
    throw new Error(`${source}: model.json has formatVersion ${m.formatVersion}; this version reads ${SEGMENTER_FORMAT_VERSION}`);
  }
  const decode = parseDecodeParams(m.decode, `${source}: decode`);
  const decodeLm = m.decodeLm ? parseDecodeParams(m.decodeLm, `${source}: decodeLm`) : decode;
  const boundaryConfig = m.boundaryModel ? parseBoundaryConfig(m.boundaryModel) : null;
  const lexiconFile = typeof m.lexicon === 'string' ? m.lexicon : null;
  if (!boundaryConfig && !lexiconFile) throw new Error(`${source}: model.json names neither a boundary model nor a lexicon`);
  let weightsFile: string | null = null;
  let specs: tf.io.WeightsManifestEntry[] = [];
  if (boundaryConfig) {
    const group = m.weightsManifest?.[0];
    if (!group || group.paths?.length !== 1 || !Array.isArray(group.weights)) {
      throw new Error(`${source}: model.json needs a weightsManifest with one shard for the boundary model`);
    }
    weightsFile = group.paths[0];
    specs = group.weights;
    const byName = new Map(specs.map((s) => [s.name, s]));
    for (const [name, shape] of boundaryWeightShapes(boundaryConfig)) {
      const spec = byName.get(name);
      if (!spec) throw new Error(`${source}: weight "${name}" is missing from the manifest`);
      if (spec.shape.join('x') !== shape.join('x')) {
        throw new Error(`${source}: weight "${name}" has shape [${spec.shape}] in the manifest, the config needs [${shape}]`);
      }
      if (spec.dtype !== 'float32') throw new Error(`${source}: weight "${name}" has dtype ${spec.dtype}, expected float32`);
      byName.delete(name);
    }
    if (byName.size > 0) throw new Error(`${source}: the manifest has unexpected weights: ${[...byName.keys()].join(', ')}`);
  }
  return { boundaryConfig, decode, decodeLm, lexiconFile, weightsFile, specs, metadata: m.metadata ?? {} };
}

/** Decodes the shard, checking its length against the manifest. */
export function decodeWeights(data: ArrayBuffer, specs: tf.io.WeightsManifestEntry[], source: string): Record<string, tf.Tensor> {
  const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (data.byteLength !== expected) {
    throw new Error(`${source}: the weight file has ${data.byteLength} bytes, the manifest needs ${expected}`);
  }
  return tf.io.decodeWeights(data, specs);
}
