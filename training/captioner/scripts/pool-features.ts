/**
 * For the k-NN probe (scripts/knn-probe.ts): runs one of nsfwjs's Keras models (through
 * tfjs-layers, as shipped in the nsfwjs package) over the Flickr8k dev images and saves each
 * image's features at the chosen layers, averaged over the grid, to a JSON file.
 *
 *   npx tsx scripts/pool-features.ts --data ../../../shared/data/flickr8k --out $CACHE/inception.json \
 *     [--model inception_v3|mobilenet_v2|mobilenet_v2_mid] [--cuts mixed5,mixed7,mixed8,mixed10] [--range 11|01] [--size 299] [--limit 1000]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arg, formatDuration, useBackend } from './backend';
import { readFlickr8k } from './flickr8k';
import { bytesToTensor } from '../../../packages/image-captioner/src/image/input';
import { preprocessImages } from '../../../packages/image-captioner/src/image/preprocess';

const require = createRequire(__filename);
const NSFW_DIR = path.resolve(path.dirname(require.resolve('nsfwjs')), '../..');

/** nsfwjs ships each model as UMD modules wrapping the Keras JSON and base64 weight shards. */
function nsfwjsModel(name: string): tf.io.IOHandler {
  const dir = path.join(NSFW_DIR, 'dist/models', name);
  const model = require(path.join(dir, 'model.min.js')) as { modelTopology: object; weightsManifest: tf.io.WeightsManifestConfig };
  const data = Buffer.concat(model.weightsManifest[0].paths.map((p) => Buffer.from(require(path.join(dir, `${p}.min.js`)) as string, 'base64')));
  return tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs: model.weightsManifest[0].weights, weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) });
}

async function main(): Promise<void> {
  await useBackend(arg('backend', 'wasm'));
  const data = readFlickr8k(arg('data'));
  const modelName = arg('model', 'inception_v3');
  const cuts = arg('cuts', 'mixed5,mixed7,mixed8,mixed10').split(',');
  // ImageNet's InceptionV3 weights expect [-1, 1]; nsfwjs feeds every model pixel / 255.
  const range: [number, number] = arg('range', '11') === '11' ? [-1, 1] : [0, 1];
  const size = Number(arg('size', '299'));
  const model = await tfl.loadLayersModel(nsfwjsModel(modelName));
  const sub = tfl.model({ inputs: model.inputs, outputs: cuts.map((c) => model.getLayer(c).output as tfl.SymbolicTensor) });
  const ids = data.dev.slice(0, Number(arg('limit', '1000')));
  const out: Record<string, number[][]> = {};
  const start = Date.now();
  for (const [i, id] of ids.entries()) {
    const pixels = bytesToTensor(new Uint8Array(fs.readFileSync(path.join(data.imageDir, id))), id);
    const pooled = tf.tidy(() => {
      const y = sub.predict(preprocessImages([pixels], size, range));
      return (Array.isArray(y) ? y : [y]).map((t) => tf.mean(t, [0, 1, 2]));
    });
    out[id] = pooled.map((t) => Array.from(t.dataSync()));
    tf.dispose([pixels, ...pooled]);
    if ((i + 1) % 100 === 0) console.log(`${i + 1}/${ids.length} images, ${((Date.now() - start) / (i + 1)).toFixed(0)} ms per image`);
  }
  fs.writeFileSync(arg('out'), JSON.stringify({ model: modelName, cuts, range, size, features: out }));
  console.log(`done in ${formatDuration((Date.now() - start) / 1000)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
