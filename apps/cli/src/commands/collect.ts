import type { Command } from 'commander';
import { Queue } from 'bullmq';
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { collectResults } from '../queue/collector';
import type { JobData } from '../queue/jobs';
import { readManifest } from '../queue/manifest';
import type { JobResult } from '../queue/processor';
import { checkQueueArgs, connectionFor, openRedis } from '../queue/redis';
import { nonNegativeInt } from '../options';
import { ProgressBar, status } from '../progress';

interface CollectOptions {
  redis?: string;
  queue?: string;
  out?: string;
  follow?: boolean;
  timeout: string;
}

export function register(program: Command): void {
  program
    .command('collect')
    .description('write the results of an enqueued file as JSONL in input order, one line per record, once every job is done')
    .option('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--queue <name>', 'queue name')
    .option('--out <file>', 'output JSONL file')
    .option('--follow', 'write each job\'s lines as soon as it and all before it are done (instead of the whole file at the end)')
    .option('--timeout <s>', 'give up after this many seconds (0: wait as long as it takes)', '0')
    .action(async (opts: CollectOptions) => {
      const { url, queue: name } = checkQueueArgs(opts.redis, opts.queue);
      if (!opts.out) throw new Error('--out FILE is required');
      const timeout = nonNegativeInt('--timeout', opts.timeout);
      const redis = await openRedis(url);
      const manifest = await readManifest(redis, name).finally(() => redis.disconnect());
      if (!manifest) throw new Error(`queue ${name} holds no finished trimod enqueue (run trimod enqueue FILE --queue ${name} first)`);
      // Without --follow the file appears whole or not at all (written aside, then renamed).
      const target = opts.follow ? opts.out : `${opts.out}.${process.pid}.tmp`;
      const out = createWriteStream(target);
      await new Promise<void>((resolve, reject) => {
        out.once('open', () => resolve());
        out.once('error', (err) => reject(new Error(`cannot write ${target}: ${err.message}`)));
      });
      const queue = new Queue<JobData, JobResult>(name, { connection: connectionFor(url) });
      const bar = new ProgressBar('collect');
      try {
        const { failed, recordErrors } = await collectResults(queue, manifest, (lines) => writeAll(out, lines), {
          timeoutMs: timeout * 1000,
          onJob: (done, total) => bar.update(done, total),
        });
        await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
        if (!opts.follow) renameSync(target, opts.out);
        bar.done(`wrote ${manifest.records} lines to ${opts.out} (${manifest.jobs.length} jobs)`);
        if (recordErrors > 0) status(`${recordErrors} record(s) could not be tagged: their lines have "error" instead of "entities"`);
        if (failed.length > 0) {
          const list = failed.map((f) => `  ${f.id} (job ${f.index + 1}, ${f.attempts} attempt(s)): ${f.error}`).join('\n');
          throw new Error(`${failed.length} of ${manifest.jobs.length} jobs failed; their records have error lines in ${opts.out}:\n${list}`);
        }
        status(`all ${manifest.jobs.length} jobs done`);
      } finally {
        if (!out.closed) out.destroy();
        if (!opts.follow) rmSync(target, { force: true });
        await queue.close();
      }
    });
}

function writeAll(out: WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(text)) resolve();
    else out.once('drain', resolve).once('error', reject);
  });
}
