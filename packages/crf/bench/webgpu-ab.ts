/**
 * The CRF on webgpu: the WGSL kernels (src/webgpu/) against the tfjs path (log-likelihood +
 * gradient, as in training) and the array path (Viterbi decode, which reads the emissions back),
 * the two interleaved (A, B, A, B, ...) so a busy machine slows both alike. Each timed call ends
 * with a read of its result, so the GPU's work is inside the time.
 *
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npx tsx --tsconfig tsconfig.scripts.json bench/webgpu-ab.ts --rounds 5
 *
 * TriMod's size: B = 32 sequences of T = 40 tokens, K = 9 BIO tags, constraints on.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF } from '../src';
import { setWebGpuCrfKernels } from '../src/webgpu/crf-webgpu';

const i = process.argv.indexOf('--rounds');
const ROUNDS = i >= 0 ? Number(process.argv[i + 1]) : 5;
const B = 32;
const T = 40;
const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-MISC', 'I-MISC'];
const K = LABELS.length;

async function main(): Promise<void> {
  const info = await initBackend('webgpu');
  const rng = new SeededRandom(1);
  const crf = new CRF({ numTags: K, constraints: allowedTransitions('BIO', LABELS), constrainTraining: true });
  const emissions = tf.tensor3d(rng.normalArray(B * T * K, 2), [B, T, K]);
  const lengths = Array.from({ length: B }, (_, b) => (b === 0 ? T : 1 + Math.floor(rng.random() * T)));
  const mask = lengths.map((len) => Array.from({ length: T }, (_, t) => (t < len ? 1 : 0)));
  const tags = lengths.map((len) => Array.from({ length: T }, (_, t) => (t < len && t % 3 === 0 ? 1 : 0)));
  const training = async () => {
    const { value, grads } = tf.variableGrads(() => tf.neg(crf.logLikelihood(emissions, tags, mask)) as tf.Scalar, crf.trainableVariables());
    const dE = tf.grad((e: tf.Tensor) => tf.neg(crf.logLikelihood(e as tf.Tensor3D, tags, mask)) as tf.Scalar)(emissions);
    await Promise.all([...Object.values(grads), dE].map((g) => g.data()));
    tf.dispose([value, dE, ...Object.values(grads)]);
  };
  const decode = async () => {
    await crf.decode(emissions, mask);
  };
  const times: Record<string, number[]> = {};
  for (let round = 0; round <= ROUNDS; round++) {
    for (const kernel of [true, false]) {
      setWebGpuCrfKernels(kernel);
      for (const [name, f] of [['log-likelihood + gradient', training], ['Viterbi decode', decode]] as const) {
        const start = performance.now();
        await f();
        const ms = performance.now() - start;
        // Round 0 compiles the pipelines; it is not counted.
        if (round > 0) (times[`${kernel ? 'kernel' : 'tfjs'} ${name}`] ??= []).push(ms);
      }
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const result = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Number(median(v).toFixed(1))]));
  console.log(JSON.stringify({ adapter: info.adapter?.description, shape: { B, T, K }, rounds: ROUNDS, msPerCall: result }));
  tf.dispose(emissions);
  crf.dispose();
}

void main();
