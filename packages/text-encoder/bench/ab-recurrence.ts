/**
 * A/B of the Bi-GRU recurrence at inference (no gradient tape), in one process, alternating
 * batch by batch: A = the fused training recurrence run forward (what inference ran before the
 * lean path), B = the lean recurrence (one tf.tidy per step). Shapes are those the default
 * TriMod model meets on real posts: the posts of a Twitter-format file (tokens of `IMGID`
 * blocks), batched in predict's order (sorted by token count); the word Bi-GRU reads
 * [B, T, 170] with 150 units, the character Bi-GRU every distinct token of a batch (up to 20
 * characters, 30-d) with 30 units. Values are random: only shapes matter for time.
 *
 *   npx tsx --tsconfig packages/text-encoder/bench/tsconfig.json packages/text-encoder/bench/ab-recurrence.ts \
 *     --data ../shared/data/twitter2017/test.txt [--batch 32,1] [--backend wasm]
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, SeededRandom } from '@trimod/core';
import { fusedRecurrence, type Recurrence } from '../src/gru/gru-recurrence';
import { leanRecurrence } from '../src/gru/lean-recurrence';
import { BiGru } from '../src/gru/bi-gru';
import { dense } from '../src/ops/dense';
import { moveRows } from '../src/ops/gather-rows';
import { sequenceLayout } from '../src/gru/sequence-layout';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string): string => {
  const i = args.indexOf(`--${name}`);
  if (i >= 0 && args[i + 1]) return args[i + 1];
  if (fallback === undefined) throw new Error(`--${name} is required`);
  return fallback;
};

/** Token lists of the IMGID blocks of a Twitter-format file (token<TAB>tag lines). */
function readPosts(file: string): string[][] {
  const posts: string[][] = [];
  let current: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('IMGID:') || line.trim() === '') {
      if (current.length) posts.push(current);
      current = [];
    } else {
      current.push(line.split('\t')[0]);
    }
  }
  if (current.length) posts.push(current);
  return posts;
}

/** BiGru.states with a chosen recurrence (the projection and reordering as BiGru does them). */
function states(gru: BiGru, x: tf.Tensor3D, lengths: number[], recurrence: Recurrence): tf.Tensor4D {
  const [N, L, Din] = x.shape;
  const H = gru.hidden;
  const layout = sequenceLayout(lengths, L);
  return tf.tidy(() => {
    const projected = dense(tf.reshape(x, [N * L, Din]), gru.kernel as tf.Tensor2D, gru.bias as tf.Tensor1D);
    const gateMajor = moveRows(tf.reshape(projected, [N * L * 6, H]), layout.inputDest, L * 6 * N);
    return recurrence(tf.reshape(gateMajor, [L, 3, 2, N, H]), gru.recurrentKernel as tf.Tensor4D, tf.reshape(gru.recurrentBias, [2, 1, H]) as tf.Tensor3D);
  });
}

async function main(): Promise<void> {
  const info = await initBackend(option('backend', 'wasm') as 'wasm');
  const posts = readPosts(option('data'));
  const order = posts.map((_, i) => i).sort((a, b) => posts[a].length - posts[b].length || a - b);
  const rng = new SeededRandom(1);
  const wordGru = new BiGru('word', 170, 150, rng);
  const charGru = new BiGru('char', 30, 30, rng);
  const variants: Array<[string, Recurrence]> = [
    ['A fused forward', fusedRecurrence],
    ['B lean', leanRecurrence],
  ];
  console.log(`backend ${info.backend}, ${posts.length} posts in predict's order; A and B alternate batch by batch`);
  for (const batchSize of option('batch', '32,1').split(',').map(Number)) {
    const ms: Record<string, number> = {};
    for (const [name] of variants) ms[`${name} word`] = ms[`${name} char`] = 0;
    for (let s = 0; s < order.length; s += batchSize) {
      const batch = order.slice(s, s + batchSize).map((i) => posts[i]);
      const lengths = batch.map((p) => p.length);
      const T = Math.max(...lengths);
      const distinct = [...new Set(batch.flat())].map((t) => Math.min(20, Math.max(1, Array.from(t).length)));
      const x = tf.randomNormal([batch.length, T, 170]) as tf.Tensor3D;
      const c = tf.randomNormal([distinct.length, Math.max(...distinct), 30]) as tf.Tensor3D;
      // Alternate which variant goes first, so warm caches favour neither.
      const turn = (s / batchSize) % 2 === 0 ? variants : [...variants].reverse();
      for (const [name, recurrence] of turn) {
        for (const [part, gru, input, lens] of [['word', wordGru, x, lengths], ['char', charGru, c, distinct]] as const) {
          const t0 = performance.now();
          const out = states(gru, input, lens, recurrence);
          await out.data();
          ms[`${name} ${part}`] += performance.now() - t0;
          out.dispose();
        }
      }
      tf.dispose([x, c]);
    }
    console.log(`\nbatch ${batchSize}:`);
    for (const part of ['word', 'char']) {
      const a = ms[`A fused forward ${part}`];
      const b = ms[`B lean ${part}`];
      console.log(`  ${part} Bi-GRU: A ${(a / 1000).toFixed(2)} s, B ${(b / 1000).toFixed(2)} s (B/A ${(b / a).toFixed(2)})`);
    }
  }
  wordGru.dispose();
  charGru.dispose();
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
