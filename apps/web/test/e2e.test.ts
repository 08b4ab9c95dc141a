import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { initBackend } from '@trimod/core';
import { TriMod } from '@trimod/trimod';
import { serveStatic, type StaticServer } from '../scripts/static-server.cjs';
import { launchChromium, WEBGPU_FLAGS } from './chromium';
import { backendShown, drawTestImage, heatmapShown, openDemo, pageState, tagPost, type DemoPage, type ShownEntity } from './demo-page';

// End to end: the built site (apps/web/dist, `npm run build` first) served on localhost and
// driven in headless Chromium. Screenshots and a report of timings and bytes fetched go to
// apps/web/test-artifacts/.

const DIST = path.resolve(__dirname, '../dist');
const ARTIFACTS = path.resolve(__dirname, '../test-artifacts');
const POST = 'Kevin Durant and LeBron James played in Madison Square Garden tonight #NBA';
const IMAGE_POST = 'Took my dog to Central Park with Anna this morning #NYC';
const BROWSER_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'];

let server: StaticServer;
let browser: Browser | undefined;
const report: Record<string, unknown> = {};

/** The same post tagged in Node by the library, from the site's own model files. */
async function nodeEntities(text: string, caption: string | null = null): Promise<ShownEntity[]> {
  const model = await TriMod.load(path.join(DIST, 'models/trimod'));
  try {
    const [prediction] = await model.predict([{ text, caption }]);
    return prediction.entities.map(({ text, type, start, end, score }) => ({ text, type, start, end, score }));
  } finally {
    model.dispose();
  }
}

/** Same spans and types as the library in Node; scores agree closely (another backend's float maths). */
function expectSameEntities(shown: ShownEntity[], expected: ShownEntity[]): void {
  const key = ({ text, type, start, end }: ShownEntity) => ({ text, type, start, end });
  expect(shown.map(key)).toEqual(expected.map(key));
  shown.forEach((e, i) => expect(Math.abs(e.score - expected[i].score)).toBeLessThan(0.02));
}

async function screenshot(demo: DemoPage, name: string): Promise<void> {
  await demo.page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

/** Fails with what the page reported when it is not ready. */
async function expectReady(demo: DemoPage): Promise<void> {
  const state = await pageState(demo.page);
  if (state !== 'ready') {
    const error = await demo.page.locator('#error').textContent();
    throw new Error(`the demo is "${state}", not ready: ${error}\n${demo.problems.join('\n')}`);
  }
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serveStatic(DIST);
  await initBackend('wasm');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  writeFileSync(path.join(ARTIFACTS, 'report.json'), JSON.stringify(report, null, 2) + '\n');
});

describe('the TriMod demo in headless Chromium', () => {
  it('falls back from WebGPU without an adapter, says why, and highlights the entities of a post', async () => {
    const started = Date.now();
    browser = await launchChromium();
    const demo = await openDemo(browser, server.url);
    await expectReady(demo);

    // Every backend better than the one in use is listed with the reason it was skipped.
    const { backend, skipped } = await backendShown(demo.page);
    expect(BROWSER_ORDER).toContain(backend);
    expect(skipped.map((s) => s.backend)).toEqual(BROWSER_ORDER.slice(0, BROWSER_ORDER.indexOf(backend)));
    expect(skipped[0]?.backend).toBe('webgpu');
    for (const s of skipped) expect(s.reason.length).toBeGreaterThan(10);

    const entities = await tagPost(demo.page, POST);
    expect(entities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ text: 'Kevin Durant', type: 'PER', start: 0, end: 12 }),
        expect.objectContaining({ text: 'LeBron James', type: 'PER', start: 17, end: 29 }),
      ]),
    );
    expectSameEntities(entities, await nodeEntities(POST));
    const titles = await demo.page.$$eval('#entities mark', (marks) => marks.map((m) => m.getAttribute('title') ?? ''));
    expect(titles[0]).toMatch(/^PER · score \d\.\d\d/);

    // One heatmap column per model token, the weights of a token summing to 1.
    const heatmap = await heatmapShown(demo.page);
    expect(heatmap.map((h) => h.token)).toEqual(['Kevin', 'Durant', 'and', 'LeBron', 'James', 'played', 'in', 'Madison', 'Square', 'Garden', 'tonight', '#', 'NBA']);
    for (const { weights } of heatmap) expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);

    await expect(demo.page.getAttribute('#hashtags li[data-hashtag="#NBA"]', 'data-words')).resolves.toBe('NBA');
    await screenshot(demo, `text-post-${backend}.png`);
    report.textPost = { backend, skipped, entities, transfer: demo.transfer, ms: Date.now() - started, problems: demo.problems };
    await demo.page.close();
  });

  it('runs on WebGPU when Chromium offers a SwiftShader adapter, with the same entities', async () => {
    const started = Date.now();
    const gpuBrowser = await launchChromium(WEBGPU_FLAGS);
    try {
      const demo = await openDemo(gpuBrowser, server.url);
      await expectReady(demo);
      const { backend, skipped } = await backendShown(demo.page);
      report.webgpu = { backend, skipped };
      // Without a Vulkan loader Chromium has no adapter even with these flags: then the page
      // must have fallen back and said why, and the rest of this test does not apply.
      if (backend !== 'webgpu') {
        expect(skipped[0]).toEqual({ backend: 'webgpu', reason: expect.stringMatching(/adapter|navigator\.gpu/) });
        return;
      }
      expect(skipped).toEqual([]);
      await expect(demo.page.locator('#backend').textContent()).resolves.toMatch(/webgpu \(.+\)/);
      expectSameEntities(await tagPost(demo.page, POST), await nodeEntities(POST));
      await screenshot(demo, 'text-post-webgpu.png');
      report.webgpu = { backend, ms: Date.now() - started, problems: demo.problems };
    } finally {
      await gpuBrowser.close();
    }
  });

  it('on ?backend=wasm, captions an image post, detects its objects offline and tags it with the caption', async () => {
    const started = Date.now();
    browser ??= await launchChromium();
    const demo = await openDemo(browser, `${server.url}?backend=wasm`);
    await expectReady(demo);
    await expect(backendShown(demo.page)).resolves.toEqual({ backend: 'wasm', skipped: [] });

    await demo.page.setInputFiles('#image-file', { name: 'dog.png', mimeType: 'image/png', buffer: await drawTestImage(demo.page) });
    await demo.page.waitForSelector('#drop[data-state="loaded"]');
    const entities = await tagPost(demo.page, IMAGE_POST);

    const caption = (await demo.page.getAttribute('#caption', 'data-caption')) ?? '';
    expect(caption).toMatch(/^[a-z]+( [a-z]+){2,}$/);
    // The CenterNet files are served by the site, so detection runs (it may find nothing in a drawing).
    await expect(demo.page.getAttribute('#objects', 'data-state')).resolves.toBe('done');
    const objects = await demo.page.$$eval('#objects [data-object]', (items) => items.map((li) => (li as HTMLElement).dataset.object));
    expect(objects.length).toBe(Number(await demo.page.getAttribute('#objects', 'data-count')));

    expectSameEntities(entities, await nodeEntities(IMAGE_POST, caption));
    await screenshot(demo, 'image-post-wasm.png');
    report.imagePost = { caption, objects, entities, transfer: demo.transfer, ms: Date.now() - started, problems: demo.problems };
    await demo.page.close();
  });

  it('refuses an unknown ?backend= and names it', async () => {
    browser ??= await launchChromium();
    const demo = await openDemo(browser, `${server.url}?backend=tpu`);
    expect(await pageState(demo.page)).toBe('error');
    await expect(demo.page.locator('#error').textContent()).resolves.toMatch(/\?backend=tpu: unknown backend/);
    await demo.page.close();
  });
});
