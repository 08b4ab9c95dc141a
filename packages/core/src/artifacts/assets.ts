import { hasAssets, type AssetFiles } from '../interfaces';
import { ArtifactError } from './errors';

/*
 * Assets of composite modules: a model made of parts (TriMod's encoders) saves each part's
 * assets under the part's name, `<part>.<file>`, so two parts may both keep a `lexicon.txt`.
 */

/** Every part's assets, each name prefixed with its part's key (`hashtag.lexicon.txt`). */
export function collectAssets(parts: Readonly<Record<string, unknown>>): Record<string, string | Uint8Array> {
  const out: Record<string, string | Uint8Array> = {};
  for (const [key, part] of Object.entries(parts)) {
    if (!hasAssets(part)) continue;
    for (const [name, content] of Object.entries(part.assets())) out[`${key}.${name}`] = content;
  }
  return out;
}

/** The files of one part: `<prefix>.<name>` seen as `<name>`. */
export function assetFilesUnder(files: AssetFiles, prefix: string): AssetFiles {
  const full = (name: string) => `${prefix}.${name}`;
  return {
    location: files.location,
    has: (name) => files.has(full(name)),
    readText: (name) => files.readText(full(name)),
    readBytes: (name) => files.readBytes(full(name)),
  };
}

/** Hands each part that has assets its own files back (see collectAssets). */
export async function restoreAssets(parts: Readonly<Record<string, unknown>>, files: AssetFiles): Promise<void> {
  for (const [key, part] of Object.entries(parts)) {
    if (hasAssets(part)) await part.restoreAssets(assetFilesUnder(files, key));
  }
}

/** A module's assets merged with the caller's extra files; a name in both is an error, not a silent overwrite. */
export function mergeExtraFiles(
  assets: Record<string, string | Uint8Array>,
  extra: Record<string, string | Uint8Array> | undefined,
): Record<string, string | Uint8Array> {
  for (const name of Object.keys(extra ?? {})) {
    if (name in assets) {
      throw new ArtifactError('bad-name', name, `extra file "${name}" has the name of one of the module's own assets; choose another name`);
    }
  }
  return { ...assets, ...extra };
}
