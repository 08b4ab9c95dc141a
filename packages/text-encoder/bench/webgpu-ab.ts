/**
 * The Bi-GRU on webgpu: the WGSL kernels (src/gru/webgpu/) against the tfjs recurrence, the two
 * interleaved (A, B, A, B, ...) so a busy machine slows both alike. Each timed call ends with a
 * read of the result, so the GPU's work is inside the time.
 *
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npx tsx --tsconfig bench/tsconfig.json bench/webgpu-ab.ts
 *   ... --rounds 5 --batch 32 --tokens 40 --input 170 --hidden 150
 *
 * Prints milliseconds per call (median over rounds) for forward and forward + backward, both ways.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, SeededRandom } from '@trimod/core';
import { BiGru } from '../src/gru/bi-gru';
import { setNativeRecurrence } from '../src/gru/native-recurrence';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const ROUNDS = option('rounds', 5);
const N = option('batch', 32);
const L = option('tokens', 40);
const DIN = option('input', 170);
const H = option('hidden', 150);

async function main(): Promise<void> {
  const info = await initBackend('webgpu');
  const rng = new SeededRandom(1);
  const gru = new BiGru('word', DIN, H, rng);
  const x = tf.tensor3d(rng.normalArray(N * L * DIN, 1), [N, L, DIN]);
  // Lengths spread as in a batch of posts: the longest fills L.
  const lengths = Array.from({ length: N }, (_, n) => (n === 0 ? L : 1 + Math.floor(rng.random() * L)));
  const forward = async () => {
    const out = gru.apply(x, lengths);
    await out.data();
    out.dispose();
  };
  const training = async (kernel: boolean) => {
    const { value, grads } = tf.variableGrads(() => tf.sum(gru.apply(x, lengths, kernel ? 'native' : 'fused')) as tf.Scalar, gru.variables());
    await Promise.all(Object.values(grads).map((g) => g.data()));
    tf.dispose([value, ...Object.values(grads)]);
  };
  const timed = async (kernel: boolean, f: () => Promise<void>) => {
    setNativeRecurrence(kernel);
    const start = performance.now();
    await f();
    return performance.now() - start;
  };
  const times: Record<string, number[]> = { 'kernel forward': [], 'tfjs forward': [], 'kernel fwd+bwd': [], 'tfjs fwd+bwd': [] };
  // The first round compiles the pipelines; it is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const kernel of [true, false]) {
      const name = kernel ? 'kernel' : 'tfjs';
      const f = await timed(kernel, forward);
      const b = await timed(kernel, () => training(kernel));
      if (round > 0) {
        times[`${name} forward`].push(f);
        times[`${name} fwd+bwd`].push(b);
      }
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const result = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Number(median(v).toFixed(1))]));
  console.log(JSON.stringify({ adapter: info.adapter?.description, shape: { N, L, DIN, H }, rounds: ROUNDS, msPerCall: result }));
  tf.dispose(x);
  gru.dispose();
}

void main();
