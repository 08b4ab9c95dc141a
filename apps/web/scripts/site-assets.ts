/**
 * The static files the demo needs besides its JavaScript: the default TriMod model, the hashtag
 * segmenter, the captioner's weights and tfjs's .wasm binaries. They are copied from the
 * installed packages at build time (never committed here), so the site always ships the model
 * the packages ship and works offline.
 */
import { copyFileSync, cpSync, createReadStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

export interface SiteAsset {
  /** Folder on disk. */
  from: string;
  /** Folder in the site, relative to its root. */
  to: string;
  /** Which files of `from` to ship (the whole folder when absent). */
  files?: string[];
}

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

export function siteAssets(): SiteAsset[] {
  return [
    { from: path.join(packageDir('@trimod/trimod'), 'model'), to: 'models/trimod' },
    { from: path.join(packageDir('@trimod/hashtag-segmenter'), 'model'), to: 'models/segmenter' },
    // backbone/ and decoder/ for captions, centernet/ for objects, each with its licence.
    { from: path.join(packageDir('@trimod/image-captioner'), 'weights'), to: 'models/captioner' },
    // All three builds: tfjs picks plain, SIMD, or threaded SIMD (only on cross-origin-isolated pages).
    {
      from: path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')),
      to: 'tfjs',
      files: ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'],
    },
  ];
}

/** Copies every asset into `outDir`, replacing what an earlier build left there. */
export function copySiteAssets(outDir: string): void {
  for (const asset of siteAssets()) {
    if (!existsSync(asset.from)) throw new Error(`site assets: ${asset.from} does not exist (needed for ${asset.to}/)`);
    const dest = path.join(outDir, asset.to);
    rmSync(dest, { recursive: true, force: true });
    if (!asset.files) {
      cpSync(asset.from, dest, { recursive: true });
      continue;
    }
    mkdirSync(dest, { recursive: true });
    for (const file of asset.files) copyFileSync(path.join(asset.from, file), path.join(dest, file));
  }
}

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** The file an asset URL path names, or null (also for paths that climb out of the folder). */
function assetFile(urlPath: string): string | null {
  for (const asset of siteAssets()) {
    const prefix = `/${asset.to}/`;
    if (!urlPath.startsWith(prefix)) continue;
    const file = path.resolve(asset.from, decodeURIComponent(urlPath.slice(prefix.length)));
    if (!file.startsWith(asset.from + path.sep)) return null;
    if (asset.files && !asset.files.includes(path.relative(asset.from, file))) return null;
    return existsSync(file) && statSync(file).isFile() ? file : null;
  }
  return null;
}

/** Vite plugin: copies the assets into the build, and serves them from the packages in `vite dev`. */
export function siteAssetsPlugin(): Plugin {
  let outDir = 'dist';
  return {
    name: 'trimod-site-assets',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle() {
      copySiteAssets(outDir);
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = assetFile((req.url ?? '/').split('?')[0]);
        if (!file) return next();
        res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
        createReadStream(file).pipe(res);
      });
    },
  };
}
