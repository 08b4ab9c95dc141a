/**
 * describe() latency per image (decode + resize + backbone + caption search) on one backend.
 *
 *   npx tsx scripts/bench-describe.ts --backend wasm --images <a.jpg,b.jpg,...> [--beam N] [--objects shared|separate]
 *
 * --beam: default the decoder's own choice. --objects: also find COCO objects, with the
 * backbone's own CenterNet (shared: one run of the graph gives regions and objects) or with a
 * second CenterNet instance (separate: the graph runs twice per image, as a user's own
 * detector would).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendPreference } from '@trimod/core';
import * as path from 'node:path';
import { loadCaptioner } from '../src/captioner';
import { lazyCenterNet } from '../src/objects/centernet';
import { defaultWeightsRoot } from '../src/paths';

/** Value of `--name value` on the command line, or the fallback. */
function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback === undefined) throw new Error(`missing --${name}`);
  return fallback;
}

async function main(): Promise<void> {
  const backend = (await initBackend(arg('backend', 'wasm') as BackendPreference)).backend;
  const images = arg('images').split(',');
  const objects = arg('objects', 'none');
  if (!['none', 'shared', 'separate'].includes(objects)) throw new Error(`--objects: shared or separate, not ${objects}`);
  const captioner = await loadCaptioner({
    ...(process.argv.includes('--beam') ? { beamWidth: Number(arg('beam')) } : {}),
    ...(objects === 'shared' ? { objects: true } : {}),
    ...(objects === 'separate' ? { detector: lazyCenterNet({ location: path.join((await defaultWeightsRoot()), 'centernet') }) } : {}),
  });
  const beamWidth = captioner.beamWidth;
  await captioner.describe(images[0]); // warm-up: kernel setup and first allocations
  const times: number[] = [];
  for (const image of images) {
    const t = performance.now();
    const d = await captioner.describe(image);
    times.push(performance.now() - t);
    const found = d.objects.length ? ` [${d.objects.map((o) => o.label).join(', ')}]` : '';
    console.log(`${image}: ${d.caption}${found} (${times[times.length - 1].toFixed(0)} ms)`);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(`${backend}, beam ${beamWidth}, objects ${objects}: mean ${mean.toFixed(0)} ms, median ${times[Math.floor(times.length / 2)].toFixed(0)} ms over ${times.length} images; tensors ${tf.memory().numTensors}`);
  captioner.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
