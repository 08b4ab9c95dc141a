import * as tf from '@tensorflow/tfjs-core';
import { ArtifactError, initBackend } from '@trimod/core';
import { openArtifact, type OpenedArtifact } from '@trimod/core/artifacts';
import { expectedBoundaryWeights, LEXICON_FILE, legacyFormatHint, parseSegmenterArtifact } from './io/artifact';
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

/** Opens the folder through core's artifacts; a folder in the segmenter's old format gets a conversion hint. */
async function open(location: string): Promise<OpenedArtifact> {
  try {
    return await openArtifact(location);
  } catch (err) {
    const hint = err instanceof ArtifactError && err.code === 'bad-format' ? legacyFormatHint(err.message) : '';
    throw new Error(`loadSegmenter: ${(err as Error).message}${hint}`, { cause: err });
  }
}

/**
 * Loads a segmenter from a model folder: a local path or file:// URL in Node, an http(s) URL
 * anywhere (a path to model.json itself also works), read through core's artifacts (every
 * file's length and SHA-256 checked). Without an argument, the model shipped in this package:
 * from where `setDefaultModelLocation` says (a browser serves the package's `model/` files),
 * else from the package's own folder in Node, with no network access.
 */
export async function loadSegmenter(pathOrUrl?: string): Promise<HashtagSegmenter> {
  if (pathOrUrl !== undefined && (typeof pathOrUrl !== 'string' || pathOrUrl.trim() === '')) {
    throw new Error(`loadSegmenter: the model location must be a non-empty path or URL, got ${JSON.stringify(pathOrUrl)}`);
  }
  const location = pathOrUrl ?? defaultLocation ?? (await shippedModelFolder());
  const opened = await open(location);
  const { boundaryConfig, decode, decodeLm } = parseSegmenterArtifact(opened);
  const lexicon = opened.hasExtraFile(LEXICON_FILE)
    ? Lexicon.fromText(await opened.readExtraFile(LEXICON_FILE), `${opened.location}/${LEXICON_FILE}`)
    : null;
  let model: BoundaryModel | null = null;
  if (boundaryConfig) {
    await ensureBackend();
    const weights = await opened.readWeights({ expected: expectedBoundaryWeights(boundaryConfig) });
    try {
      model = new BoundaryModel(boundaryConfig, weights);
    } finally {
      tf.dispose(Object.values(weights));
    }
  }
  return new HashtagSegmenter(model, lexicon, decode, opened.modelJson.metadata ?? {}, decodeLm);
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
