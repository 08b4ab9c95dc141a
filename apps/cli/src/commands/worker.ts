import type { Command } from 'commander';
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { initBackend } from '@trimod/core';
import { loadCaptioner } from '@trimod/image-captioner';
import { TriMod } from '@trimod/trimod';
import { resolveModel } from '../default-model';
import type { JobData } from '../queue/jobs';
import { createProcessor, lazy, type JobResult } from '../queue/processor';
import { checkQueueArgs, connectionFor, openRedis } from '../queue/redis';
import { backendOption, modelOption, nonNegativeInt, positiveInt } from '../options';
import { status } from '../progress';

interface WorkerOptions {
  redis?: string;
  queue?: string;
  concurrency: string;
  model?: string;
  backend: string;
  lockDuration: string;
  stalledInterval: string;
  maxStalled: string;
  name?: string;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('tag the jobs of a queue (from trimod enqueue) until stopped; run one per machine or core against the same Redis')
    .option('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--queue <name>', 'queue name')
    .option('--concurrency <n>', 'jobs this process works on at once', '1')
    .option('--model <dir>', 'model folder (default: the bundled model)')
    .option('--backend <name>', 'webgpu, wasm, cpu or auto', 'auto')
    .option('--lock-duration <ms>', 'a job whose worker has not renewed its lock for this long counts as stalled and goes to another worker', '10000')
    .option('--stalled-interval <ms>', 'how often this worker looks for stalled jobs', '5000')
    .option('--max-stalled <n>', 'times a job may stall (its worker died) before it counts as failed', '1')
    .option('--name <name>', 'this worker\'s name, recorded on the jobs it takes (default: host:pid)')
    .action(async (opts: WorkerOptions) => {
      const { url, queue: name } = checkQueueArgs(opts.redis, opts.queue);
      const concurrency = positiveInt('--concurrency', opts.concurrency);
      const lockDuration = positiveInt('--lock-duration', opts.lockDuration);
      const stalledInterval = positiveInt('--stalled-interval', opts.stalledInterval);
      const maxStalledCount = nonNegativeInt('--max-stalled', opts.maxStalled);
      const backendChoice = backendOption(opts.backend);
      const modelDir = resolveModel(modelOption(opts.model));
      (await openRedis(url)).disconnect(); // a wrong URL is said now, not retried for ever
      const backend = await initBackend(backendChoice);
      const model = await TriMod.load(modelDir);
      // The captioner is big: loaded on the first job with an image, once per process.
      const captioner = lazy(() => loadCaptioner());
      const processor = createProcessor(model, captioner.get);
      const workerName = opts.name ?? `${hostname()}:${process.pid}`;
      const worker = new Worker<JobData, JobResult>(name, (job) => processor(job.data), {
        connection: connectionFor(url),
        concurrency,
        lockDuration,
        stalledInterval,
        maxStalledCount,
        name: workerName,
      });
      worker.on('failed', (job, err) => status(`worker ${workerName}: job ${job?.id} attempt ${job?.attemptsMade} failed: ${err.message}`));
      worker.on('stalled', (id) => status(`worker ${workerName}: job ${id} had stalled (its worker stopped) and is queued again`));
      worker.on('error', (err) => status(`worker ${workerName}: ${err.message}`));
      await worker.waitUntilReady();
      status(`worker ${workerName}: tagging queue ${name} on ${url} (backend ${backend.backend}, concurrency ${concurrency})`);
      // SIGTERM / SIGINT: finish the jobs in hand, then leave; a killed worker's jobs stall and
      // are taken over by another worker after --lock-duration.
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      status(`worker ${workerName}: stopping after the jobs in hand (signal again to stop at once)`);
      // Closing waits on Redis; if Redis is gone it would wait for ever, so a second signal ends
      // the process (its jobs then stall and are taken over like a killed worker's).
      const again = () => {
        status(`worker ${workerName}: stopped without finishing the jobs in hand`);
        process.exit(1);
      };
      process.once('SIGTERM', again);
      process.once('SIGINT', again);
      await worker.close();
      model.dispose();
      (await captioner.loaded())?.dispose();
    });
}
