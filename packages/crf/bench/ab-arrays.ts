/**
 * A/B of CRF inference, in one process, alternating batch by batch: A = the tensor recursions
 * (Viterbi + backtrack, forward–backward marginals; what decode and marginals ran before),
 * B = CRF.decode and CRF.marginals as they are now (typed arrays on cpu and wasm). K = 9 BIO
 * tags with constraints; batches have the token counts of a Twitter-format file's posts in
 * predict's order (sorted by length). Emissions are random: only shapes matter for time.
 *
 *   npx tsx --tsconfig packages/crf/tsconfig.scripts.json packages/crf/bench/ab-arrays.ts \
 *     --data ../shared/data/twitter2017/test.txt [--batch 32,1] [--backend wasm]
 */
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF, FORBIDDEN_SCORE } from '../src';
import { penaltyArrays } from '../src/constraints';
import { lengthsFromMaskValues } from '../src/inputs';
import { forwardBackwardMarginals } from '../src/marginals';
import { emissionSteps, stepMasks } from '../src/steps';
import { viterbiBacktrack, viterbiForward } from '../src/viterbi';

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-MISC', 'I-MISC'];
const K = LABELS.length;

function option(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (fallback === undefined) throw new Error(`--${name} is required`);
  return fallback;
}

/** Token counts of the IMGID blocks of a Twitter-format file. */
function postLengths(file: string): number[] {
  const lengths: number[] = [];
  let n = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('IMGID:') || line.trim() === '') {
      if (n) lengths.push(n);
      n = 0;
    } else n++;
  }
  if (n) lengths.push(n);
  return lengths;
}

/** A: the tensor recursions, read back as decode and tagBatch read them. */
async function tensorPath(crf: CRF, emissions: tf.Tensor3D, mask: number[][]): Promise<void> {
  const [B, T] = emissions.shape;
  const shape = lengthsFromMaskValues(mask.flat(), B, T, 'bench');
  const [pointers, final, probs] = tf.tidy(() => {
    const p = penaltyArrays(crf.constraints!, FORBIDDEN_SCORE);
    const scores = {
      transitions: tf.add(crf.transitions, tf.tensor2d(p.transitions, [K, K])) as tf.Tensor2D,
      start: tf.add(crf.startTransitions, tf.tensor1d(p.start)) as tf.Tensor1D,
      end: tf.add(crf.endTransitions, tf.tensor1d(p.end)) as tf.Tensor1D,
    };
    const v = viterbiForward(scores, emissionSteps(emissions, shape), stepMasks(shape, [K]));
    let m = forwardBackwardMarginals(scores, emissionSteps(emissions, shape), stepMasks(shape, [K]));
    if (shape.maxLength < T) m = tf.pad(m, [[0, 0], [0, T - shape.maxLength], [0, 0]]);
    return [v.pointers, v.final, tf.mul(m, tf.tensor3d(mask.flat(), [B, T, 1]))];
  });
  const [pv, fv] = await Promise.all([pointers.data(), final.data()]);
  viterbiBacktrack(pv, fv, shape, K);
  await probs.array();
  tf.dispose([pointers, final, probs]);
}

/** B: the CRF's own decode and marginals. */
async function arrayPath(crf: CRF, emissions: tf.Tensor3D, mask: number[][]): Promise<void> {
  await crf.decode(emissions, mask);
  const probs = crf.marginals(emissions, mask);
  await probs.array();
  probs.dispose();
}

async function main(): Promise<void> {
  const backend = option('backend', 'wasm');
  if (backend === 'wasm') setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  await tf.setBackend(backend);
  tf.env().set('IS_TEST', true);
  const lengths = postLengths(option('data')).sort((a, b) => a - b);
  const crf = new CRF({ numTags: K, constraints: allowedTransitions('BIO', LABELS) });
  const random = new SeededRandom(3);
  console.log(`backend ${tf.getBackend()}, ${lengths.length} posts in predict's order; A and B alternate batch by batch`);
  for (const batchSize of option('batch', '32,1').split(',').map(Number)) {
    const ms = { A: 0, B: 0 };
    for (let s = 0; s < lengths.length; s += batchSize) {
      const lens = lengths.slice(s, s + batchSize);
      const T = Math.max(...lens);
      const emissions = tf.tensor3d(random.normalArray(lens.length * T * K, 3), [lens.length, T, K]);
      const mask = lens.map((n) => Array.from({ length: T }, (_, t) => (t < n ? 1 : 0)));
      const turn: Array<'A' | 'B'> = (s / batchSize) % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
      for (const v of turn) {
        const t0 = performance.now();
        await (v === 'A' ? tensorPath(crf, emissions, mask) : arrayPath(crf, emissions, mask));
        ms[v] += performance.now() - t0;
      }
      emissions.dispose();
    }
    console.log(`batch ${batchSize}: decode + marginals + reads: A tensors ${(ms.A / 1000).toFixed(2)} s, B arrays ${(ms.B / 1000).toFixed(2)} s (B/A ${(ms.B / ms.A).toFixed(3)})`);
  }
  crf.dispose();
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
