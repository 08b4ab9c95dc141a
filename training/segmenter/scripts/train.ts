/**
 * Trains the boundary network on synthetic hashtags and writes the shipped model folder.
 *
 *   npm run train -- [--steps 4500] [--batch 128] [--seed 7] [--out model]
 *                    [--checkpoints .checkpoints/hashtag-segmenter] [--fresh]
 *
 * Reproducible: the lexicon comes from the npm word lists, every batch is generated from
 * (seed, step) alone, and weights start from the seed, so the same command gives the same
 * model on the same backend. Resumable: every --checkpoint-every steps the weights, the Adam
 * state and the step are written atomically; a later run with the same arguments continues from
 * there (--fresh starts over). Runs on tfjs-backend-wasm.
 */
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, SeededRandom, type JsonObject } from '@trimod/core';
import { DEFAULT_DECODE_PARAMS, parseDecodeParams, type DecodeParams } from '../../../packages/hashtag-segmenter/src/decode/params';
import { BoundaryModel, DEFAULT_BOUNDARY_CONFIG } from '../../../packages/hashtag-segmenter/src/neural/boundary-model';
import { charBatch, type CharBatch } from '../../../packages/hashtag-segmenter/src/neural/char-batch';
import { buildLexicon, DEFAULT_MIX, readWordSources } from './lib/build-lexicon';
import { parseArgs } from './lib/args';
import { loadCheckpoint, saveCheckpoint } from './lib/checkpoint';
import { saveSegmenterModel } from './lib/save-model';
import { buildPools, synthHashtag, type SynthExample, type SynthPools } from './lib/synth';

const args = parseArgs(process.argv.slice(2), {
  steps: 4500,
  batch: 128,
  seed: 7,
  lr: 0.003,
  out: 'model',
  checkpoints: '.checkpoints/hashtag-segmenter',
  'checkpoint-every': 250,
  'log-every': 50,
  'dev-size': 2000,
  fresh: false,
});

/** Batches are cut from groups of GROUP × batch examples sorted by length (little padding). */
const GROUP = 8;

function log(msg: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** The examples of one training step, from (seed, step) alone. */
function batchExamples(pools: SynthPools, seed: number, step: number, size: number): SynthExample[] {
  const group = Math.floor(step / GROUP);
  const rng = new SeededRandom((seed * 1000003 + group * 7919) >>> 0);
  const examples = Array.from({ length: size * GROUP }, () => synthHashtag(pools, rng));
  examples.sort((a, b) => a.text.length - b.text.length);
  const order = rng.shuffle(Array.from({ length: GROUP }, (_, i) => i));
  const slot = order[step % GROUP];
  return examples.slice(slot * size, (slot + 1) * size);
}

/** Labels and loss weights, time-major [T, B]: position k of a text is 1 when a word ends after it. */
function labels(examples: SynthExample[], batch: CharBatch): { y: Float32Array; w: Float32Array } {
  const { batchSize: b, length: t } = batch;
  const y = new Float32Array(t * b);
  const w = new Float32Array(t * b);
  examples.forEach((ex, row) => {
    const n = Array.from(ex.text).length;
    for (let k = 0; k < n - 1; k++) w[k * b + row] = 1; // no decision after the last character
    for (const end of ex.ends) if (end < n) y[(end - 1) * b + row] = 1;
  });
  return { y, w };
}

function lossFn(model: BoundaryModel, batch: CharBatch, y: tf.Tensor2D, w: tf.Tensor2D): tf.Scalar {
  const { logits } = model.forwardTimeMajor(batch, true);
  // Binary cross-entropy with logits: softplus(z) − y·z, averaged over real decisions.
  const perPosition = tf.sub(tf.softplus(logits), tf.mul(y, logits));
  return tf.div(tf.sum(tf.mul(perPosition, w)), tf.maximum(tf.sum(w), 1)) as tf.Scalar;
}

/** Boundary F1 and exact-match rate of thresholded predictions on synthetic dev examples. */
function evaluate(model: BoundaryModel, dev: SynthExample[]): { f1: number; exact: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let exact = 0;
  const sorted = [...dev].sort((a, b) => a.text.length - b.text.length);
  for (let i = 0; i < sorted.length; i += 512) {
    const group = sorted.slice(i, i + 512);
    const batch = charBatch(group.map((e) => Array.from(e.text)));
    const probs = tf.tidy(() => tf.sigmoid(model.forward(batch).logits));
    const values = probs.dataSync();
    probs.dispose();
    group.forEach((ex, r) => {
      const n = ex.text.length;
      const gold = new Set(ex.ends.filter((e) => e < n));
      let ok = true;
      for (let k = 0; k < n - 1; k++) {
        const predicted = values[r * batch.length + k] > 0.5;
        const isGold = gold.has(k + 1);
        if (predicted && isGold) tp++;
        else if (predicted) fp++;
        else if (isGold) fn++;
        if (predicted !== isGold) ok = false;
      }
      if (ok) exact++;
    });
  }
  const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { f1, exact: exact / dev.length };
}

function learningRate(step: number, total: number, base: number): number {
  const warmup = Math.min(1, (step + 1) / 200);
  const progress = Math.min(1, step / Math.max(1, total));
  return base * warmup * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../../packages/hashtag-segmenter');
  const steps = Number(args.steps);
  const batchSize = Number(args.batch);
  const seed = Number(args.seed);
  const outDir = path.resolve(root, String(args.out));
  const ckptDir = path.resolve(root, String(args.checkpoints));
  const info = await initBackend('wasm');
  log(`backend ${info.backend}; ${steps} steps of ${batchSize}, seed ${seed}`);

  const t0 = Date.now();
  const sources = readWordSources(DEFAULT_MIX.winkLimit);
  const lexicon = buildLexicon(sources, DEFAULT_MIX);
  const pools = buildPools(lexicon, sources.proper);
  log(`lexicon: ${lexicon.size} words (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const devRng = new SeededRandom(seed + 1);
  const dev = Array.from({ length: Number(args['dev-size']) }, () => synthHashtag(pools, devRng));

  const config = { ...DEFAULT_BOUNDARY_CONFIG, seed };
  const model = new BoundaryModel(config);
  const optimizer = tf.train.adam(Number(args.lr));
  let start = 0;
  let lossSum = 0;
  let lossCount = 0;
  if (!args.fresh && existsSync(ckptDir)) {
    start = await loadCheckpoint(ckptDir, model, optimizer, { steps, batchSize, seed });
    log(`resumed from ${ckptDir} at step ${start}`);
  }
  let tick = Date.now();
  let tickStep = start;
  for (let step = start; step < steps; step++) {
    const examples = batchExamples(pools, seed, step, batchSize);
    const batch = charBatch(examples.map((e) => Array.from(e.text)));
    const { y, w } = labels(examples, batch);
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate(step, steps, Number(args.lr));
    const loss = tf.tidy(() => {
      const yT = tf.tensor2d(y, [batch.length, batch.batchSize]);
      const wT = tf.tensor2d(w, [batch.length, batch.batchSize]);
      const { value, grads } = tf.variableGrads(() => lossFn(model, batch, yT, wT), model.trainableVariables());
      // Clip the global gradient norm at 5: LSTM gradients spike on long inputs early on.
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(5, tf.maximum(norm, 1e-6)));
      const clipped: Record<string, tf.Tensor> = {};
      for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
      optimizer.applyGradients(clipped as Parameters<typeof optimizer.applyGradients>[0]);
      return value;
    });
    lossSum += (await loss.data())[0];
    lossCount++;
    loss.dispose();
    const done = step + 1;
    if (done % Number(args['log-every']) === 0 || done === steps) {
      const now = Date.now();
      const perStep = (now - tick) / (done - tickStep);
      const eta = ((steps - done) * perStep) / 60000;
      log(`step ${done}/${steps} (${((100 * done) / steps).toFixed(1)}%) loss ${(lossSum / lossCount).toFixed(4)} ` + `${perStep.toFixed(0)} ms/step, ETA ${eta.toFixed(1)} min, tensors ${tf.memory().numTensors}`);
      lossSum = 0;
      lossCount = 0;
      tick = now;
      tickStep = done;
    }
    if (done % Number(args['checkpoint-every']) === 0 || done === steps) {
      const m = evaluate(model, dev);
      log(`dev (synthetic): boundary F1 ${(100 * m.f1).toFixed(2)}%, exact ${(100 * m.exact).toFixed(2)}%`);
      await saveCheckpoint(ckptDir, model, optimizer, done, { steps, batchSize, seed });
    }
  }

  const final = evaluate(model, dev);
  // Keep decoder settings tuned earlier for this folder (scripts/tune.ts writes them).
  let decode = DEFAULT_DECODE_PARAMS;
  let decodeLm: DecodeParams | undefined;
  let previousMeta: JsonObject = {};
  const existing = path.join(outDir, 'model.json');
  if (existsSync(existing)) {
    const old = JSON.parse(await readFile(existing, 'utf8')) as { decode?: JsonObject; decodeLm?: JsonObject; metadata?: JsonObject };
    decode = parseDecodeParams(old.decode);
    decodeLm = old.decodeLm ? parseDecodeParams(old.decodeLm) : undefined;
    previousMeta = old.metadata ?? {};
  }
  await saveSegmenterModel(outDir, model, lexicon, decode, {
    ...previousMeta,
    training: {
      command: `npm run train -- --steps ${steps} --batch ${batchSize} --seed ${seed} --lr ${args.lr}`,
      backend: info.backend,
      steps,
      batchSize,
      seed,
      lexiconMix: { ...DEFAULT_MIX },
      syntheticDev: { boundaryF1: round(final.f1), exactMatch: round(final.exact), size: dev.length },
    },
  }, decodeLm);
  log(`saved ${outDir} (synthetic dev boundary F1 ${(100 * final.f1).toFixed(2)}%, exact ${(100 * final.exact).toFixed(2)}%)`);
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

main().catch((err) => {
  process.stderr.write(`train: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
