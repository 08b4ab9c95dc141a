import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { initBackend } from '@trimod/core';
import { decodeImage } from '@trimod/image-captioner';
import { TriMod } from '@trimod/trimod';
import { PNG } from 'pngjs';
import { serveStatic, type StaticServer } from '../scripts/static-server.cjs';
import { launchChromium } from './chromium';
import { installPacked, PUBLIC_PACKAGES } from './packed/install';
import type { PackedApp, PackedEntity } from './packed/app';

// What a stranger gets from npm, in a browser: each library package packed (npm pack, the
// tarball's files only), bundled by esbuild for the browser from its package exports, and run in
// headless Chromium with the models copied out of the tarballs. Needs the packages built (nx
// builds them before apps/web's tests).

const POST = 'Kevin Durant and LeBron James played in Madison Square Garden tonight #NBA';

let project: string;
let site: string;
let server: StaticServer | undefined;
let browser: Browser | undefined;

/** esbuild for browsers, as a user's bundler would run it from the project's folder. */
let browserOptions: esbuild.BuildOptions & { metafile: true };

/** Per package: the errors of bundling `export * from '@trimod/<name>'`, or the files that went in. */
type PackageBundle = { errors: string[]; inputs: string[] };
const packageBundles = new Map<string, PackageBundle>();

function readable(err: unknown): string[] {
  const errors = (err as { errors?: esbuild.Message[] }).errors;
  if (!errors) throw err;
  return errors.map((e) => `${e.location?.file ?? '?'}:${e.location?.line ?? '?'}: ${e.text}`);
}

/** Bundles every package in one esbuild run (they share tfjs-core); one by one only to attribute errors. */
async function bundlePackages(): Promise<void> {
  const entries = PUBLIC_PACKAGES.map((name) => {
    const entry = path.join(project, `entry-${name}.js`);
    writeFileSync(entry, `export * from '@trimod/${name}';\n`);
    return entry;
  });
  try {
    const { metafile } = await esbuild.build({ ...browserOptions, entryPoints: entries, outdir: path.join(project, 'out'), write: false });
    for (const output of Object.values(metafile.outputs)) {
      const name = /entry-(.+)\.js$/.exec(output.entryPoint ?? '')?.[1];
      if (name) packageBundles.set(name, { errors: [], inputs: Object.keys(output.inputs) });
    }
  } catch {
    for (const [i, name] of PUBLIC_PACKAGES.entries()) {
      try {
        const { metafile } = await esbuild.build({ ...browserOptions, entryPoints: [entries[i]], write: false });
        packageBundles.set(name, { errors: [], inputs: Object.keys(metafile.inputs) });
      } catch (err) {
        packageBundles.set(name, { errors: readable(err), inputs: [] });
      }
    }
  }
}

async function openApp(): Promise<{ page: Page; problems: string[] }> {
  browser ??= await launchChromium();
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  await page.goto(`${server!.url}/index.html`);
  await page.waitForFunction(() => 'packed' in globalThis, null, { timeout: 30_000 });
  return { page, problems };
}

function callApp<K extends keyof PackedApp>(page: Page, name: K, ...args: Parameters<PackedApp[K]>): Promise<Awaited<ReturnType<PackedApp[K]>>> {
  return page.evaluate(
    ([n, a]) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>).packed[n](...a),
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<PackedApp[K]>>>;
}

beforeAll(async () => {
  project = mkdtempSync(path.join(os.tmpdir(), 'trimod-packed-'));
  browserOptions = { absWorkingDir: project, bundle: true, platform: 'browser', format: 'esm', target: 'es2022', metafile: true, logLevel: 'silent' };
  await installPacked(project);
  // The page: the app bundle, tfjs's .wasm files and the shipped models, all from the install.
  site = path.join(project, 'site');
  const modules = path.join(project, 'node_modules');
  const wasmDist = path.join(modules, '@tensorflow/tfjs-backend-wasm/dist');
  mkdirSync(path.join(site, 'wasm'), { recursive: true });
  for (const f of readdirSync(wasmDist).filter((n) => n.endsWith('.wasm'))) copyFileSync(path.join(wasmDist, f), path.join(site, 'wasm', f));
  cpSync(path.join(modules, '@trimod/trimod/model'), path.join(site, 'models/trimod'), { recursive: true });
  cpSync(path.join(modules, '@trimod/hashtag-segmenter/model'), path.join(site, 'models/segmenter'), { recursive: true });
  cpSync(path.join(__dirname, 'packed/app.ts'), path.join(project, 'app.ts'));
  await bundlePackages();
  await esbuild.build({ ...browserOptions, entryPoints: [path.join(project, 'app.ts')], outfile: path.join(site, 'app.js') });
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>packed</title><link rel="icon" href="data:,"><script type="module" src="app.js"></script>\n');
  server = await serveStatic(site);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed packages in a browser', () => {
  it.each(PUBLIC_PACKAGES)('@trimod/%s bundles for the browser with no errors, through its browser build', (name) => {
    const { errors, inputs } = packageBundles.get(name) ?? { errors: ['not bundled'], inputs: [] };
    expect(errors).toEqual([]);
    expect(inputs).toContain(`node_modules/@trimod/${name}/dist/browser.mjs`);
    // Node-only code stays out: no Node build of ours, no pngjs.
    expect(inputs.filter((f) => /@trimod\/[^/]+\/dist\/index\.m?js$|pngjs/.test(f))).toEqual([]);
  });

  it('segments a hashtag with the shipped segmenter model on the wasm backend', async () => {
    const { page, problems } = await openApp();
    await expect(callApp(page, 'backend', `${server!.url}/wasm/`)).resolves.toBe('wasm');
    await expect(callApp(page, 'segment', `${server!.url}/models/segmenter/`, '#ScotiabankArena')).resolves.toEqual(['Scotiabank', 'Arena']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('tags a post with TriMod.load() from setBundledModelLocation, as the library does in Node', async () => {
    const { page, problems } = await openApp();
    await expect(callApp(page, 'backend', `${server!.url}/wasm/`)).resolves.toBe('wasm');
    const shown: PackedEntity[] = await callApp(page, 'predict', `${server!.url}/models/trimod/`, `${server!.url}/models/segmenter/`, POST);
    expect(problems).toEqual([]);
    await page.close();

    await initBackend('wasm');
    const model = await TriMod.load(path.join(site, 'models/trimod'));
    try {
      const [expected] = await model.predict([{ text: POST }]);
      expect(expected.entities.length).toBeGreaterThan(0);
      const key = ({ text, type, start, end }: PackedEntity) => ({ text, type, start, end });
      expect(shown.map(key)).toEqual(expected.entities.map(key));
      shown.forEach((e, i) => expect(Math.abs(e.score - expected.entities[i].score)).toBeLessThan(0.02));
    } finally {
      model.dispose();
    }
  });

  it('decodes PNG bytes (with transparency) in the browser as pngjs does in Node', async () => {
    const width = 3;
    const height = 2;
    const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255, 200, 100, 50, 128, 0, 0, 0, 0]);
    const png = PNG.sync.write(Object.assign(new PNG({ width, height }), { data: rgba }));
    const expected = decodeImage(new Uint8Array(png), 'test.png');
    const { page, problems } = await openApp();
    await expect(callApp(page, 'backend', `${server!.url}/wasm/`)).resolves.toBe('wasm');
    const shown = await callApp(page, 'pixels', Array.from(png));
    await page.close();
    expect(problems).toEqual([]);
    expect(shown.shape).toEqual([height, width, 3]);
    // Canvas keeps pixels premultiplied: a half-transparent one may come back one step off.
    shown.data.forEach((v, i) => expect(Math.abs(v - expected.data[i])).toBeLessThanOrEqual(2));
  });

  it('says where it looked when the wasm files are not served, instead of hanging', async () => {
    const { page } = await openApp();
    const started = Date.now();
    const answer = await callApp(page, 'backend', `${server!.url}/no-such-folder/`);
    expect(answer).toMatch(/^error: .*no-such-folder.*\.wasm/);
    expect(Date.now() - started).toBeLessThan(20_000);
    await page.close();
  });
});
