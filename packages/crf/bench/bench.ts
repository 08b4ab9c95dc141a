/**
 * Throughput of the CRF at TriMod's size: B = 32 sequences of T = 40 tokens, K = 9 BIO tags
 * (4 entity types), constraints on. Reports sequences per second for log-likelihood + gradient
 * (with respect to the emissions and the CRF weights, as in training), Viterbi decode, top-3
 * decode and marginals, on each backend asked for.
 *
 *   npm run bench                       # cpu and wasm
 *   npm run bench -- --backends wasm --seconds 5
 */
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF } from '../src';

const B = 32;
const T = 40;
const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-MISC', 'I-MISC'];
const K = LABELS.length;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/**
 * Calls per second of `step`: after 3 warm-up calls, runs windows of at least `seconds / 4`
 * (and 2 calls) for `seconds` in all, and reports the best window, so that other processes
 * on a shared machine skew the figure as little as possible.
 */
async function rate(step: () => Promise<void>, seconds: number): Promise<number> {
  for (let i = 0; i < 3; i++) await step();
  let best = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end || best === 0) {
    let calls = 0;
    const start = performance.now();
    while (calls < 2 || performance.now() - start < (seconds * 1000) / 4) {
      await step();
      calls++;
    }
    best = Math.max(best, calls / ((performance.now() - start) / 1000));
  }
  return best;
}

async function setBackend(name: string): Promise<void> {
  if (name === 'wasm') {
    const require = createRequire(__filename);
    setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  }
  if (!(await tf.setBackend(name))) throw new Error(`bench: backend ${name} did not initialise`);
}

async function benchBackend(name: string, seconds: number): Promise<Record<string, number>> {
  await setBackend(name);
  const random = new SeededRandom(2025);
  const crf = new CRF({ numTags: K, constraints: allowedTransitions('BIO', LABELS), constrainTraining: true });
  const emissions = tf.variable(tf.tensor3d(random.normalArray(B * T * K, 2), [B, T, K]));
  // Valid BIO gold tags: O or B-x only.
  const tags = tf.tensor2d(Int32Array.from({ length: B * T }, () => (random.int(2) ? 0 : 1 + 2 * random.int(4))), [B, T], 'int32');
  const mask = tf.ones([B, T]);
  const variables = [emissions, ...crf.trainableVariables()];
  const before = tf.memory().numTensors;
  const perSecond = {
    'logLikelihood + grad': await rate(async () => {
      const { value, grads } = tf.variableGrads(() => tf.neg(crf.logLikelihood(emissions, tags, mask, { reduction: 'mean' })) as tf.Scalar, variables);
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    }, seconds),
    decode: await rate(async () => {
      await crf.decode(emissions, mask);
    }, seconds),
    'decode topK=3': await rate(async () => {
      await crf.decode(emissions, mask, { topK: 3 });
    }, seconds),
    marginals: await rate(async () => {
      const probs = crf.marginals(emissions, mask);
      await probs.data();
      probs.dispose();
    }, seconds),
  };
  if (tf.memory().numTensors !== before) throw new Error(`bench: ${tf.memory().numTensors - before} tensors leaked on ${name}`);
  tf.dispose([emissions, tags, mask]);
  crf.dispose();
  return Object.fromEntries(Object.entries(perSecond).map(([task, calls]) => [task, calls * B]));
}

async function main(): Promise<void> {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" hint in the report
  const backends = option('backends', 'cpu,wasm').split(',');
  const seconds = Number(option('seconds', '3'));
  console.log(`CRF throughput, sequences/s (B = ${B}, T = ${T}, K = ${K}, BIO constraints; best of ${seconds / 4}s windows over ${seconds}s per figure)`);
  const rows: Record<string, Record<string, number>> = {};
  for (const name of backends) rows[name] = await benchBackend(name, seconds);
  const tasks = Object.keys(rows[backends[0]]);
  const width = Math.max(...tasks.map((t) => t.length));
  console.log(['task'.padEnd(width), ...backends.map((b) => b.padStart(10))].join(' | '));
  for (const task of tasks) {
    console.log([task.padEnd(width), ...backends.map((b) => rows[b][task].toFixed(0).padStart(10))].join(' | '));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
