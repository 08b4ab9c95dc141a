import type { Command } from 'commander';
import { runJsonChild } from '../child-json';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import { TriMod } from '@trimod/trimod';
import { resolveModel } from '../default-model';
import { existingFile, listOf, modelOption, positiveInt } from '../options';
import type { DataBenchResult, DataBenchSpec } from '../bench-data';
import { status } from '../progress';

/** Posts written for the benchmark: tweet-like, 10–30 tokens, with names, hashtags and mentions. */
const SAMPLE_POSTS = [
  'Kawhi Leonard wins the fan vote for Block of the Year ! #NBAAwards',
  'RT @nytimes : Heavy rain expected in New York City tonight , officials say',
  'Just landed in Paris for the Champions League final with @realmadrid fans everywhere #UCLfinal',
  'Apple unveils the new iPhone at its Cupertino event , shares of Samsung fall',
  'Happy birthday to the legend Serena Williams ! 🎾🎉',
  'Traffic on I-95 near Boston is backed up for miles after the storm',
  'Watching Game of Thrones with my sister tonight , no spoilers please !!',
  'Prime Minister Theresa May meets Angela Merkel in Berlin to talk Brexit',
];

export interface BenchResult {
  backend: string;
  loadSeconds: number;
  trainSentencesPerSecond: number;
  inferPostsPerSecondBatch1: number;
  inferPostsPerSecondBatch32: number;
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('training sentences/s, inference posts/s (batch 1 and 32) and model load time, per backend')
    .option('--model <dir>', 'model folder, or "default" for the bundled model', 'default')
    .option('--backends <list>', 'comma-separated backends to measure', 'webgpu,wasm,cpu')
    .option('--data <file>', 'measure on a real data file (IMGID / token<TAB>tag): tagging it at batch 32 and 1, training steps at batch 32, peak memory')
    .option('--captions <file>', 'with --data: JSON map {"<id>.jpg": "caption"}')
    .option('--train-steps <n>', 'with --data: timed training steps at batch 32', '50')
    .option('--batch1-posts <n>', 'with --data: posts tagged one at a time', '200')
    .option('--workers <n>', "with --data: worker threads of the tag path's pool (default: what `trimod tag` picks for the file; 1 measures a pool of one worker against tagging in this process, i.e. what the pool itself costs)")
    .option('--json', 'print one JSON object')
    .action(async (o: { model: string; backends: string; json?: boolean; data?: string; captions?: string; trainSteps: string; batch1Posts: string; workers?: string }) => {
      const backends = listOf('--backends', o.backends, ['webgpu', 'wasm', 'cpu'] as const);
      const model = modelOption(o.model) ?? 'default';
      if (o.data !== undefined) {
        existingFile('--data', o.data);
        if (o.captions !== undefined) existingFile('--captions', o.captions);
        const spec: DataBenchSpec = {
          data: o.data,
          captions: o.captions,
          trainSteps: positiveInt('--train-steps', o.trainSteps),
          batch1Posts: positiveInt('--batch1-posts', o.batch1Posts),
          ...(o.workers !== undefined ? { workers: positiveInt('--workers', o.workers) } : {}),
        };
        const results: Array<DataBenchResult | { backend: string; error: string }> = [];
        for (const backend of backends) {
          status(`bench: ${backend} on ${o.data} …`);
          results.push(await runJsonChild(['__bench-data', backend, model, JSON.stringify(spec)], (why) => ({ backend, error: why }), 1_800_000));
        }
        process.stdout.write(o.json ? JSON.stringify({ model: o.model, data: o.data, results }) + '\n' : formatDataBench(results));
        return;
      }
      const results: Array<BenchResult | { backend: string; error: string }> = [];
      for (const backend of backends) {
        status(`bench: ${backend} …`);
        results.push(await benchInChild(backend, model));
      }
      if (o.json) {
        process.stdout.write(JSON.stringify({ model: o.model, results }) + '\n');
        return;
      }
      const rows = ['backend   load s   train sent/s   infer posts/s (b=1)   infer posts/s (b=32)'];
      for (const r of results) {
        if ('error' in r) rows.push(`${r.backend.padEnd(9)} not available: ${r.error}`);
        else
          rows.push(
            `${r.backend.padEnd(9)} ${r.loadSeconds.toFixed(2).padStart(6)}   ${r.trainSentencesPerSecond.toFixed(1).padStart(12)}   ${r.inferPostsPerSecondBatch1.toFixed(1).padStart(19)}   ${r.inferPostsPerSecondBatch32.toFixed(1).padStart(20)}`,
          );
      }
      process.stdout.write(rows.join('\n') + '\n');
    });
}

function formatDataBench(results: Array<DataBenchResult | { backend: string; error: string }>): string {
  const rows = ['backend   posts   tag posts/s (b=32)   workers   1 worker   eval posts/s   F1      ms/post (b=1)   train sent/s (b=32)   peak RSS MB'];
  for (const r of results) {
    if ('error' in r) rows.push(`${r.backend.padEnd(9)} not available: ${r.error}`);
    else
      rows.push(
        `${r.backend.padEnd(9)} ${String(r.posts).padStart(5)}   ${r.tagPostsPerSecondBatch32.toFixed(0).padStart(18)}   ${String(r.tagWorkers).padStart(7)}   ${r.tagPostsPerSecondBatch32OneWorker.toFixed(0).padStart(8)}   ${r.evalPostsPerSecondBatch32.toFixed(0).padStart(12)}   ${(100 * r.f1).toFixed(2)}   ${r.msPerPostBatch1.toFixed(1).padStart(13)}   ${r.trainSentencesPerSecond.toFixed(0).padStart(19)}   ${r.peakRssMb.toFixed(0).padStart(11)}`,
      );
  }
  if (results.some((r) => !('error' in r) && !r.tagOutputsEqual)) rows.push('WARNING: the worker pool wrote other lines than tagging in one process');
  return rows.join('\n') + '\n';
}

function benchInChild(backend: string, model: string): Promise<BenchResult | { backend: string; error: string }> {
  return runJsonChild<BenchResult | { backend: string; error: string }>(['__bench-backend', backend, model], (why) => ({ backend, error: why }));
}

/** Runs in a child process: one backend, one model. */
export async function benchBackend(backend: string, modelSpec: string): Promise<BenchResult | { backend: string; error: string }> {
  try {
    await initBackend(backend as 'wasm');
  } catch (e) {
    return { backend, error: (e as Error).message.slice(0, 300) };
  }
  const t0 = performance.now();
  const model = await TriMod.load(resolveModel(modelSpec));
  const loadSeconds = (performance.now() - t0) / 1000;
  const posts32 = Array.from({ length: 32 }, (_, i) => SAMPLE_POSTS[i % SAMPLE_POSTS.length]);
  const time = async (fn: () => Promise<unknown>, reps: number) => {
    await fn(); // warm-up (kernels, shaders)
    const s = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    return (performance.now() - s) / 1000 / reps;
  };
  const b1 = await time(() => model.predict([SAMPLE_POSTS[0]]), 10);
  const b32 = await time(() => model.predict(posts32, { batchSize: 32 }), 3);
  // One training step on the sample posts with every tag O: the cost does not depend on the tags.
  const tokens = (await model.predict(posts32)).map((p) => p.tokens.map((t) => t.text));
  const tags = tokens.map((t) => t.map(() => 0));
  const optimizer = tf.train.adam(1e-4);
  const step = async () => {
    const cost = optimizer.minimize(() => model.loss({ tokens }, tags), true, model.trainableVariables());
    await cost?.data();
    cost?.dispose();
  };
  const trainStep = await time(step, 3);
  optimizer.dispose();
  model.dispose();
  return { backend, loadSeconds, trainSentencesPerSecond: 32 / trainStep, inferPostsPerSecondBatch1: 1 / b1, inferPostsPerSecondBatch32: 32 / b32 };
}
