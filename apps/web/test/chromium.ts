import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (`npx playwright install` cannot download browsers here). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Headless without a GPU; the networking flags keep Chromium from calling home on a closed network.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WebGPU on SwiftShader's Vulkan: a software adapter, so the webgpu backend runs without a GPU. */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-features=Vulkan'];

/** Starts Chromium headless (Playwright gives it a fresh profile); a missing browser is an error, never a skip. */
export async function launchChromium(extraFlags: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    // The same line `npm test`'s pretest (scripts/pretest.sh) prints; no stack, it says all.
    const err = new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium libvulkan1) or set CHROMIUM_PATH`);
    err.stack = err.message;
    throw err;
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...FLAGS, ...extraFlags] });
}
