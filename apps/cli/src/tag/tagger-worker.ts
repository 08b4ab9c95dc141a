import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '@trimod/core';
import { TriMod, type PostResult } from '@trimod/trimod';
import type { TagJob, WorkerReply, WorkerSetup } from './pool-protocol';

/**
 * The body of one tagger worker thread (built to dist/tagger-worker.js, started by TaggerPool):
 * loads the model once, then tags each job's records with the same predictStream the in-process
 * path runs, the job being one window, and posts the results back in the records' order.
 */
async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('tagger-worker.js runs only as a worker thread (TaggerPool starts it)');
  const reply = (m: WorkerReply) => port.postMessage(m);
  const setup = workerData as WorkerSetup;
  let model: TriMod;
  try {
    await initBackend(setup.backend as 'wasm');
    model = await TriMod.load(setup.model);
  } catch (err) {
    reply({ type: 'failed', message: (err as Error).message });
    port.close();
    return;
  }
  // Jobs come one at a time (the pool waits for each reply), so no two overlap here.
  port.on('message', (m: TagJob) => {
    void (async () => {
      try {
        const results: PostResult[] = [];
        for await (const r of model.predictStream(m.records, { batchSize: m.batchSize, window: Math.max(1, m.records.length) })) results.push(r);
        reply({ type: 'done', job: m.job, results });
      } catch (err) {
        reply({ type: 'error', job: m.job, message: (err as Error).message });
      }
    })();
  });
  reply({ type: 'ready' });
}

void run();
