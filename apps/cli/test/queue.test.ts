import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Job, Queue } from 'bullmq';
import { initBackend } from '@trimod/core';
import { labelsOf, parseTwitterNer, TriMod, type Post } from '@trimod/trimod';
import { startRedisServer, type RedisServer } from './helpers/redis-server';
import { tinyTagger } from './helpers/tiny-tagger';

// Scale-out tagging as a user runs it: a real redis-server, `trimod enqueue`, two `trimod worker`
// processes (one killed with SIGKILL while it holds a job) and `trimod collect`, checked against
// the same model's in-process predict.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-queue-'));
const modelDir = path.join(dir, 'model');
const inputFile = path.join(dir, 'posts.jsonl');
const QUEUE = 'tag-test';
const JOB_SIZE = 20;
const N = 2000;

let redis: RedisServer;
let queue: Queue;
const children: ChildProcess[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end (bounded), resolving with its exit code and output. */
function trimod(args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a worker and resolves once it says it is taking jobs. */
function startWorker(name: string): Promise<{ child: ChildProcess; log: () => string }> {
  const child = spawn(
    process.execPath,
    // A short lock so a killed worker's job is taken over within seconds; a stall more than a
    // busy machine's event-loop hiccup would cause before a job fails.
    [bin, 'worker', '--redis', redis.url, '--queue', QUEUE, '--model', modelDir, '--backend', 'wasm', '--name', name, '--lock-duration', '3000', '--stalled-interval', '1000', '--max-stalled', '2'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      log += d;
      if (log.includes('tagging queue')) resolve({ child, log: () => log });
    });
    child.on('exit', (code) => reject(new Error(`worker ${name} exited (${code}) before it started:\n${log}`)));
  });
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The fixture: short posts from a small vocabulary, some with captions, a few special records. */
const NAMES = ['Kawhi Leonard', 'Barack Obama', 'Serena Williams', 'Lionel Messi', 'Taylor Swift', 'Toronto', 'Paris', 'NBA', 'Google', 'the Raptors'];
const WORDS = ['wins', 'visits', 'meets', 'in', 'at', 'today', 'with', 'fans', 'the', 'great', 'game', 'new', 'show', '!', '#NBAFinals', '#love', '@user', 'http://t.co/x'];
function fixture(): Array<Record<string, unknown>> {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const records: Array<Record<string, unknown>> = [];
  for (let i = 0; i < N; i++) {
    const words = Array.from({ length: 3 + Math.floor(rand() * 8) }, () => (rand() < 0.3 ? pick(NAMES) : pick(WORDS)));
    const r: Record<string, unknown> = { id: `p${i}`, text: words.join(' ') };
    if (rand() < 0.3) r.caption = `a photo of ${pick(NAMES)} with ${pick(WORDS)}`;
    records.push(r);
  }
  delete records[7].id; // its id becomes its line number, 8
  records[11] = { id: 'no-text', caption: 'a caption alone' };
  records[1234] = { id: 'poison', text: 'Photo of Paris', image: 'missing.jpg' }; // relative to the file
  return records;
}
const records = fixture();
const POISON_JOB = Math.floor(1234 / JOB_SIZE);

beforeAll(async () => {
  redis = await startRedisServer();
  queue = new Queue(QUEUE, { connection: { url: redis.url } });
  writeFileSync(inputFile, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await initBackend('wasm');
  const DATA = 'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\n#\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\nshow\tB-MISC\n';
  const posts = parseTwitterNer(DATA, 'tiny.txt');
  const tokens = [...posts.map((p) => p.tokens), ...records.map((r) => String(r.text ?? '').split(' '))];
  // captionMatchDim makes it a model that reads captions, so the image path is taken.
  const model = tinyTagger(tokens, labelsOf(posts), { captionMatchDim: 2, seed: 1 });
  expect(model.readsCaptions).toBe(true);
  await model.save(modelDir);
  model.dispose();
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await queue?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const enqueueArgs = ['enqueue', inputFile, '--queue', QUEUE, '--job-size', String(JOB_SIZE), '--backoff', '200'];

describe('trimod enqueue / worker / collect', () => {
  const jobs = Math.ceil(N / JOB_SIZE);
  let killedJobs: string[] = [];
  let following: Promise<Run>;
  const followFile = path.join(dir, 'follow.jsonl');

  it('enqueue twice gives each job once', async () => {
    const first = await trimod([...enqueueArgs, '--redis', redis.url]);
    expect(first.stderr).toContain(`${N} records in ${jobs} jobs of up to ${JOB_SIZE}; ${jobs} added, 0 already there`);
    const second = await trimod([...enqueueArgs, '--redis', redis.url]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`${jobs} jobs of up to ${JOB_SIZE}; 0 added, ${jobs} already there`);
    const counts = await queue.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(jobs);
    expect(counts.waiting).toBe(jobs);
  });

  it('refuses another input on the same queue, names a bad line, says when Redis is unreachable', async () => {
    const other = path.join(dir, 'other.jsonl');
    writeFileSync(other, '{"text":"something else"}\n');
    const r = await trimod(['enqueue', other, '--redis', redis.url, '--queue', QUEUE]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/already holds another input \(2000 records/);
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text":"fine"}\n\n{"text": oops}\n');
    expect((await trimod(['enqueue', bad, '--redis', redis.url, '--queue', 'q2'])).stderr).toMatch(/bad\.jsonl:3: not JSON/);
    const closed = await trimod(['enqueue', inputFile, '--redis', 'redis://127.0.0.1:1', '--queue', 'q3']);
    expect(closed.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect((await trimod(['collect', '--redis', redis.url, '--queue', 'q4', '--out', path.join(dir, 'x.jsonl')])).stderr).toMatch(/queue q4 holds no finished trimod enqueue/);
    expect((await trimod(['worker', '--redis', redis.url, '--queue', 'q5', '--lock-duration', 'soon'])).stderr).toMatch(/--lock-duration must be a positive integer, got "soon"/);
  });

  it('two workers, one killed with SIGKILL while holding a job: its job is taken over and completed', async () => {
    // Paused until both are up, so that both get work.
    await queue.pause();
    // collect --follow started before any job is done: it waits, writing nothing yet.
    following = trimod(['collect', '--redis', redis.url, '--queue', QUEUE, '--out', followFile, '--follow', '--timeout', '80'], 90_000);
    await until('collect --follow to open its file', async () => existsSync(followFile));
    const [a, b] = await Promise.all([startWorker('wA'), startWorker('wB')]);
    expect(readFileSync(followFile, 'utf8')).toBe('');
    await queue.resume();
    await until('a few completed jobs', async () => (await queue.getJobCounts('completed')).completed >= 3);
    // Freeze A, look at what it holds, and kill it only while it holds a job (else let it go on).
    killedJobs = await until('worker A holding a job', async () => {
      a.child.kill('SIGSTOP');
      const held = (await queue.getActive()).filter((j) => j.processedBy === 'wA').map((j) => j.id as string);
      if (held.length > 0) {
        a.child.kill('SIGKILL');
        return held;
      }
      a.child.kill('SIGCONT');
      return null;
    });
    await until('every job finished', async () => {
      const c = await queue.getJobCounts('completed', 'failed');
      return c.completed + c.failed === jobs;
    });
    for (const id of killedJobs) {
      const job = (await Job.fromId(queue, id))!;
      expect(await job.getState()).toBe('completed');
      expect(job.processedBy).toBe('wB');
      expect(job.attemptsStarted).toBeGreaterThanOrEqual(2);
    }
    expect(b.log()).toMatch(/had stalled/);
    const failed = await queue.getFailed();
    expect(failed.map((j) => j.data.index)).toEqual([POISON_JOB]);
    expect(failed[0].attemptsMade).toBe(3);
    expect(failed[0].failedReason).toMatch(/record "poison": cannot read image .*missing\.jpg/);
  });

  it('a job whose data is malformed fails at once with the reason', async () => {
    await queue.add('tag', { records: 'not a list' }, { jobId: 'by-hand', attempts: 3 });
    const job = await until('the malformed job to fail', async () => {
      const j = await Job.fromId(queue, 'by-hand');
      return j?.finishedOn ? j : null;
    }, 20_000);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/job data is malformed: "index" must be a whole number/);
  });

  it('collect writes each record once, in input order, equal to in-process predict, and names the failed job', async () => {
    const out = path.join(dir, 'out.jsonl');
    const r = await trimod(['collect', '--redis', redis.url, '--queue', QUEUE, '--out', out, '--timeout', '30']);
    expect(r.code).toBe(1);
    const poisonJobId = (await queue.getFailed()).find((j) => j.data.index === POISON_JOB)!.id!;
    expect(r.stderr).toContain(`1 of ${jobs} jobs failed`);
    expect(r.stderr).toContain('1 record(s) could not be tagged'); // the one without text
    expect(r.stderr).toContain(`${poisonJobId} (job ${POISON_JOB + 1}, 3 attempt(s)): record "poison": cannot read image`);
    expect(r.stderr).not.toContain('by-hand'); // not part of this input

    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(records.map((rec, i) => rec.id ?? i + 1));

    const model = await TriMod.load(modelDir);
    try {
      for (let j = 0; j < jobs; j++) {
        const chunk = records.slice(j * JOB_SIZE, (j + 1) * JOB_SIZE);
        const got = lines.slice(j * JOB_SIZE, (j + 1) * JOB_SIZE);
        if (j === POISON_JOB) {
          for (const l of got) expect(l.error).toMatch(new RegExp(`^job ${poisonJobId} failed after 3 attempt\\(s\\): record "poison": cannot read image`));
          continue;
        }
        // The worker tags a job's taggable records with one predict call; so does this.
        const taggable = chunk.map((rec, k) => ({ rec, k })).filter(({ rec }) => typeof rec.text === 'string');
        const expected = await model.predict(taggable.map(({ rec }) => ({ text: rec.text, caption: rec.caption ?? null }) as Post));
        for (const [t, { rec, k }] of taggable.entries()) {
          expect(got[k]).toEqual({ id: rec.id ?? j * JOB_SIZE + k + 1, text: rec.text, entities: expected[t].entities });
        }
      }
    } finally {
      model.dispose();
    }
    // --follow wrote the same file, job by job, as the jobs got done.
    const followed = await following;
    expect(followed.code).toBe(1);
    expect(readFileSync(followFile, 'utf8')).toBe(readFileSync(out, 'utf8'));
    expect(lines[11]).toEqual({ id: 'no-text', text: null, error: 'the record has no "text" string (got none)' });
    expect(lines.filter((l) => Array.isArray(l.entities) && l.entities.length > 0).length).toBeGreaterThan(0);
  });
});
