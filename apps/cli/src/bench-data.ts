import { initBackend } from '@trimod/core';
import { evaluateModel, readCaptions, readTwitterNer, TriMod, type PostInput } from '@trimod/trimod';
import { benchTraining } from './bench-train';
import { resolveModel } from './default-model';
import { openInput, readRecords } from './tag/records';
import { withSidecars } from './tag/sidecars';
import { TaggerPool } from './tag/tagger-pool';
import { defaultWorkers, poolTagging, type Tagging } from './tag/tagging';

/** What `trimod bench --data` measures on one backend, on a real data file (comparable with the PyTorch reference's --bench-only). */
export interface DataBenchResult {
  backend: string;
  posts: number;
  /**
   * Tagging every post of the file at batch 32 the way `trimod tag FILE` does with its default
   * workers (`tagWorkers`): records read as `trimod tag` reads them, the text tokenized, entities
   * with scores and modality weights, one JSON line each (not written anywhere). The workers are
   * started and warmed up before the clock starts (`tagPoolStartSeconds`), as the reference's model is.
   */
  tagPostsPerSecondBatch32: number;
  tagWorkers: number;
  /** The same with `--workers 1` (tagging in this process), measured alternately with the pool. */
  tagPostsPerSecondBatch32OneWorker: number;
  tagPoolStartSeconds: number;
  /**
   * CPU seconds per round of each (this process, all its threads): what the pool costs beyond
   * tagging, readable even when other jobs hold the cores and the posts/s say little.
   */
  tagCpuSeconds: number;
  tagCpuSecondsOneWorker: number;
  /** Whether the pool wrote exactly the lines the in-process path wrote. */
  tagOutputsEqual: boolean;
  /** Tagging every post of the file, pre-tokenized, Viterbi tags only, at batch 32 in this process (as `trimod eval`, length-sorted). */
  evalPostsPerSecondBatch32: number;
  /** The F1 of that run (the figure must not move when speed work lands). */
  f1: number;
  /** Tagging the first `batch1Posts` posts one at a time. */
  msPerPostBatch1: number;
  batch1Posts: number;
  /** `trainSteps` steps of `trimod train`'s training step at batch 32 on the file's posts and gold tags, after one warm-up step (bench-train.ts). */
  trainSentencesPerSecond: number;
  trainSteps: number;
  trainOptimizer: string;
  /** Peak resident memory of the process, in MB. */
  peakRssMb: number;
}

export interface DataBenchSpec {
  data: string;
  captions?: string;
  trainSteps: number;
  batch1Posts: number;
  /** Workers of the tag path's pool (default: what `trimod tag` picks for the file). */
  workers?: number;
  /** Rounds of the tag path, 1 worker and the pool alternately (default 2). */
  tagRounds?: number;
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

    const tag = await benchTagPath(backend, model, modelSpec, spec);

    const few = posts.slice(0, spec.batch1Posts);
    t = performance.now();
    await evaluateModel(model, few, { captions, batchSize: 1 });
    const tag1 = (performance.now() - t) / 1000;

    const train = await benchTraining(model, posts, captions, spec.trainSteps);
    return {
      backend,
      posts: posts.length,
      ...tag,
      evalPostsPerSecondBatch32: posts.length / tag32,
      f1: scored.f1,
      msPerPostBatch1: (1000 * tag1) / few.length,
      batch1Posts: few.length,
      ...train,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    model.dispose();
  }
}

/**
 * The `trimod tag` path on the data file: in this process (the loaded model) and with a pool of
 * workers, alternately, `tagRounds` times each; the mean rate of each.
 */
async function benchTagPath(backend: string, model: TriMod, modelSpec: string, spec: DataBenchSpec) {
  const records: PostInput[] = [];
  const captions = spec.captions ? await readCaptions(spec.captions) : null;
  for await (const record of readRecords(openInput(spec.data), 'twitter', spec.data)) records.push(withSidecars(record, 'twitter', captions, null));
  const workers = spec.workers ?? defaultWorkers({ fromFile: true, backend, posts: records.length, batchSize: 32 });
  const inProcess: Tagging = { workers: 1, stream: (p, o) => model.predictStream(p, o), close: async () => undefined };
  const t0 = performance.now();
  // An explicit --workers 1 measures a pool of one worker: what the pool itself costs.
  const pool = workers > 1 || spec.workers !== undefined ? poolTagging(await TaggerPool.start({ workers, model: resolveModel(modelSpec), backend })) : inProcess;
  const poolStart = (performance.now() - t0) / 1000;
  try {
    const run = async (tagging: Tagging, posts: PostInput[]) => {
      const lines: string[] = [];
      const t = performance.now();
      const cpu = process.cpuUsage();
      for await (const r of tagging.stream(posts, { batchSize: 32 })) lines.push(JSON.stringify({ id: r.id, text: r.text, caption: r.caption, entities: r.entities, error: r.error }));
      const used = process.cpuUsage(cpu);
      return { seconds: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6, lines };
    };
    // Warm-up: one whole pass each, so every thread's JIT has seen every code path (this
    // process has already evaluated the file; a fresh worker has seen nothing).
    await run(inProcess, records);
    await run(pool, records);
    const rounds = spec.tagRounds ?? 2;
    let one = 0;
    let many = 0;
    let cpuOne = 0;
    let cpuMany = 0;
    let equal = true;
    for (let i = 0; i < rounds; i++) {
      const a = await run(inProcess, records);
      const b = await run(pool, records);
      one += a.seconds;
      many += b.seconds;
      cpuOne += a.cpu;
      cpuMany += b.cpu;
      equal &&= a.lines.join('\n') === b.lines.join('\n');
    }
    return {
      tagPostsPerSecondBatch32: (rounds * records.length) / many,
      tagWorkers: workers,
      tagPostsPerSecondBatch32OneWorker: (rounds * records.length) / one,
      tagPoolStartSeconds: poolStart,
      tagCpuSeconds: cpuMany / rounds,
      tagCpuSecondsOneWorker: cpuOne / rounds,
      tagOutputsEqual: equal,
    };
  } finally {
    await pool.close();
  }
}
