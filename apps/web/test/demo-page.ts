import type { Browser, Page } from 'playwright-core';

/** What the page fetched, by kind, in bytes (our static server does not compress). */
export interface Transfer {
  js: number;
  wasm: number;
  models: number;
}

export interface DemoPage {
  page: Page;
  transfer: Transfer;
  /** Uncaught errors and console errors, to show when something fails. */
  problems: string[];
}

export interface ShownEntity {
  text: string;
  type: string;
  start: number;
  end: number;
  score: number;
}

export interface BackendShown {
  backend: string;
  skipped: Array<{ backend: string; reason: string }>;
}

/** Opens the demo and waits until it has loaded its models (or failed: state "error"). */
export async function openDemo(browser: Browser, url: string): Promise<DemoPage> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const transfer: Transfer = { js: 0, wasm: 0, models: 0 };
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    const length = Number(res.headers()['content-length'] ?? 0);
    const path = new URL(res.url()).pathname;
    if (path.endsWith('.js')) transfer.js += length;
    else if (path.endsWith('.wasm')) transfer.wasm += length;
    else if (path.includes('/models/')) transfer.models += length;
  });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 120_000 });
  return { page, transfer, problems };
}

export async function pageState(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.body.dataset.state);
}

/** The backend line: the backend in use and each skipped one with its reason. */
export async function backendShown(page: Page): Promise<BackendShown> {
  const backend = (await page.getAttribute('#backend', 'data-backend')) ?? '';
  const skipped = await page.$$eval('#backend [data-skipped]', (items) =>
    items.map((li) => ({ backend: (li as HTMLElement).dataset.skipped ?? '', reason: (li.textContent ?? '').replace(/^\S+ skipped: /, '') })),
  );
  return { backend, skipped };
}

/** Types a post, clicks Tag and waits for its result; returns the highlighted entities. */
export async function tagPost(page: Page, text: string): Promise<ShownEntity[]> {
  const before = Number((await page.evaluate(() => document.body.dataset.runs)) ?? 0);
  await page.fill('#post', text);
  await page.click('#tag');
  await page.waitForFunction((n) => Number(document.body.dataset.runs ?? 0) > n && document.body.dataset.state === 'ready', before, {
    timeout: 150_000,
  });
  const error = await page.locator('#error').textContent();
  if (await page.locator('#error').isVisible()) throw new Error(`the demo shows an error: ${error}`);
  return entitiesShown(page);
}

export async function entitiesShown(page: Page): Promise<ShownEntity[]> {
  return page.$$eval('#entities mark[data-entity-type]', (marks) =>
    marks.map((m) => {
      const d = (m as HTMLElement).dataset;
      return { text: d.entityText ?? '', type: d.entityType ?? '', start: Number(d.start), end: Number(d.end), score: Number(d.score) };
    }),
  );
}

/** The heatmap's weights: one row per token, [text, hashtag, visual]. */
export async function heatmapShown(page: Page): Promise<Array<{ token: string; weights: number[] }>> {
  const cells = await page.$$eval('#heatmap td[data-modality]', (tds) =>
    tds.map((td) => {
      const d = (td as HTMLElement).dataset;
      return { token: d.token ?? '', modality: d.modality ?? '', weight: Number(d.weight) };
    }),
  );
  const tokens = await page.$$eval('#heatmap thead th.token', (ths) => ths.map((th) => th.textContent ?? ''));
  const order = ['text', 'hashtag', 'visual'];
  return tokens.map((token, i) => ({
    token,
    weights: order.map((m) => cells.filter((c) => c.modality === m)[i]?.weight ?? NaN),
  }));
}

/**
 * A small PNG drawn in the page (sky, grass, a dark four-legged shape): an image to caption
 * without shipping a photo. Returns the file's bytes.
 */
export async function drawTestImage(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 192;
    canvas.height = 144;
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2d canvas');
    g.fillStyle = '#7ec8f0';
    g.fillRect(0, 0, 192, 72);
    g.fillStyle = '#3a9d3a';
    g.fillRect(0, 72, 192, 72);
    g.fillStyle = '#2b2118';
    g.beginPath();
    g.ellipse(96, 90, 34, 16, 0, 0, 2 * Math.PI);
    g.fill();
    g.fillRect(68, 96, 6, 22);
    g.fillRect(116, 96, 6, 22);
    g.beginPath();
    g.arc(132, 76, 11, 0, 2 * Math.PI);
    g.fill();
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}
