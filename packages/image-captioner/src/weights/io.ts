/**
 * Reading and writing weight folders. Node reads from disk; a browser (or any URL) fetches.
 * `node:fs` is imported lazily so a browser bundle never pulls it in.
 */
import type { JsonObject } from '@trimod/core';
import { decodeWeights, encodeWeights, parseManifest, type NamedArray } from './codec';
import type { SaveDtype, WeightsManifest } from './format';

export interface LoadedWeights {
  manifest: WeightsManifest;
  weights: Map<string, NamedArray>;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** Outside Node every location is fetched; in Node only explicit URLs are. */
function isUrl(location: string): boolean {
  return /^(https?|blob|data):/i.test(location) || !isNode();
}

async function readBoth(location: string): Promise<{ json: string; bin: Uint8Array }> {
  if (isUrl(location)) {
    const base = location.endsWith('/') ? location : `${location}/`;
    const get = async (file: string): Promise<Response> => {
      const res = await fetch(base + file);
      if (!res.ok) throw new Error(`${base + file}: HTTP ${res.status} ${res.statusText}`);
      return res;
    };
    const json = await (await get('model.json')).text();
    const bin = new Uint8Array(await (await get('weights.bin')).arrayBuffer());
    return { json, bin };
  }
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  try {
    const json = await fs.readFile(path.join(location, 'model.json'), 'utf8');
    const bin = new Uint8Array(await fs.readFile(path.join(location, 'weights.bin')));
    return { json, bin };
  } catch (err) {
    throw new Error(`cannot read weights from ${location}: ${(err as Error).message}`);
  }
}

/** Loads a weight folder (a path in Node, or a URL). */
export async function loadWeights(location: string): Promise<LoadedWeights> {
  const { json, bin } = await readBoth(location);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new Error(`${location}/model.json is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = parseManifest(parsed, location);
  return { manifest, weights: decodeWeights(manifest, bin, location) };
}

/**
 * Writes a weight folder atomically (Node only): everything goes to `<dir>.tmp-<pid>` first,
 * then one rename replaces the old folder, so a crash never leaves half a checkpoint.
 */
export async function saveWeights(
  dir: string,
  arrays: NamedArray[],
  description: JsonObject,
  opts: { dtype?: SaveDtype; extraFiles?: Record<string, string> } = {},
): Promise<void> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { manifest, data } = encodeWeights(arrays, description, opts.dtype ?? 'float16');
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  await fs.writeFile(path.join(tmp, 'weights.bin'), data);
  await fs.writeFile(path.join(tmp, 'model.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(opts.extraFiles ?? {})) await fs.writeFile(path.join(tmp, name), text);
  const exists = await fs.stat(dir).then(() => true, () => false);
  if (exists) await fs.rename(dir, old);
  await fs.rename(tmp, dir);
  if (exists) await fs.rm(old, { recursive: true, force: true });
}
