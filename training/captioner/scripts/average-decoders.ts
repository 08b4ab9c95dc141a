/**
 * Writes the mean of several decoders' weights (see src/decoder-soup.ts) as a float16 decoder folder.
 *
 *   npx tsx scripts/average-decoders.ts --out $CACHE/captioner-soup \
 *     $CACHE/captioner-scst-a/best $CACHE/captioner-scst-b/best ../../packages/image-captioner/weights/decoder [--beam 1]
 *
 * --beam N records the beam width the mean decodes best with (model.json's decoding.beamWidth,
 * the Captioner's default); measure it with evaluate.ts first.
 * --data DIR --features DIR (Flickr8k and its cached features) also scores the mean on dev and
 * records the greedy BLEU-1..4 and CIDEr-D in model.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '@trimod/core';
import { loadDecoder, saveDecoder } from '../../../packages/image-captioner/src/decoder/io';
import { arg, useBackend } from './backend';
import { averageDecoders } from '../src/decoder-soup';
import { evaluateDev, formatBleu } from './dev-eval';
import { FLICKR8K_TRAINING_DATA, readFlickr8k } from './flickr8k';
import { loadFeatures, readFeatureInfo } from './train-data';

const VALUE_FLAGS = ['--out', '--beam', '--backend', '--data', '--features'];

async function main(): Promise<void> {
  await useBackend(arg('backend', 'wasm'));
  const out = arg('out');
  const beam = process.argv.includes('--beam') ? Number(arg('beam')) : undefined;
  const dirs = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !VALUE_FLAGS.includes(all[i - 1]));
  if (dirs.length < 2) throw new Error('usage: average-decoders.ts --out DIR DECODER_DIR DECODER_DIR...');
  const loaded = await Promise.all(dirs.map((d) => loadDecoder(d)));
  const backbones = new Set(loaded.map((l) => l.description.backbone ?? 'mobilenetv2'));
  if (backbones.size > 1) throw new Error(`average-decoders: the decoders were trained on different backbones (${[...backbones].join(', ')})`);
  const mean = await averageDecoders(loaded.map((l) => l.decoder));
  const scores: JsonObject = {};
  if (process.argv.includes('--data')) {
    const data = readFlickr8k(arg('data'));
    const info = readFeatureInfo(arg('features'));
    const dev = await evaluateDev(mean, data.dev, data.captions, loadFeatures(arg('features'), data.dev, info), info);
    console.log(`mean on dev (${data.dev.length} images), greedy: ${formatBleu(dev.scores)}, CIDEr-D ${dev.cider.toFixed(3)}`);
    Object.assign(scores, { data: FLICKR8K_TRAINING_DATA, devBleuGreedy: dev.scores.bleu, devCiderGreedy: dev.cider });
  }
  await saveDecoder(mean, out, {
    backbone: loaded[0].description.backbone,
    ...(beam === undefined ? {} : { decoding: { beamWidth: beam } }),
    training: {
      ...scores,
      averageOf: loaded.map((l, i) => ({ decoder: dirs[i], training: l.description.training ?? {} })),
      command: `npx tsx scripts/average-decoders.ts ${process.argv.slice(2).join(' ')}`,
    },
  });
  console.log(`wrote the mean of ${dirs.length} decoders to ${out}`);
  [mean, ...loaded.map((l) => l.decoder)].forEach((d) => d.dispose());
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
