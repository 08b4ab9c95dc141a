/**
 * One-off, resumable: runs the shipped backbone over the Flickr8k train and dev images and
 * stores each image's regions [R, D] as float16 in `<out>/<image>.f16`. An existing file is
 * skipped, and each file is written under a temporary name then renamed, so a killed run
 * resumes where it stopped.
 *
 *   npx tsx scripts/cache-features.ts --data ../../../shared/data/flickr8k --out $CACHE/flickr8k-features [--backend wasm]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arg, formatDuration, useBackend } from './backend';
import { readFlickr8k } from './flickr8k';
import { MobileNetV2Backbone } from '../../../packages/image-captioner/src/backbone/mobilenet';
import { bytesToTensor } from '../../../packages/image-captioner/src/image/input';
import { preprocessImages } from '../../../packages/image-captioner/src/image/preprocess';
import { encodeFloat16 } from '@trimod/core/artifacts';
import { defaultWeightsRoot } from '../../../packages/image-captioner/src/paths';

const BATCH = 8;

async function main(): Promise<void> {
  const data = readFlickr8k(arg('data'));
  const out = arg('out');
  const backend = await useBackend(arg('backend', 'wasm'));
  fs.mkdirSync(out, { recursive: true });
  const backbone = await MobileNetV2Backbone.load(path.join((await defaultWeightsRoot()), 'backbone'));
  const ids = [...data.train, ...data.dev];
  const todo = ids.filter((id) => !fs.existsSync(path.join(out, `${id}.f16`)));
  console.log(`${ids.length} images, ${ids.length - todo.length} already cached, ${todo.length} to do on ${backend}`);
  const meta = { regions: 0, dim: backbone.featureDim, dtype: 'float16', backbone: 'weights/backbone' };
  const start = Date.now();
  for (let i = 0; i < todo.length; i += BATCH) {
    const batch = todo.slice(i, i + BATCH);
    const pixels = batch.map((id) => bytesToTensor(new Uint8Array(fs.readFileSync(path.join(data.imageDir, id))), id));
    const input = preprocessImages(pixels, backbone.inputSize, backbone.inputRange);
    const regions = backbone.regions(input);
    const values = (await regions.data()) as Float32Array;
    const [, r, d] = regions.shape;
    meta.regions = r;
    tf.dispose([...pixels, input, regions]);
    batch.forEach((id, k) => {
      const half = encodeFloat16(values.subarray(k * r * d, (k + 1) * r * d));
      const file = path.join(out, `${id}.f16`);
      fs.writeFileSync(`${file}.tmp`, half);
      fs.renameSync(`${file}.tmp`, file);
    });
    const done = Math.min(i + BATCH, todo.length);
    if (done % 200 < BATCH || done === todo.length) {
      const secs = (Date.now() - start) / 1000;
      console.log(`${done}/${todo.length} images, ${(done / secs).toFixed(1)} img/s, eta ${formatDuration(((todo.length - done) * secs) / done)}`);
    }
  }
  if (meta.regions === 0) meta.regions = 49;
  fs.writeFileSync(path.join(out, 'features.json'), JSON.stringify(meta) + '\n');
  console.log(`done in ${formatDuration((Date.now() - start) / 1000)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
