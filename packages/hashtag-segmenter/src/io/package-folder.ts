/**
 * Where the shipped model lives in Node: `model/` in this package's folder, found by core's
 * `packageFolder` (the sources and the builds sit at different depths below the package root).
 *
 * `import.meta.url` works in the ESM build natively, in the CJS build through tsup's shim
 * (`shims: true`), and under jest through SWC's CommonJS rewrite.
 */
import { isNode, packageFolder } from '@trimod/core';

const PACKAGE_NAME = '@trimod/hashtag-segmenter';

let cached: Promise<string> | undefined;

/** The shipped model's folder; only meaningful in Node. */
export function shippedModelFolder(): Promise<string> {
  if (!isNode()) {
    return Promise.reject(
      new Error(
        'loadSegmenter: in a browser the shipped model has no default location. Serve the files of ' +
          `${PACKAGE_NAME}/model/ (model.json, the group*.bin shards, lexicon.txt) and pass their URL: ` +
          "loadSegmenter('/assets/hashtag-segmenter/'), or call setDefaultModelLocation(url) before segment().",
      ),
    );
  }
  // core's packageFolder walks up from this module to the package.json that names this package.
  cached ??= packageFolder(PACKAGE_NAME, import.meta.url).then((dir) => `${dir}/model`);
  return cached;
}
