/**
 * Where one training step's time goes (issue 22): the bundled default model's architecture,
 * batch 32 of Twitter-2017 train posts with their captions, on wasm (or --backend cpu).
 *
 *   npx tsx --tsconfig tsconfig.dev.json packages/trimod/scripts/profile-train-step.ts \
 *     --data ../shared/data/twitter2017/train.txt --captions ../shared/data/twitter2017/captions.json \
 *     [--steps 10] [--backend wasm] [--optimizer fused|tfjs]
 *
 * Each phase is timed on its own (the wasm and cpu backends run kernels synchronously, so the
 * wall time around an op is its cost): the forward pass with the CRF loss alone, forward +
 * backward (tf.variableGrads), the global-norm clipping, and the optimizer's update of each
 * variable (a separate optimizer per variable, so each one's cost can be read off). Prints the
 * median of each over --steps steps, after one warm-up step, and the largest variables' updates.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import { readCaptions, readTwitterNer, tagIndices, toBatch, TriMod } from '../src';
import { clipByGlobalNorm, globalNormScale } from '../src/train/optimizers';
import { FusedAdamOptimizer } from '../src/train/fused-adam';

function arg(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const backend = arg('--backend', 'wasm');
  const steps = Number(arg('--steps', '10'));
  const which = arg('--optimizer', 'fused');
  if (which !== 'fused' && which !== 'tfjs') throw new Error(`--optimizer must be fused or tfjs, got ${which}`);
  await initBackend(backend as 'wasm');
  const model = await TriMod.load(path.resolve(__dirname, '../model'));
  const posts = await readTwitterNer(arg('--data', '../shared/data/twitter2017/train.txt'));
  const captionsFile = arg('--captions', '');
  const captions = captionsFile ? await readCaptions(captionsFile) : undefined;
  const gold = tagIndices(posts, model.labels);
  const vars = model.trainableVariables();
  const optimizers = new Map(vars.map((v) => [v.name, which === 'fused' ? new FusedAdamOptimizer(1e-3) : tf.train.adam(1e-3)]));
  const times: Record<string, number[]> = { forward: [], 'forward+backward': [], 'clip (norm + scale)': [], 'clip (norm only, fused path)': [], optimizer: [], step: [] };
  const perVar = new Map<string, number[]>(vars.map((v) => [v.name, []]));
  for (let s = 0; s <= steps; s++) {
    const at = (s * 32) % (posts.length - 32);
    const batch = toBatch(posts.slice(at, at + 32), captions);
    const tags = gold.slice(at, at + 32);
    let t = performance.now();
    const loss = tf.tidy(() => model.loss(batch, tags));
    await loss.data();
    loss.dispose();
    const forward = performance.now() - t;
    const tStep = performance.now();
    t = performance.now();
    const { value, grads } = tf.variableGrads(() => model.loss(batch, tags), vars);
    await value.data();
    value.dispose();
    const fb = performance.now() - t;
    t = performance.now();
    const clipped = clipByGlobalNorm(grads, 5);
    await Object.values(clipped)[0].data();
    const clip = performance.now() - t;
    t = performance.now();
    const scale = globalNormScale(grads, 5);
    const clipNormOnly = performance.now() - t;
    let opt = 0;
    for (const v of vars) {
      const g = which === 'fused' ? grads[v.name] : clipped[v.name];
      if (!g) continue;
      const o = optimizers.get(v.name)!;
      const t1 = performance.now();
      if (o instanceof FusedAdamOptimizer) o.applyGradients({ [v.name]: g }, scale);
      else (o as tf.Optimizer).applyGradients({ [v.name]: g } as unknown as Parameters<tf.Optimizer["applyGradients"]>[0]);
      const dt = performance.now() - t1;
      opt += dt;
      if (s > 0) perVar.get(v.name)!.push(dt);
    }
    tf.dispose([...Object.values(grads), ...Object.values(clipped)]);
    const step = performance.now() - tStep;
    if (s === 0) continue; // warm-up
    times.forward.push(forward);
    times['forward+backward'].push(fb);
    times['clip (norm + scale)'].push(clip);
    times['clip (norm only, fused path)'].push(clipNormOnly);
    times.optimizer.push(opt);
    times.step.push(step);
  }
  const out: Record<string, unknown> = { backend, optimizer: which, steps, medianMs: Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, +median(xs).toFixed(2)])) };
  out.largestVariablesMs = [...perVar.entries()]
    .map(([name, xs]) => [name, vars.find((v) => v.name === name)!.size, +median(xs).toFixed(2)] as const)
    .sort((a, b) => b[2] - a[2])
    .slice(0, 6);
  out.numTensors = tf.memory().numTensors;
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  for (const o of optimizers.values()) o.dispose();
  model.dispose();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
