/**
 * One speed-up of the training step against the path it replaces, inside the default model's
 * training step on wasm: forward + backward of batch 32 of Twitter-2017 train posts, the two
 * alternating step by step (so drift in the machine's load falls on both), 35 steps each after
 * 10 warm-up steps; prints the medians.
 *   --switch crf     the CRF's array kernel (TrimodCrfForward, @trimod/crf src/array-kernels.ts)
 *                    against the tensor recursions
 *   --switch fusion  fusion's first-modality path under the tape against the full softmax path
 *   --switch padding the Bi-GRUs' input projections over real positions only against every
 *                    position (@trimod/text-encoder src/gru/bi-gru.ts, setSkipPadding)
 *
 *   npx tsx --tsconfig tsconfig.dev.json packages/trimod/scripts/ab-train-step.ts --switch crf
 *
 * The switches are not part of the packages' public surfaces, hence the source imports.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import { setArrayCrfKernels } from '../../crf/src/array-kernels';
import { setFirstModalityFastPath } from '../../fusion/src/fusion';
import { setSkipPadding } from '../../text-encoder/src/gru/bi-gru';
import { readCaptions, readTwitterNer, tagIndices, toBatch, TriMod } from '../src';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function main() {
  const i = process.argv.indexOf('--switch');
  const which = i >= 0 ? process.argv[i + 1] : 'crf';
  const switches: Record<string, (on: boolean) => boolean> = { crf: setArrayCrfKernels, fusion: setFirstModalityFastPath, padding: setSkipPadding };
  const set = switches[which];
  if (!set) throw new Error(`--switch must be one of ${Object.keys(switches).join(', ')}, got ${which}`);
  await initBackend('wasm');
  const model = await TriMod.load(path.resolve(__dirname, '../model'));
  const posts = await readTwitterNer('../shared/data/twitter2017/train.txt');
  const captions = await readCaptions('../shared/data/twitter2017/captions.json');
  const gold = tagIndices(posts, model.labels);
  const vars = model.trainableVariables();
  const times: Record<string, number[]> = { on: [], off: [] };
  for (let s = 0; s < 80; s++) {
    const at = (Math.floor(s / 2) * 32) % (posts.length - 32);
    const batch = toBatch(posts.slice(at, at + 32), captions);
    const tags = gold.slice(at, at + 32);
    const on = s % 2 === 0;
    set(on);
    const t = performance.now();
    const { value, grads } = tf.variableGrads(() => model.loss(batch, tags), vars);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
    if (s >= 10) times[on ? 'on' : 'off'].push(performance.now() - t);
  }
  console.log(`${which}: forward+backward median ms, on`, median(times.on).toFixed(1), 'off', median(times.off).toFixed(1), 'ratio', (median(times.off) / median(times.on)).toFixed(3));
  process.exit(0);
}
main();
