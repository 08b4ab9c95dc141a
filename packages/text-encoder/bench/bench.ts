/**
 * Throughput of the text encoder and of its Bi-GRU against alternatives.
 *
 *   npm run bench                       # cpu and wasm
 *   npm run bench -- --backend cpu --iters 5
 *   npm run bench -- --no-layers          # skip tf.layers.gru
 *
 * Reports tokens/s for forward and for forward + backward at batch 32 × 40 tokens with the
 * method's sizes (word 100-d, characters 30-d, char Bi-GRU 30, word Bi-GRU 150), for each
 * recurrence implementation ('native': the WebAssembly kernel, forward and backward; 'fused' and
 * 'autodiff': the tfjs recurrences, with the native kernel switched off for their forward too); then the word-level and character-level Bi-GRUs alone against the
 * textbook reference (with the largest difference in outputs) and tf.layers.gru when
 * @tensorflow/tfjs-layers is installed.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { dirname } from 'node:path';
import * as core from '@trimod/core';
import { buildVocabularies, CharCnnEncoder, TextEncoder } from '../src';
import { BiGru, type GruImplementation } from '../src/gru/bi-gru';
import { setNativeRecurrence } from '../src/gru/native-recurrence';
import { referenceBiGru } from '../src/gru/reference-gru';
import { syntheticPosts } from './synthetic-posts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const BACKENDS = option('backend', 'cpu,wasm').split(',');
const ITERS = Number(option('iters', '5'));
const BATCH = Number(option('batch', '32'));
const TOKENS = Number(option('tokens', '40'));
const IMPLS: GruImplementation[] = ['native', 'fused', 'autodiff'];

/** Median milliseconds of `iters` runs after one warm-up run. */
function time(run: () => void, iters = ITERS): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < iters; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const rate = (items: number, ms: number) => Math.round((items / ms) * 1000).toLocaleString('en-US');

async function useBackend(name: string): Promise<boolean> {
  if (name === 'wasm') {
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  }
  const ok = await tf.setBackend(name);
  await tf.ready();
  const register = (core as Record<string, unknown>).registerTrainingKernels;
  if (typeof register === 'function') register();
  return ok;
}

type Encoder = TextEncoder | CharCnnEncoder;

function benchEncoder(label: string, encoder: Encoder, posts: string[][]): void {
  const tokens = posts.reduce((n, p) => n + p.length, 0);
  const forward = time(() => {
    const out = encoder.encode(posts, { training: false });
    out.features.dataSync();
    tf.dispose([out.features, out.mask]);
  });
  const vars = encoder.trainableVariables();
  const backward = time(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(encoder.encode(posts, { training: true }).features) as tf.Scalar, vars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  });
  console.log(`| ${label} | ${rate(tokens, forward)} | ${rate(tokens, backward)} | ${forward.toFixed(0)} / ${backward.toFixed(0)} |`);
}

let layersNote = '';

interface LayersLike {
  layers: {
    bidirectional(args: unknown): { apply(x: tf.Tensor): tf.Tensor | tf.Tensor[]; trainableWeights: { read(): tf.Variable }[]; dispose(): unknown };
    gru(args: unknown): unknown;
  };
}

async function loadLayers(): Promise<LayersLike | null> {
  // A variable specifier keeps bundlers and tsc from requiring the optional package.
  const name = '@tensorflow/tfjs-layers';
  try {
    return (await import(name)) as LayersLike;
  } catch {
    return null;
  }
}

function benchGru(label: string, N: number, L: number, Din: number, H: number, lengths: number[], layers: LayersLike | null): void {
  const rng = new core.SeededRandom(5);
  const gru = new BiGru(label, Din, H, rng);
  const x = tf.tensor3d(rng.normalArray(N * L * Din, 1), [N, L, Din]);
  const rows = N * L;
  const report = (name: string, forward: () => tf.Tensor, vars: tf.Variable[], note = '') => {
    const f = time(() => {
      const out = tf.tidy(forward);
      out.dataSync();
      out.dispose();
    });
    const b = time(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(forward()) as tf.Scalar, vars);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    });
    console.log(`| ${label} | ${name} | ${rate(rows, f)} | ${rate(rows, b)} | ${note} |`);
  };
  const ref = tf.tidy(() => referenceBiGru(gru, x, lengths).outputs);
  for (const impl of IMPLS) {
    // Inference takes the native kernel whenever it can: off for the tfjs implementations.
    setNativeRecurrence(impl === 'native');
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(gru.apply(x, lengths, impl), ref))).dataSync()[0]);
    report(impl, () => gru.apply(x, lengths, impl), gru.variables(), `max |Δ| vs reference ${diff.toExponential(1)}`);
  }
  setNativeRecurrence(true);
  report('reference (textbook loop)', () => referenceBiGru(gru, x, lengths).outputs, gru.variables());
  if (layers) {
    const bi = layers.layers.bidirectional({
      // Glorot recurrent init: tfjs-layers' orthogonal init is slow and irrelevant to timing.
      layer: layers.layers.gru({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }),
      mergeMode: 'concat',
    });
    const run = () => bi.apply(x) as tf.Tensor;
    tf.tidy(run); // builds the weights
    report('tf.layers.gru (bidirectional)', run, bi.trainableWeights.map((w) => w.read()), 'reset-before GRU, no masking');
    bi.dispose();
  } else {
    console.log(`| ${label} | tf.layers.gru | ${layersNote} | | |`);
  }
  ref.dispose();
  x.dispose();
  gru.dispose();
}

async function main(): Promise<void> {
  const posts = syntheticPosts(BATCH, TOKENS, 1);
  const distinct = new Set(posts.flat());
  const { words, chars } = buildVocabularies(posts);
  const skipLayers = args.includes('--no-layers');
  const layers = skipLayers ? null : await loadLayers();
  layersNote = skipLayers ? 'skipped (--no-layers)' : 'tfjs-layers not installed';
  console.log(`batch ${BATCH} × ${TOKENS} tokens (${distinct.size} distinct), ${ITERS} timed runs (median), node ${process.version}`);
  for (const backend of BACKENDS) {
    if (!(await useBackend(backend))) {
      console.log(`\n${backend}: could not be initialised, skipped`);
      continue;
    }
    console.log(`\n### ${backend}\n`);
    console.log('| encoder | forward tokens/s | forward + backward tokens/s | ms per batch (fwd / fwd+bwd) |');
    console.log('|---|---|---|---|');
    for (const gru of IMPLS) {
      setNativeRecurrence(gru === 'native');
      const encoder = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, gru, seed: 1 });
      benchEncoder(`TextEncoder (gru: ${gru})`, encoder, posts);
      encoder.dispose();
    }
    setNativeRecurrence(true);
    const transformer = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, context: 'transformer', seed: 1 });
    benchEncoder('TextEncoder (context: transformer, 2 × 128)', transformer, posts);
    transformer.dispose();
    const cnn = new CharCnnEncoder({ wordVocabulary: words, charVocabulary: chars, seed: 1 });
    benchEncoder('CharCnnEncoder', cnn, posts);
    cnn.dispose();

    console.log('\n| Bi-GRU | implementation | forward rows/s | forward + backward rows/s | note |');
    console.log('|---|---|---|---|---|');
    benchGru('word [32, 40, 170] → 2×150', BATCH, TOKENS, 170, 150, posts.map((p) => p.length), layers);
    const charLengths = [...distinct].map((t) => Math.min(Array.from(t).length, 20));
    benchGru(`char [${distinct.size}, ${Math.max(...charLengths)}, 30] → 2×30`, distinct.size, Math.max(...charLengths), 30, 30, charLengths, layers);
    console.log(`\ntensors alive after ${backend}: ${tf.memory().numTensors} (our code leaves none; tf.layers keeps a few)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
