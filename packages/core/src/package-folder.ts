import { isNode } from './env';

/**
 * The folder of an installed package of ours, found from one of its own modules: walks up from
 * `fromUrl` (the caller's `import.meta.url`) to the package.json that names `packageName`. Both
 * the sources (src/…) and the builds (dist/) sit below the package root, at different depths, so
 * walking up works for tests, tsx and published builds alike. Node only: a browser has no folders,
 * and callers there take a URL from the user.
 */
export async function packageFolder(packageName: string, fromUrl: string): Promise<string> {
  if (!isNode()) {
    throw new Error(`${packageName}: shipped files have no default location in a browser; pass a URL where they are served`);
  }
  const [{ readFile }, path, url] = await Promise.all([import('node:fs/promises'), import('node:path'), import('node:url')]);
  const start = fromUrl.startsWith('file:') ? url.fileURLToPath(fromUrl) : fromUrl;
  let dir = path.dirname(start);
  for (;;) {
    try {
      const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === packageName) return dir;
    } catch {
      // No package.json here: keep walking up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${packageName} above ${start}`);
    dir = parent;
  }
}
