/**
 * The captioner's weight folders (backbone, decoder) are core artifacts (@trimod/core/artifacts):
 * model.json names the class (`MobileNetV2Backbone`, `CaptionDecoder`) and holds its plain-JSON
 * description as the config, the weights sit in checked shards, stored as float32, float16 or
 * core's uint8 codes per column. The captioner keeps its weights as host arrays (the backbone is
 * a fixed graph of tfjs-core ops, not a trainable module), so it reads and writes them as such.
 */
import { ArtifactError, type JsonObject } from '@trimod/core';
import { openArtifact, saveArtifact, type StorageType } from '@trimod/core/artifacts';

/** A weight held as plain numbers (no tensor), so loading and saving never leak tensors. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array | Int32Array;
}

export interface LoadedWeights {
  className: string;
  /** The description saved as the artifact's config (a backbone graph, a decoder's config and vocabulary). */
  config: JsonObject;
  metadata: JsonObject;
  weights: Map<string, NamedArray>;
}

/** The format of these folders before they were core artifacts; named in the error for such a folder. */
const LEGACY_FORMAT = 'trimod-captioner-weights';

/** Loads a weight folder (a path in Node, or a URL) holding a `className`. */
export async function loadWeights(location: string, className: string): Promise<LoadedWeights> {
  let opened;
  try {
    opened = await openArtifact(location);
  } catch (err) {
    if (err instanceof ArtifactError && err.code === 'bad-format' && err.message.includes(`"${LEGACY_FORMAT}"`)) {
      throw new Error(`${err.message} (a folder in the captioner's old format: convert it with training/captioner: npx tsx scripts/convert-legacy.ts <folder>)`, { cause: err });
    }
    throw err;
  }
  if (opened.modelJson.className !== className) {
    throw new Error(`${opened.source}: holds a ${opened.modelJson.className}, not a ${className}`);
  }
  const values = await opened.readWeightValues();
  const weights = new Map<string, NamedArray>();
  for (const [name, w] of Object.entries(values)) {
    if (w.dtype === 'bool') throw new Error(`${opened.source}: weight "${name}" is bool; the captioner holds float32 and int32 weights`);
    weights.set(name, { name, shape: w.shape, values: w.values as Float32Array | Int32Array });
  }
  return { className, config: opened.modelJson.config, metadata: opened.modelJson.metadata ?? {}, weights };
}

/**
 * Writes a weight folder (Node only) with core's atomic save. `storage`: float16 halves the
 * size, uint8 (8-bit codes per matrix column, vectors float16) quarters it; checkpoints use float32.
 */
export async function saveWeights(
  dir: string,
  className: string,
  config: JsonObject,
  arrays: readonly NamedArray[],
  opts: { storage?: StorageType; metadata?: JsonObject; extraFiles?: Record<string, string> } = {},
): Promise<void> {
  const weights = Object.fromEntries(arrays.map((a) => [a.name, { shape: a.shape, values: a.values }]));
  if (Object.keys(weights).length !== arrays.length) throw new Error(`saveWeights(${dir}): two weights share a name`);
  await saveArtifact(dir, { className, config, metadata: opts.metadata, weights, extraFiles: opts.extraFiles }, { storage: opts.storage ?? 'float16' });
}

/** The weight or a clear error naming what is missing and what was found. */
export function requireWeight(weights: Map<string, NamedArray>, name: string, shape: number[], source: string): NamedArray {
  const w = weights.get(name);
  if (w === undefined) throw new Error(`${source}: weight "${name}" is missing`);
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${source}: weight "${name}" has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return w;
}
