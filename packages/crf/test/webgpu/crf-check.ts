/**
 * The CRF's WGSL kernels (src/webgpu/) on the webgpu backend against the tfjs and array paths on
 * cpu: log Z without a tape, the log-likelihood and its gradients (emissions and every weight)
 * under one, and Viterbi's paths, for padded batches, batch 1, and tag counts that are not
 * multiples of 4 or 32, with and without constraints. Prints one JSON line. Run in a child
 * process by webgpu.test.ts (Dawn is an ESM native module jest cannot load; a lost device must
 * not take the runner down).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend, SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF } from '../../src';
import { CRF_FORWARD, CRF_VITERBI, webgpuCrfUsable } from '../../src/webgpu/crf-webgpu';
import { randomizeWeights, randomProblem, type Problem } from '../fixtures';

interface Case {
  name: string;
  B: number;
  T: number;
  K: number;
  bio?: boolean;
}

const CASES: Case[] = [
  { name: 'padded batch, K 5', B: 6, T: 9, K: 5 },
  { name: 'batch 1, K 9', B: 1, T: 12, K: 9 },
  { name: 'BIO constraints, trained with the penalty, K 9', B: 5, T: 10, K: 9, bio: true },
  { name: 'K 37 (over one 32-wide workgroup)', B: 3, T: 6, K: 37 },
  { name: 'Viterbi past its pointer bound (array path), K 40 T 80', B: 2, T: 80, K: 40 },
];

const BIO_LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-MISC', 'I-MISC'];

function setUp(c: Case): { crf: CRF; p: Problem } {
  const random = new SeededRandom(c.B * 100 + c.K);
  const crf = c.bio
    ? new CRF({ numTags: c.K, constraints: allowedTransitions('BIO', BIO_LABELS), constrainTraining: true })
    : new CRF({ numTags: c.K });
  randomizeWeights(crf, random, 2);
  const p = randomProblem(random, c.B, c.T, c.K, 3);
  // Gold tags valid under BIO (B- and O only), so the penalised loss stays normal-sized.
  if (c.bio) p.tags = p.tags.map((row) => row.map((tag) => (tag % 2 === 1 ? tag : 0)));
  return { crf, p };
}

type Values = Record<string, number[]>;

async function run(c: Case): Promise<{ values: Values; paths: number[][]; kernels: string[] }> {
  const { crf, p } = setUp(c);
  const emissions = tf.tensor3d(p.emissions);
  const mask = tf.tensor2d(p.mask);
  const tags = tf.tensor2d(p.tags, undefined, 'int32');
  const values: Values = {};
  let paths: number[][] = [];
  const profile = await tf.profile(async () => {
    const loss = (e: tf.Tensor) => tf.neg(crf.logLikelihood(e as tf.Tensor3D, tags, mask, { reduction: 'sum' })) as tf.Scalar;
    const { value, grads } = tf.variableGrads(() => loss(emissions), crf.trainableVariables());
    const named: Record<string, tf.Tensor> = {
      logZ: crf.logPartition(emissions, mask),
      marginals: crf.marginals(emissions, p.mask),
      perRow: crf.logLikelihood(emissions, tags, mask, { reduction: 'none' }),
      loss: value,
      dEmissions: tf.grad(loss)(emissions),
      ...Object.fromEntries(Object.entries(crf.namedWeights()).map(([name, v]) => [`d${name}`, grads[v.name]])),
    };
    for (const [name, t] of Object.entries(named)) values[name] = Array.from(await t.data());
    tf.dispose(Object.values(named));
    paths = await crf.decode(emissions, mask);
  });
  tf.dispose([emissions, mask, tags]);
  crf.dispose();
  return { values, paths, kernels: [...new Set(profile.kernels.map((k) => k.name))] };
}

function compare(a: number[], b: number[]): { abs: number; rel: number; scale: number } {
  if (a.length !== b.length) return { abs: Infinity, rel: Infinity, scale: 0 };
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { abs, rel: abs / Math.max(1, scale), scale };
}

/** Repeated log-likelihood gradients and decodes on webgpu leave no tensor behind. */
async function leaks(): Promise<number> {
  const { crf, p } = setUp(CASES[0]);
  const emissions = tf.tensor3d(p.emissions);
  const once = async () => {
    const { value, grads } = tf.variableGrads(() => tf.neg(crf.logLikelihood(emissions, p.tags, p.mask)) as tf.Scalar, crf.trainableVariables());
    tf.dispose([value, ...Object.values(grads), crf.logPartition(emissions, p.mask)]);
    await crf.decode(emissions, p.mask);
  };
  await once();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await once();
  const grown = tf.memory().numTensors - before;
  emissions.dispose();
  crf.dispose();
  return grown;
}

async function main(): Promise<void> {
  const info = await initBackend('webgpu');
  const onGpu = [];
  for (const c of CASES) onGpu.push(await run(c));
  const usable = { K256: webgpuCrfUsable(256), K257: webgpuCrfUsable(257), viterbiK40T77: webgpuCrfUsable(40, 77), viterbiK40T80: webgpuCrfUsable(40, 80), B65535: webgpuCrfUsable(9, 40, 65535), B65536: webgpuCrfUsable(9, 40, 65536) };
  const leaked = await leaks();
  await tf.setBackend('cpu');
  const cases = [];
  for (let i = 0; i < CASES.length; i++) {
    const ref = await run(CASES[i]);
    const gpu = onGpu[i];
    cases.push({
      name: CASES[i].name,
      kernels: gpu.kernels.filter((k) => k === CRF_FORWARD || k === CRF_VITERBI).sort(),
      diffs: Object.fromEntries(Object.keys(ref.values).map((k) => [k, compare(gpu.values[k] ?? [], ref.values[k])])),
      samePaths: JSON.stringify(gpu.paths) === JSON.stringify(ref.paths),
      pathLengths: gpu.paths.map((path) => path.length),
    });
  }
  process.stdout.write(JSON.stringify({ adapter: info.adapter, usable, leaked, cases }) + '\n');
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) }) + '\n');
  process.exitCode = 1;
});
