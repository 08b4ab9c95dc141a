/**
 * describe() latency per image (decode + resize + backbone + caption search) on one backend.
 *
 *   npx tsx scripts/bench-describe.ts --backend wasm --images <a.jpg,b.jpg,...> [--beam N]   (default: the decoder's own choice)
 */
import * as tf from '@tensorflow/tfjs-core';
import { arg, useBackend } from './backend';
import { loadCaptioner } from '../src/captioner';

async function main(): Promise<void> {
  const backend = await useBackend(arg('backend', 'wasm'));
  const images = arg('images').split(',');
  const captioner = await loadCaptioner(process.argv.includes('--beam') ? { beamWidth: Number(arg('beam')) } : {});
  const beamWidth = captioner.beamWidth;
  await captioner.describe(images[0]); // warm-up: kernel setup and first allocations
  const times: number[] = [];
  for (const image of images) {
    const t = performance.now();
    const d = await captioner.describe(image);
    times.push(performance.now() - t);
    console.log(`${image}: ${d.caption} (${times[times.length - 1].toFixed(0)} ms)`);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(`${backend}, beam ${beamWidth}: mean ${mean.toFixed(0)} ms, median ${times[Math.floor(times.length / 2)].toFixed(0)} ms over ${times.length} images; tensors ${tf.memory().numTensors}`);
  captioner.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
