import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import { evaluateModel, readCaptions, readTwitterNer, tagIndices, toBatch, TriMod } from '@trimod/trimod';
import { resolveModel } from './default-model';

/** What `trimod bench --data` measures on one backend, on a real data file (comparable with the PyTorch reference's --bench-only). */
export interface DataBenchResult {
  backend: string;
  posts: number;
  /** Tagging every post of the file, pre-tokenized, at batch 32 (as `trimod eval`, length-sorted). */
  tagPostsPerSecondBatch32: number;
  /** The F1 of that run (the figure must not move when speed work lands). */
  f1: number;
  /** Tagging the first `batch1Posts` posts one at a time. */
  msPerPostBatch1: number;
  batch1Posts: number;
  /** `trainSteps` Adam steps at batch 32 on the file's posts and gold tags, after one warm-up step. */
  trainSentencesPerSecond: number;
  trainSteps: number;
  /** Peak resident memory of the process, in MB. */
  peakRssMb: number;
}

export interface DataBenchSpec {
  data: string;
  captions?: string;
  trainSteps: number;
  batch1Posts: number;
}

/** Runs in a child process: one backend, one model, one data file. */
export async function benchData(backend: string, modelSpec: string, spec: DataBenchSpec): Promise<DataBenchResult | { backend: string; error: string }> {
  try {
    await initBackend(backend as 'wasm');
  } catch (e) {
    return { backend, error: (e as Error).message.slice(0, 300) };
  }
  const [posts, captions] = await Promise.all([readTwitterNer(spec.data), spec.captions ? readCaptions(spec.captions) : Promise.resolve(undefined)]);
  const model = await TriMod.load(resolveModel(modelSpec));
  try {
    await evaluateModel(model, posts.slice(0, 64), { captions, batchSize: 32 }); // warm-up
    let t = performance.now();
    const scored = await evaluateModel(model, posts, { captions, batchSize: 32 });
    const tag32 = (performance.now() - t) / 1000;

    const few = posts.slice(0, spec.batch1Posts);
    t = performance.now();
    await evaluateModel(model, few, { captions, batchSize: 1 });
    const tag1 = (performance.now() - t) / 1000;

    const tags = tagIndices(posts, model.labels);
    const optimizer = tf.train.adam(1e-3);
    const step = async (i: number) => {
      const at = (i * 32) % Math.max(1, posts.length - 32);
      const batch = posts.slice(at, at + 32);
      const cost = optimizer.minimize(() => model.loss(toBatch(batch, captions), tags.slice(at, at + 32)), true, model.trainableVariables());
      await cost?.data();
      cost?.dispose();
    };
    await step(0);
    t = performance.now();
    for (let i = 1; i <= spec.trainSteps; i++) await step(i);
    const train = (performance.now() - t) / 1000;
    optimizer.dispose();
    return {
      backend,
      posts: posts.length,
      tagPostsPerSecondBatch32: posts.length / tag32,
      f1: scored.f1,
      msPerPostBatch1: (1000 * tag1) / few.length,
      batch1Posts: few.length,
      trainSentencesPerSecond: (32 * spec.trainSteps) / train,
      trainSteps: spec.trainSteps,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    model.dispose();
  }
}
