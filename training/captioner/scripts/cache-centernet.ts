/**
 * One-off, resumable: runs the shipped CenterNet (COCO-trained MobileNetV3) over the Flickr8k
 * train and dev images and stores, per image, what `StackedBackbone` takes from it: the
 * stride-32 feature map (16×16×480) and each COCO class's best heatmap score (80), as float16
 * `<out>/<image>.f16` = [256 × 480 map values, 80 class scores]. Existing files are skipped;
 * each is written under a temporary name, then renamed. Then scripts/stack-features.ts joins
 * these with the MobileNetV2 cache.
 *
 *   npx tsx scripts/cache-centernet.ts --data ../../../shared/data/flickr8k --out $CACHE/flickr8k-centernet [--backend wasm]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeFloat16 } from '@trimod/core/artifacts';
import { arg, formatDuration, useBackend } from './backend';
import { readFlickr8k } from './flickr8k';
import { bytesToTensor } from '../../../packages/image-captioner/src/image/input';
import { CENTERNET_MAP_CHANNELS, CenterNetDetector } from '../../../packages/image-captioner/src/objects/centernet';
import { COCO_LABELS } from '../../../packages/image-captioner/src/objects/coco-labels';
import { defaultWeightsRoot } from '../../../packages/image-captioner/src/paths';

async function main(): Promise<void> {
  const data = readFlickr8k(arg('data'));
  const out = arg('out');
  const backend = await useBackend(arg('backend', 'wasm'));
  fs.mkdirSync(out, { recursive: true });
  const detector = await CenterNetDetector.load({ location: path.join((await defaultWeightsRoot()), 'centernet') });
  const ids = [...data.dev, ...data.train];
  const todo = ids.filter((id) => !fs.existsSync(path.join(out, `${id}.f16`)));
  console.log(`${ids.length} images, ${ids.length - todo.length} already cached, ${todo.length} to do on ${backend}`);
  const start = Date.now();
  let shape: number[] = [];
  for (const [i, id] of todo.entries()) {
    const pixels = bytesToTensor(new Uint8Array(fs.readFileSync(path.join(data.imageDir, id))), id);
    const { map, classes } = detector.features(pixels);
    shape = map.shape;
    const values = new Float32Array(map.size + classes.size);
    values.set((await map.data()) as Float32Array, 0);
    values.set((await classes.data()) as Float32Array, map.size);
    tf.dispose([pixels, map, classes]);
    const file = path.join(out, `${id}.f16`);
    fs.writeFileSync(`${file}.tmp`, encodeFloat16(values));
    fs.renameSync(`${file}.tmp`, file);
    const done = i + 1;
    if (done % 100 === 0 || done === todo.length) {
      const secs = (Date.now() - start) / 1000;
      console.log(`${done}/${todo.length} images, ${(done / secs).toFixed(2)} img/s, eta ${formatDuration(((todo.length - done) * secs) / done)}, tensors ${tf.memory().numTensors}`);
    }
  }
  const [, h, w, d] = shape.length ? shape : [1, 16, 16, CENTERNET_MAP_CHANNELS];
  fs.writeFileSync(path.join(out, 'features.json'), JSON.stringify({ regions: h * w, dim: d, classes: COCO_LABELS.length, dtype: 'float16' }) + '\n');
  console.log(`done in ${formatDuration((Date.now() - start) / 1000)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
