import { packageFolder } from '@trimod/core';

/**
 * Where the shipped weights live: the package's `weights/` folder in Node (found from this
 * module, so it works from any working directory and from both builds). In a browser the
 * caller passes a URL (e.g. a copy of that folder on a CDN).
 */
export async function defaultWeightsRoot(): Promise<string> {
  try {
    return `${await packageFolder('@trimod/image-captioner', import.meta.url)}/weights`;
  } catch (err) {
    throw new Error(`${(err as Error).message}: pass { weights } with a folder or URL holding a copy of the package's weights/ folder`);
  }
}
