/**
 * The segmenter's model folder, in core's artifact format (@trimod/core/artifacts): model.json
 * with class `HashtagSegmenter`, its config (the boundary network's sizes, or null for a
 * lexicon-only model; the decoder settings) and the training figures as metadata; the network's
 * float32 weights in shards; the lexicon as the extra file `lexicon.txt` (absent for a
 * network-only model). Length and SHA-256 of every file are checked on load, by core.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '@trimod/core';
import type { ArtifactContents, OpenedArtifact, WeightExpectation } from '@trimod/core/artifacts';
import { decodeParamsToJson, parseDecodeParams, type DecodeParams } from '../decode/params';
import { boundaryWeightShapes, parseBoundaryConfig, type BoundaryModelConfig } from '../neural/boundary-model';
import type { HashtagSegmenter } from '../segmenter';

export const SEGMENTER_CLASS = 'HashtagSegmenter';
export const LEXICON_FILE = 'lexicon.txt';
/** The format shipped before the segmenter used core's artifacts; named in the error for such a folder. */
const LEGACY_FORMAT = 'trimod-hashtag-segmenter';

export interface SegmenterConfig {
  boundaryConfig: BoundaryModelConfig | null;
  decode: DecodeParams;
  decodeLm: DecodeParams;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What saveSegmenter writes for a segmenter: core's artifact contents (weights stay the caller's). */
export function segmenterArtifact(segmenter: HashtagSegmenter): ArtifactContents {
  const config: JsonObject = {
    boundaryModel: segmenter.model ? { ...segmenter.model.config } : null,
    decode: decodeParamsToJson(segmenter.params),
  };
  if (segmenter.lmParams !== segmenter.params) config.decodeLm = decodeParamsToJson(segmenter.lmParams);
  return {
    className: SEGMENTER_CLASS,
    config,
    metadata: segmenter.metadata,
    weights: (segmenter.model?.namedWeights() ?? {}) as Record<string, tf.Tensor>,
    extraFiles: segmenter.lexicon ? { [LEXICON_FILE]: segmenter.lexicon.toText() } : {},
  };
}

/** Checks an opened folder is a segmenter and reads its config; errors name model.json and the field. */
export function parseSegmenterArtifact(opened: OpenedArtifact): SegmenterConfig {
  const { modelJson, source } = opened;
  if (modelJson.className !== SEGMENTER_CLASS) {
    throw new Error(`${source}: holds a ${modelJson.className}, not a ${SEGMENTER_CLASS}`);
  }
  const c = modelJson.config;
  if (!isObject(c.decode)) throw new Error(`${source}: config.decode must be a JSON object`);
  if (c.decodeLm !== undefined && !isObject(c.decodeLm)) throw new Error(`${source}: config.decodeLm must be a JSON object when present`);
  if (c.boundaryModel !== null && !isObject(c.boundaryModel)) throw new Error(`${source}: config.boundaryModel must be a JSON object or null`);
  const decode = parseDecodeParams(c.decode, `${source}: config.decode`);
  const decodeLm = isObject(c.decodeLm) ? parseDecodeParams(c.decodeLm, `${source}: config.decodeLm`) : decode;
  const boundaryConfig = isObject(c.boundaryModel) ? parseBoundaryConfig(c.boundaryModel) : null;
  if (!boundaryConfig && !opened.hasExtraFile(LEXICON_FILE)) {
    throw new Error(`${source}: names neither a boundary model (config.boundaryModel) nor a lexicon (${LEXICON_FILE})`);
  }
  return { boundaryConfig, decode, decodeLm };
}

/** The weights a boundary network of this config needs, for core's check before any shard is read. */
export function expectedBoundaryWeights(config: BoundaryModelConfig | null): Record<string, WeightExpectation> {
  return Object.fromEntries((config ? boundaryWeightShapes(config) : []).map(([name, shape]) => [name, { shape, dtype: 'float32' }]));
}

/** A hint for core's complaint about a model.json in the segmenter's format from before core's artifacts, or ''. */
export function legacyFormatHint(coreMessage: string): string {
  return coreMessage.includes(`format is "${LEGACY_FORMAT}"`)
    ? ` (this folder is in the segmenter's old format "${LEGACY_FORMAT}"; convert it with training/segmenter: npm run convert-legacy -- <folder>)`
    : '';
}
