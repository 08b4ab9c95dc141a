import type * as tf from '@tensorflow/tfjs-core';
import { hasAssets, type AssetFiles, type JsonObject, type Saveable } from '../interfaces';
import { createFromConfig } from '../registry';
import { withoutRandomInit } from '../random';
import { mergeExtraFiles } from './assets';
import { ArtifactError, messageOf } from './errors';
import { openArtifact, type ArtifactLoadOptions, type OpenedArtifact } from './load';
import type { ArtifactReader } from './reader';
import { saveArtifact, type ArtifactSaveOptions } from './save';
import { checkWeights, type WeightExpectation } from './validate';

export interface SaveModuleOptions extends ArtifactSaveOptions {
  metadata?: JsonObject;
  extraFiles?: Record<string, string | Uint8Array>;
}

export type LoadModuleOptions = Omit<ArtifactLoadOptions, 'expected'>;

/** Shape and dtype of every weight a module names: what a saved model must provide. */
export function expectedWeightsOf(module: Saveable): Record<string, WeightExpectation> {
  const out: Record<string, WeightExpectation> = {};
  for (const [name, v] of Object.entries(module.namedWeights())) out[name] = { shape: v.shape, dtype: v.dtype };
  return out;
}

/**
 * Copies `weights` into the module's variables after checking that they match one to one:
 * same names, shapes and dtypes, none missing, none left over. Nothing is assigned unless all
 * match. The tensors stay owned by the caller (variables keep their own reference to the data).
 * `source` names where the weights came from in errors, e.g. the model.json path.
 */
export function assignWeights(module: Saveable, weights: Record<string, tf.Tensor>, source: string): void {
  const variables = module.namedWeights();
  const found = Object.entries(weights).map(([name, t]) => ({ name, shape: t.shape, dtype: t.dtype }));
  checkWeights(found, expectedWeightsOf(module), source);
  for (const [name, v] of Object.entries(variables)) v.assign(weights[name]);
}

/**
 * Saves a module's class name, config, weights and, when it has them, its assets (see HasAssets)
 * as extra files (atomically, see saveArtifact).
 */
export async function saveModule(module: Saveable, dir: string, opts: SaveModuleOptions = {}): Promise<void> {
  const { metadata, extraFiles, ...saveOpts } = opts;
  const files = mergeExtraFiles(hasAssets(module) ? module.assets() : {}, extraFiles);
  await saveArtifact(
    dir,
    { className: module.className, config: module.getConfig(), metadata, weights: module.namedWeights(), extraFiles: files },
    saveOpts,
  );
}

/** The extra files of an opened or loaded artifact, as a module's assets see them. */
export function assetFilesOf(opened: Pick<OpenedArtifact, 'location' | 'hasExtraFile' | 'readExtraFile' | 'readExtraFileBytes'>): AssetFiles {
  return {
    location: opened.location,
    has: (name) => opened.hasExtraFile(name),
    readText: (name) => opened.readExtraFile(name),
    readBytes: (name) => opened.readExtraFileBytes(name),
  };
}

function disposeModule(module: Saveable): void {
  for (const v of Object.values(module.namedWeights())) v.dispose();
}

/**
 * Loads a module saved by saveModule: rebuilds it from its class name and config through the
 * registry (import the package that registers the class first), checks the saved weights against
 * the ones the rebuilt module names before reading any shard, assigns them, then gives a module
 * with assets its saved files back.
 */
export async function loadModule<T extends Saveable>(pathOrUrl: string | ArtifactReader, opts: LoadModuleOptions = {}): Promise<T> {
  const opened = await openArtifact(pathOrUrl, opts);
  const { className, config } = opened.modelJson;
  let module: T;
  try {
    // Built without drawing initial values: every weight is overwritten from the shards (or
    // the load fails on the manifest check below), so drawing them would only cost time.
    module = withoutRandomInit(() => createFromConfig<T>(className, config));
  } catch (err) {
    throw new ArtifactError('unknown-class', opened.source, `${opened.source}: cannot rebuild "${className}": ${messageOf(err)}`, {
      cause: err,
    });
  }
  try {
    const weights = await opened.readWeights({ expected: expectedWeightsOf(module), onProgress: opts.onProgress });
    try {
      assignWeights(module, weights, opened.source);
    } finally {
      for (const t of Object.values(weights)) t.dispose();
    }
    if (hasAssets(module)) await module.restoreAssets(assetFilesOf(opened));
  } catch (err) {
    // The rebuilt module's fresh variables would otherwise leak with the failed load.
    disposeModule(module);
    throw err;
  }
  return module;
}
