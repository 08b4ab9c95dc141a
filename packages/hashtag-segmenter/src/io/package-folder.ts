/**
 * Where the shipped model lives in Node: `model/` in this package's folder. Both the source
 * (src/io/) and the builds (dist/) sit below the package root, at different depths, so the
 * root is found by walking up to the package.json that names this package.
 *
 * `import.meta.url` works in the ESM build natively, in the CJS build through tsup's shim
 * (`shims: true`), and under jest through SWC's CommonJS rewrite.
 */
import { isNode } from './file-source';

const PACKAGE_NAME = '@trimod/hashtag-segmenter';

let cached: Promise<string> | undefined;

/** The shipped model's folder; only meaningful in Node. */
export function shippedModelFolder(): Promise<string> {
  if (!isNode()) {
    return Promise.reject(
      new Error(
        'loadSegmenter: in a browser the shipped model has no default location. Serve the files of ' +
          `${PACKAGE_NAME}/model/ (model.json, weights.bin, lexicon.txt) and pass their URL: ` +
          "loadSegmenter('/assets/hashtag-segmenter/'), or call setDefaultModelLocation(url) before segment().",
      ),
    );
  }
  cached ??= findFolder();
  return cached;
}

async function findFolder(): Promise<string> {
  const [{ readFile }, path, url] = await Promise.all([import('node:fs/promises'), import('node:path'), import('node:url')]);
  let dir = path.dirname(url.fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === PACKAGE_NAME) return path.join(dir, 'model');
    } catch {
      // No package.json here: keep walking up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`loadSegmenter: cannot find the folder of ${PACKAGE_NAME} above ${url.fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
