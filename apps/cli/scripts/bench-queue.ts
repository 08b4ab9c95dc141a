/**
 * Scale-out tagging throughput on BullMQ (issue 20 §4), in one run:
 *   1. in this process, `model.predict` at batch 32 over all posts, and once per job-sized chunk
 *      (what a worker does per job), for the baseline;
 *   2. for 1 and 2 `trimod worker` processes: posts/s from the moment the (paused) queue is
 *      resumed until every job is completed, with the workers already loaded;
 *   3. `trimod enqueue` and `trimod collect` times.
 * A private redis-server runs on a free port in a temp folder. Posts are Twitter-2017 test posts
 * (with captions when given), repeated to N, written to a temp file (never into the repository).
 *
 *   npx tsx apps/cli/scripts/bench-queue.ts --data ../shared/data/twitter2017/test.txt \
 *     --captions ../shared/data/twitter2017/captions.json [--posts 5000] [--job-size 64] [--workers 1,2] [--backend wasm]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { initBackend } from '@trimod/core';
import { readCaptions, readTwitterNer, TriMod } from '@trimod/trimod';
import { arg, bin, modelDir } from './script-args';
import { startRedisServer } from '../test/helpers/redis-server';


function run(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`trimod ${args[0]} exited ${code}:\n${err}`))));
  });
}

function startWorker(url: string, queue: string, backend: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'worker', '--redis', url, '--queue', queue, '--backend', backend, '--model', modelDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      log += d;
      if (log.includes('tagging queue')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}:\n${log}`)));
  });
}

async function main(): Promise<void> {
  const n = Number(arg('posts', '5000'));
  const jobSize = Number(arg('job-size', '64'));
  const backend = arg('backend', 'wasm');
  const workerCounts = arg('workers', '1,2').split(',').map(Number);
  const data = await readTwitterNer(arg('data'));
  const captionsFile = process.argv.includes('--captions') ? arg('captions') : null;
  const captions = captionsFile ? await readCaptions(captionsFile) : new Map<string, string>();
  const posts = Array.from({ length: n }, (_, i) => {
    const p = data[i % data.length];
    return { id: i + 1, text: p.tokens.join(' '), caption: (p.imageId && captions.get(p.imageId)) ?? null };
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'trimod-bench-queue-'));
  const input = path.join(dir, 'posts.jsonl');
  writeFileSync(input, posts.map((p) => JSON.stringify(p)).join('\n') + '\n');
  console.log(`${n} posts (Twitter-2017 test repeated${captionsFile ? ', with captions' : ''}), jobs of ${jobSize}, backend ${backend}`);

  // 1. In-process baseline (a warm-up call first, as a worker has had its first job).
  await initBackend(backend as 'wasm');
  const model = await TriMod.load(modelDir);
  await model.predict(posts.slice(0, 64));
  let t0 = performance.now();
  await model.predict(posts, { batchSize: 32 });
  const inProcess = (performance.now() - t0) / 1000;
  const jobs = Math.ceil(n / jobSize);
  const perJobCalls = async (when: string) => {
    const t = performance.now();
    for (let s = 0; s < n; s += jobSize) await model.predict(posts.slice(s, s + jobSize));
    const seconds = (performance.now() - t) / 1000;
    console.log(`in-process predict, one call per job (${jobs} calls), ${when}: ${seconds.toFixed(2)} s, ${(n / seconds).toFixed(0)} posts/s`);
  };
  console.log(`in-process predict, batch 32, all posts at once: ${inProcess.toFixed(2)} s, ${(n / inProcess).toFixed(0)} posts/s`);
  // Measured again after the workers ran: on a shared machine the load moves under us.
  await perJobCalls('before the workers');

  // 2./3. Through Redis.
  const redis = await startRedisServer();
  const children: ChildProcess[] = [];
  try {
    for (const w of workerCounts) {
      const name = `bench-${w}`;
      const queue = new Queue(name, { connection: { url: redis.url } });
      await queue.pause(); // the clock starts when every worker is loaded
      const enqueueS = await run(['enqueue', input, '--redis', redis.url, '--queue', name, '--job-size', String(jobSize)]);
      const workers = await Promise.all(Array.from({ length: w }, () => startWorker(redis.url, name, backend)));
      children.push(...workers);
      t0 = performance.now();
      await queue.resume();
      for (;;) {
        const c = await queue.getJobCounts('completed', 'failed');
        if (c.failed > 0) throw new Error(`${c.failed} jobs failed`);
        if (c.completed === jobs) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const seconds = (performance.now() - t0) / 1000;
      // Time inside the processor (BullMQ's processedOn -> finishedOn) against the wall clock:
      // what is left over is the queue's own cost (fetching, locking, storing results).
      const done = await queue.getCompleted(0, jobs);
      const inJobs = done.reduce((t, j) => t + ((j.finishedOn ?? 0) - (j.processedOn ?? 0)), 0) / 1000;
      const outFile = path.join(dir, `out-${w}.jsonl`);
      const collectS = await run(['collect', '--redis', redis.url, '--queue', name, '--out', outFile]);
      const bytesPerPost = statSync(outFile).size / n;
      for (const c of workers) c.kill('SIGTERM');
      await queue.close();
      // Worker time not spent inside a job: fetching, locking, storing results, and (with more
      // than one worker) waiting at the end for the last job.
      const overheadMs = ((w * seconds - inJobs) / jobs) * 1000;
      console.log(
        `${w} worker(s): ${seconds.toFixed(2)} s, ${(n / seconds).toFixed(0)} posts/s; ` +
          `inside jobs ${((inJobs / jobs) * 1000).toFixed(0)} ms per job, queue overhead ${overheadMs.toFixed(1)} ms per job` +
          `; enqueue ${enqueueS.toFixed(2)} s, collect ${collectS.toFixed(2)} s (each including CLI start-up); ${bytesPerPost.toFixed(0)} bytes of output per post`,
      );
    }
    await perJobCalls('after the workers');
  } finally {
    model.dispose();
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
