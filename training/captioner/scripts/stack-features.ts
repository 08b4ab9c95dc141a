/**
 * Training cache for the stacked backbone: joins the MobileNetV2 regions cached by
 * scripts/cache-features.ts with the CenterNet feature maps and class scores cached by
 * scripts/cache-centernet.ts, through the same `stackRegions` that run time uses, into
 * `<out>/<image>.f16` ([49, 1280 + 480 + 80] float16) and `<out>/features.json`.
 * Resumable: existing files are kept; each is written under a temporary name, then renamed.
 *
 *   npx tsx scripts/stack-features.ts --data ../../../shared/data/flickr8k \
 *     --mobilenet $CACHE/flickr8k-features --centernet $CACHE/flickr8k-centernet --out $CACHE/flickr8k-stacked
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeFloat16, encodeFloat16 } from '@trimod/core/artifacts';
import { arg, formatDuration, useBackend } from './backend';
import { readFlickr8k } from './flickr8k';
import { stackRegions } from '../../../packages/image-captioner/src/backbone/stack';

function readHalf(file: string, expected: number): Float32Array {
  const buf = fs.readFileSync(file);
  if (buf.byteLength !== expected * 2) throw new Error(`${file}: ${buf.byteLength} bytes, expected ${expected * 2}`);
  return decodeFloat16(new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)));
}

async function main(): Promise<void> {
  const data = readFlickr8k(arg('data'));
  const mobDir = arg('mobilenet');
  const cnDir = arg('centernet');
  const out = arg('out');
  await useBackend(arg('backend', 'wasm'));
  const mob = JSON.parse(fs.readFileSync(path.join(mobDir, 'features.json'), 'utf8')) as { regions: number; dim: number };
  const cn = JSON.parse(fs.readFileSync(path.join(cnDir, 'features.json'), 'utf8')) as { regions: number; dim: number; classes: number };
  const side = Math.round(Math.sqrt(cn.regions));
  fs.mkdirSync(out, { recursive: true });
  const ids = [...data.train, ...data.dev];
  const start = Date.now();
  let dim = 0;
  for (const [i, id] of ids.entries()) {
    const file = path.join(out, `${id}.f16`);
    if (fs.existsSync(file)) continue;
    const grid = readHalf(path.join(mobDir, `${id}.f16`), mob.regions * mob.dim);
    const both = readHalf(path.join(cnDir, `${id}.f16`), cn.regions * cn.dim + cn.classes);
    const stacked = tf.tidy(() =>
      stackRegions(
        tf.tensor3d(grid, [1, mob.regions, mob.dim]),
        tf.tensor4d(both.subarray(0, cn.regions * cn.dim), [1, side, side, cn.dim]),
        tf.tensor2d(both.subarray(cn.regions * cn.dim), [1, cn.classes]),
      ),
    );
    dim = stacked.shape[2];
    const values = (await stacked.data()) as Float32Array;
    stacked.dispose();
    fs.writeFileSync(`${file}.tmp`, encodeFloat16(values));
    fs.renameSync(`${file}.tmp`, file);
    if ((i + 1) % 1000 === 0) console.log(`${i + 1}/${ids.length} images, ${formatDuration((Date.now() - start) / 1000)}`);
  }
  fs.writeFileSync(path.join(out, 'features.json'), JSON.stringify({ regions: mob.regions, dim: dim || mob.dim + cn.dim + cn.classes, dtype: 'float16', kind: 'mobilenetv2+centernet' }) + '\n');
  console.log(`done in ${formatDuration((Date.now() - start) / 1000)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
