/**
 * Writes trained decoders as the package ships them: the first to `<out>/decoder`, the others to
 * `<out>/decoder-2`, `<out>/decoder-3`, ..., the first one's model.json naming the others as its
 * `ensemble` (loadCaptioner then decodes with the mean of their next-word distributions).
 * One decoder alone is simply re-saved, e.g. in another dtype.
 *
 *   npx tsx scripts/ship-ensemble.ts --out ../../packages/image-captioner/weights [--dtype uint8|float16] [--beam 1] \
 *     [--data ../../../shared/data/flickr8k --features $CACHE/flickr8k-stacked] DECODER_DIR...
 *
 * --dtype uint8 stores matrices as 8-bit codes per column (half the size of float16).
 * --data/--features score what was written (read back from disk, so with the stored precision)
 * on the dev split, greedy or with --beam, and record the scores in the first model.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '@trimod/core';
import { loadCaptionModel, loadDecoder, saveDecoder } from '../../../packages/image-captioner/src/decoder/io';
import type { StorageType } from '@trimod/core/artifacts';
import { arg, useBackend } from './backend';
import { evaluateDev, formatBleu } from './dev-eval';
import { FLICKR8K_TRAINING_DATA, readFlickr8k } from './flickr8k';
import { loadFeatures, readFeatureInfo } from './train-data';

const VALUE_FLAGS = ['--out', '--dtype', '--beam', '--backend', '--data', '--features'];

async function main(): Promise<void> {
  await useBackend(arg('backend', 'wasm'));
  const out = arg('out');
  const dtype = arg('dtype', 'float16') as StorageType;
  if (!['float16', 'float32', 'uint8'].includes(dtype)) throw new Error(`--dtype ${dtype}: use float16, float32 or uint8`);
  const beam = Number(arg('beam', '1'));
  const dirs = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !VALUE_FLAGS.includes(all[i - 1]));
  if (dirs.length === 0) throw new Error('usage: ship-ensemble.ts --out DIR DECODER_DIR...');
  const loaded = await Promise.all(dirs.map((d) => loadDecoder(d)));
  const kinds = new Set(loaded.map((l) => l.description.backbone ?? 'mobilenetv2'));
  if (kinds.size > 1) throw new Error(`ship-ensemble: the decoders were trained on different backbones (${[...kinds].join(', ')})`);
  const names = dirs.map((_, i) => (i === 0 ? 'decoder' : `decoder-${i + 1}`));
  const command = `npx tsx scripts/ship-ensemble.ts ${process.argv.slice(2).join(' ')}`;
  const save = async (extra: JsonObject): Promise<void> => {
    for (const [i, { decoder, description }] of loaded.entries()) {
      await saveDecoder(decoder, path.join(out, names[i]), {
        backbone: description.backbone,
        dtype,
        decoding: { beamWidth: beam },
        ...(i === 0 && dirs.length > 1 ? { ensemble: names.slice(1).map((n) => `../${n}`) } : {}),
        training: { ...(description.training ?? {}), shippedFrom: dirs[i], ...(i === 0 ? { ...extra, shipCommand: command } : {}) } as JsonObject,
      });
    }
  };
  await save({});
  // Folders left from a larger ensemble would still be copied by whoever ships the folder: remove them.
  for (let i = dirs.length + 1; fs.existsSync(path.join(out, `decoder-${i}`)); i++) fs.rmSync(path.join(out, `decoder-${i}`), { recursive: true });
  if (process.argv.includes('--data')) {
    const data = readFlickr8k(arg('data'));
    const info = readFeatureInfo(arg('features'));
    const { model } = await loadCaptionModel(path.join(out, 'decoder'));
    const dev = await evaluateDev(model, data.dev, data.captions, loadFeatures(arg('features'), data.dev, info), info, { beamWidth: beam });
    console.log(`as written (${dtype}, ${dirs.length} decoder${dirs.length > 1 ? 's' : ''}), dev ${data.dev.length} images, beam ${beam}: ${formatBleu(dev.scores)}, CIDEr-D ${dev.cider.toFixed(3)}`);
    (model as { dispose(): void }).dispose();
    const key = beam === 1 ? 'Greedy' : `Beam${beam}`;
    // An ensemble's scores sit beside the first member's own; a lone decoder's replace its own
    // (measured before it was re-saved in this dtype).
    const scores: JsonObject = dirs.length > 1
      ? { [`ensembleDevBleu${key}`]: dev.scores.bleu, [`ensembleDevCider${key}`]: dev.cider, ensembleSize: dirs.length }
      : { [`devBleu${key}`]: dev.scores.bleu, [`devCider${key}`]: dev.cider };
    await save({ data: FLICKR8K_TRAINING_DATA, ...scores, dtype });
  }
  // The weight shards (group1-shard1ofN.bin, ...) of each saved folder.
  const shardBytes = (dir: string) => fs.readdirSync(dir).filter((f) => /^group\d+-shard\d+of\d+\.bin$/.test(f)).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  const bytes = names.reduce((n, name) => n + shardBytes(path.join(out, name)), 0);
  console.log(`wrote ${names.map((n) => path.join(out, n)).join(', ')}: ${(bytes / 1e6).toFixed(2)} MB of weights`);
  loaded.forEach((l) => l.decoder.dispose());
  console.log(`tensors left: ${tf.memory().numTensors}`);
}


main().catch((err) => {
  console.error(err);
  process.exit(1);
});
