import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import { fileSource } from './io/file-source';
import { decodeWeights, MODEL_JSON, parseModelJson } from './io/model-format';
import { shippedModelFolder } from './io/package-folder';
import { Lexicon } from './lexicon';
import { BoundaryModel } from './neural/boundary-model';
import { HashtagSegmenter } from './segmenter';

/**
 * Makes sure tfjs has a backend. When the caller already registered one (TriMod calls
 * initBackend itself), tfjs's choice is kept; a standalone user who registered none gets wasm
 * (fast in Node and browsers), or cpu where wasm cannot start.
 */
async function ensureBackend(): Promise<void> {
  if (Object.keys(tf.engine().registryFactory).length > 0) {
    await tf.ready();
    return;
  }
  try {
    await initBackend('wasm');
  } catch {
    await initBackend('cpu');
  }
}

let defaultLocation: string | undefined;

/**
 * Loads a segmenter from a model folder: a local path or file:// URL in Node, an http(s) URL
 * anywhere (a path to model.json itself also works). Without an argument, the model shipped in
 * this package: from where `setDefaultModelLocation` says (a browser serves the package's
 * `model/` files), else from the package's own folder in Node, with no network access. So a
 * browser that set the location once also gets it in `TriMod.load()`, which loads the lexicon this way.
 */
export async function loadSegmenter(pathOrUrl?: string): Promise<HashtagSegmenter> {
  const location = pathOrUrl ?? defaultLocation ?? (await shippedModelFolder());
  const files = await fileSource(location);
  const source = `${files.location}/${MODEL_JSON}`;
  let json: unknown;
  const text = await files.readText(MODEL_JSON);
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`loadSegmenter: ${source} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = parseModelJson(json, source);
  const lexicon = parsed.lexiconFile
    ? Lexicon.fromText(await files.readText(parsed.lexiconFile), `${files.location}/${parsed.lexiconFile}`)
    : null;
  let model: BoundaryModel | null = null;
  if (parsed.boundaryConfig && parsed.weightsFile) {
    const data = await files.readBinary(parsed.weightsFile);
    await ensureBackend();
    const weights = decodeWeights(data, parsed.specs, `${files.location}/${parsed.weightsFile}`);
    try {
      model = new BoundaryModel(parsed.boundaryConfig, weights);
    } finally {
      tf.dispose(Object.values(weights));
    }
  }
  return new HashtagSegmenter(model, lexicon, parsed.decode, parsed.metadata, parsed.decodeLm);
}

let defaultSegmenter: Promise<HashtagSegmenter> | undefined;

/**
 * Where `segment()`, `segmentBatch()` and `loadSegmenter()` without an argument load the model
 * from (needed in browsers, optional in Node). Changing it drops the model loaded so far; the
 * next call loads from the new place.
 */
export function setDefaultModelLocation(pathOrUrl: string | undefined): void {
  defaultLocation = pathOrUrl;
  const previous = defaultSegmenter;
  defaultSegmenter = undefined;
  void previous?.then((s) => s.dispose()).catch(() => undefined);
}

/** The default segmenter, loaded once on first use; a failed load is retried on the next call. */
export function defaultSegmenterInstance(): Promise<HashtagSegmenter> {
  if (!defaultSegmenter) {
    const loading = loadSegmenter();
    defaultSegmenter = loading;
    loading.catch(() => {
      if (defaultSegmenter === loading) defaultSegmenter = undefined;
    });
  }
  return defaultSegmenter;
}

/**
 * Words of a hashtag with the shipped model ('#' optional): `await segment('#NBAFinals2016')`
 * → ['NBA', 'Finals', '2016']. The first call loads the model; later calls reuse it. For a
 * synchronous API, `const s = await loadSegmenter()` and call `s.segment(...)`.
 */
export async function segment(hashtag: string): Promise<string[]> {
  return (await defaultSegmenterInstance()).segment(hashtag);
}

/** Words of each hashtag with the shipped model (one batched pass of the network). */
export async function segmentBatch(hashtags: readonly string[]): Promise<string[][]> {
  return (await defaultSegmenterInstance()).segmentBatch(hashtags);
}
