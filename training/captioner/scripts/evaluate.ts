/**
 * BLEU-1..4 and CIDEr-D of a decoder on the Flickr8k dev split (greedy and beam), with example captions.
 *
 *   npx tsx scripts/evaluate.ts --data ../../../shared/data/flickr8k --features $CACHE/flickr8k-features \
 *     [--decoder ../../packages/image-captioner/weights/decoder | $CACHE/captioner-ckpt/best | DIR1,DIR2 (an ensemble)] [--beam 3] [--length-penalty 0]
 *     [--examples 5] [--limit N] [--offset K] [--backend wasm]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { arg, formatDuration, useBackend } from './backend';
import { readFlickr8k } from './flickr8k';
import { evaluateDev, formatBleu } from './dev-eval';
import { loadFeatures, readFeatureInfo } from './train-data';
import { loadDecoder } from '../../../packages/image-captioner/src/decoder/io';
import { DecoderEnsemble } from '../../../packages/image-captioner/src/decoder/ensemble';

async function main(): Promise<void> {
  await useBackend(arg('backend', 'wasm'));
  const data = readFlickr8k(arg('data'));
  const info = readFeatureInfo(arg('features'));
  const locations = arg('decoder', path.join(__dirname, '../../../packages/image-captioner/weights/decoder')).split(',');
  const members = [];
  for (const location of locations) {
    const { decoder, description } = await loadDecoder(location);
    console.log(`decoder ${location}: ${JSON.stringify(description.training ?? {})}`);
    members.push(decoder);
  }
  const decoder = members.length === 1 ? members[0] : new DecoderEnsemble(members);
  const features = loadFeatures(arg('features'), data.dev, info);
  const limit = Number(arg('limit', String(data.dev.length)));
  // --offset / --limit pick a part of dev (e.g. its two halves, to see how much a figure moves).
  const offset = Number(arg('offset', '0'));
  const ids = data.dev.slice(offset, offset + limit);
  const greedy = await evaluateDev(decoder, ids, data.captions, features, info);
  console.log(`dev (${ids.length} images) greedy:  ${formatBleu(greedy.scores)}, CIDEr-D ${greedy.cider.toFixed(3)} [${formatDuration(greedy.seconds)}]`);
  const beamWidth = Number(arg('beam', '3'));
  const lengthPenalty = Number(arg('length-penalty', '0'));
  // --beam 1: greedy only (beam search of width 1 without a length penalty is greedy decoding).
  const beam = beamWidth === 1 && lengthPenalty === 0 ? greedy : await evaluateDev(decoder, ids, data.captions, features, info, { beamWidth, lengthPenalty });
  if (beam !== greedy) console.log(`dev (${ids.length} images) beam ${beamWidth}${lengthPenalty ? `, length penalty ${lengthPenalty}` : ''}: ${formatBleu(beam.scores)}, CIDEr-D ${beam.cider.toFixed(3)} [${formatDuration(beam.seconds)}]`);
  for (const id of ids.slice(0, Number(arg('examples', '5')))) {
    console.log(`${id}\n  beam:      ${beam.captions.get(id)}\n  greedy:    ${greedy.captions.get(id)}\n  reference: ${data.captions.get(id)![0]}`);
  }
  decoder.dispose();
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
