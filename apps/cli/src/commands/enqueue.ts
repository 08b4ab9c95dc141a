import type { Command } from 'commander';
import { Queue } from 'bullmq';
import { enqueueJobs } from '../queue/enqueue';
import { DEFAULT_JOB_SIZE, planJobs, readRecords, type JobData } from '../queue/jobs';
import { manifestFor } from '../queue/manifest';
import { checkQueueArgs, connectionFor, openRedis } from '../queue/redis';
import { existingFile, nonNegativeInt, positiveInt } from '../options';
import { status } from '../progress';

interface EnqueueOptions {
  redis?: string;
  queue?: string;
  jobSize: string;
  attempts: string;
  backoff: string;
}

export function register(program: Command): void {
  program
    .command('enqueue')
    .description('split a JSONL file of posts into tagging jobs on a BullMQ queue in Redis (for trimod worker / collect)')
    .argument('<file>', 'JSONL, one post a line: {"id", "text", "caption"?, "image"?}')
    .option('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--queue <name>', 'queue name')
    .option('--job-size <n>', 'posts per job', String(DEFAULT_JOB_SIZE))
    .option('--attempts <n>', 'tries per job before it counts as failed', '3')
    .option('--backoff <ms>', 'delay before the first retry; doubles with each further one', '1000')
    .action(async (file: string, opts: EnqueueOptions) => {
      const { url, queue: name } = checkQueueArgs(opts.redis, opts.queue);
      const jobSize = positiveInt('--job-size', opts.jobSize);
      const retry = { attempts: positiveInt('--attempts', opts.attempts), backoffMs: nonNegativeInt('--backoff', opts.backoff) };
      const records = await readRecords(existingFile('<file>', file));
      if (records.length === 0) throw new Error(`${file} holds no records`);
      const jobs = planJobs(name, records, jobSize);
      const redis = await openRedis(url);
      const queue = new Queue<JobData>(name, { connection: connectionFor(url) });
      try {
        const s = await enqueueJobs(queue, redis, manifestFor(file, jobs, jobSize), jobs, retry);
        status(`queue ${name}: ${s.records} records in ${s.jobs} jobs of up to ${jobSize}; ${s.added} added, ${s.alreadyQueued} already there`);
      } finally {
        await queue.close();
        redis.disconnect();
      }
    });
}
