import { packageFolder } from '@trimod/core';

let location: string | null = null;

/**
 * Where `TriMod.load()` finds the bundled default model: the URL set by `setBundledModelLocation`
 * (a browser serves a copy of this package's `model/` folder), else, in Node, the `model/`
 * folder of the installed @trimod/trimod package.
 */
export async function bundledModelLocation(): Promise<string> {
  if (location !== null) return location;
  try {
    return `${await packageFolder('@trimod/trimod', import.meta.url)}/model`;
  } catch (err) {
    throw new Error(
      `TriMod.load(): ${(err as Error).message}. Serve the files of @trimod/trimod/model/ (model.json and its weight files) ` +
        "and call TriMod.setBundledModelLocation('/assets/trimod-model/') first, or pass that URL to TriMod.load(url).",
    );
  }
}

/** An empty string goes back to the default. */
export function setBundledModelLocation(urlOrFolder: string): void {
  location = urlOrFolder ? urlOrFolder.replace(/\/+$/, '') : null;
}
