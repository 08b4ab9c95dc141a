/**
 * Times one training step (forward + backward + Adam update) of a small Bi-GRU tagger written
 * with tfjs-core ops, on the cpu and wasm backends, before and after registerTrainingKernels().
 *
 *   npx tsx packages/core/scripts/bench-train-step.ts [--steps 5] [--warmup 2]
 *   npx tsx packages/core/scripts/bench-train-step.ts --child cpu after --profile   (one run, with per-kernel times)
 *
 * Model: embedding 5,000 x 50 (gather), one-layer Bi-GRU with hidden 64 over T = 30, B = 16,
 * dense to 9 tags, softmax cross-entropy. "before" is stock tfjs 4.22 (its own gradients, its
 * own kernels); "after" adds registerTrainingKernels(). Each of the four runs is a fresh child
 * process, so one run's registrations cannot leak into another's. Prints the median step time
 * of `--steps` steps after `--warmup` warm-up steps.
 */
import * as tf from '@tensorflow/tfjs-core';
// After tfjs-core itself: the first copy loaded creates the global engine, and it must be the
// CommonJS main (the ES-module copy these gradients bring has no op handler for tensor.cast()).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { registerTrainingKernels } from '../src/kernels';
import { glorotLimit, SeededRandom } from '../src/random';

const VOCAB = 5000;
const EMBED = 50;
const HIDDEN = 64;
const TIME = 30;
const BATCH = 16;
const TAGS = 9;

type Backend = 'cpu' | 'wasm';
type Variant = 'before' | 'after';

interface RunResult {
  backend: Backend;
  variant: Variant;
  medianMs?: number;
  stepsMs?: number[];
  /** With --profile: milliseconds per kernel name over one step, largest first. */
  kernelMs?: Array<[string, number]>;
  error?: string;
  registered?: string[];
  wasmSimd?: boolean;
  wasmThreads?: boolean;
}

function numberFlag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${process.argv[i + 1]}`);
  return value;
}

/** One GRU direction's weights: input [D, 3H], recurrent [H, 3H], bias [3H]; gates z, r, n. */
interface GruWeights {
  input: tf.Variable;
  recurrent: tf.Variable;
  bias: tf.Variable;
}

function glorot(rng: SeededRandom, shape: [number, number], name: string): tf.Variable {
  return tf.variable(tf.tensor2d(rng.uniformArray(shape[0] * shape[1], glorotLimit(shape[0], shape[1])), shape), true, name);
}

function gruWeights(rng: SeededRandom, prefix: string): GruWeights {
  return {
    input: glorot(rng, [EMBED, 3 * HIDDEN], `${prefix}/input`),
    recurrent: glorot(rng, [HIDDEN, 3 * HIDDEN], `${prefix}/recurrent`),
    bias: tf.variable(tf.zeros([3 * HIDDEN]), true, `${prefix}/bias`),
  };
}

/** Runs one direction over x [B, T, D]; returns the hidden states [B, T, H] in input order. */
function gru(x: tf.Tensor3D, w: GruWeights, reverse: boolean): tf.Tensor3D {
  const projected = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [BATCH * TIME, EMBED]), w.input), w.bias), [BATCH, TIME, 3 * HIDDEN]);
  const steps = tf.unstack(projected, 1);
  let h: tf.Tensor = tf.zeros([BATCH, HIDDEN]);
  const outputs: tf.Tensor[] = new Array(TIME);
  for (let k = 0; k < TIME; k++) {
    const t = reverse ? TIME - 1 - k : k;
    const [xz, xr, xn] = tf.split(steps[t], 3, 1);
    const [hz, hr, hn] = tf.split(tf.matMul(h, w.recurrent), 3, 1);
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
    outputs[t] = h;
  }
  return tf.stack(outputs, 1) as tf.Tensor3D;
}

async function runChild(backend: Backend, variant: Variant, warmup: number, steps: number): Promise<RunResult> {
  const result: RunResult = { backend, variant };
  if (backend === 'wasm') {
    setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to start`);
  if (backend === 'wasm') {
    result.wasmSimd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    result.wasmThreads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  }
  if (variant === 'after') result.registered = registerTrainingKernels();

  const rng = new SeededRandom(2024);
  const embedding = tf.variable(tf.tensor2d(rng.uniformArray(VOCAB * EMBED, 0.1), [VOCAB, EMBED]), true, 'embedding');
  const forward = gruWeights(rng, 'forward');
  const backward = gruWeights(rng, 'backward');
  const dense = glorot(rng, [2 * HIDDEN, TAGS], 'dense/kernel');
  const denseBias = tf.variable(tf.zeros([TAGS]), true, 'dense/bias');
  const ids = tf.tensor2d(Int32Array.from({ length: BATCH * TIME }, () => rng.int(VOCAB)), [BATCH, TIME], 'int32');
  const labels = tf.oneHot(tf.tensor1d(Int32Array.from({ length: BATCH * TIME }, () => rng.int(TAGS)), 'int32'), TAGS);
  const optimizer = tf.train.adam(1e-3);

  const loss = (): tf.Scalar => {
    const x = tf.gather(embedding, ids) as tf.Tensor3D;
    const states = tf.concat([gru(x, forward, false), gru(x, backward, true)], 2);
    const logits = tf.add(tf.matMul(tf.reshape(states, [BATCH * TIME, 2 * HIDDEN]), dense), denseBias);
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  };
  const step = async (): Promise<number> => {
    const start = performance.now();
    const value = optimizer.minimize(loss, true);
    if (value == null) throw new Error('optimizer.minimize returned no loss');
    await value.data();
    value.dispose();
    return performance.now() - start;
  };

  try {
    for (let i = 0; i < warmup; i++) await step();
    const times: number[] = [];
    for (let i = 0; i < steps; i++) times.push(await step());
    result.stepsMs = times;
    result.medianMs = times.slice().sort((a, b) => a - b)[Math.floor(times.length / 2)];
    if (process.argv.includes('--profile')) result.kernelMs = await profileStep(step);
  } catch (e) {
    result.error = (e as Error).message;
  }
  return result;
}

/** Per-kernel time of one step, summed by kernel name, largest first. */
async function profileStep(step: () => Promise<number>): Promise<Array<[string, number]>> {
  let done: Promise<number> = Promise.resolve(0);
  const info = await tf.profile(() => {
    done = step();
  });
  await done;
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) {
    const ms = await k.kernelTimeMs;
    if (typeof ms === 'number') byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
  }
  return [...byKernel.entries()].sort((a, b) => b[1] - a[1]).map(([name, ms]) => [name, Math.round(ms * 10) / 10]);
}

function spawnRun(backend: Backend, variant: Variant, warmup: number, steps: number): RunResult {
  // process.execArgv carries tsx's loader flags, so the child runs this same TypeScript file.
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, __filename, '--child', backend, variant, '--warmup', String(warmup), '--steps', String(steps)],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line == null) return { backend, variant, error: `child exited ${child.status}: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  return JSON.parse(line.slice('RESULT '.length)) as RunResult;
}

const fmt = (r: RunResult) => (r.medianMs != null ? `${(r.medianMs / 1000).toFixed(3)} s` : `fails: ${r.error}`);

async function main(): Promise<void> {
  const warmup = numberFlag('--warmup', 2);
  const steps = numberFlag('--steps', 5);
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const backend = process.argv[childAt + 1] as Backend;
    const variant = process.argv[childAt + 2] as Variant;
    console.log('RESULT ' + JSON.stringify(await runChild(backend, variant, warmup, steps)));
    return;
  }
  console.log(
    `Bi-GRU tagger step: vocab ${VOCAB} x ${EMBED}, hidden ${HIDDEN}, T ${TIME}, B ${BATCH}, ${TAGS} tags; ` +
      `median of ${steps} steps after ${warmup} warm-ups`,
  );
  const results: RunResult[] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const variant of ['before', 'after'] as const) {
      const r = spawnRun(backend, variant, warmup, steps);
      results.push(r);
      console.log(`  ${backend.padEnd(4)} ${variant.padEnd(6)} ${fmt(r)}`);
    }
  }
  const wasm = results.find((r) => r.backend === 'wasm' && r.wasmSimd != null);
  if (wasm) console.log(`wasm in Node: SIMD ${wasm.wasmSimd ? 'yes' : 'no'}, threads ${wasm.wasmThreads ? 'yes' : 'no'}`);
  const registered = results.find((r) => r.registered)?.registered ?? [];
  console.log(`registerTrainingKernels(): ${registered.filter((n) => !n.startsWith('grad:')).join(', ')}`);
  console.log(`  plus gradients: ${registered.filter((n) => n.startsWith('grad:')).map((n) => n.slice(5)).join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
