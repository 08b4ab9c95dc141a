/**
 * `trimod serve` under load (issue 20's benchmark, not a test): starts the server with the
 * bundled default model on wasm, once with micro-batching (--max-batch 32) and once without
 * (--max-batch 1), and measures throughput and p50 / p99 latency with autocannon at 1, 16 and 64
 * concurrent connections on loopback. Posts are the tokens of a Twitter-format file joined per
 * post, read at run time (nothing is copied into the repository).
 *
 *   npx tsx apps/cli/scripts/bench-serve.ts ../shared/data/twitter2017/test.txt [--duration 15] [--backend wasm]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import autocannon from 'autocannon';

const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** Post texts from a Twitter-NER file: "token<TAB>tag" lines, posts split by blank lines, IMGID lines skipped. */
function readPosts(file: string): string[] {
  const posts: string[] = [];
  let tokens: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') {
      if (tokens.length > 0) posts.push(tokens.join(' '));
      tokens = [];
    } else if (!line.startsWith('IMGID:')) {
      tokens.push(line.split('\t')[0]);
    }
  }
  if (tokens.length > 0) posts.push(tokens.join(' '));
  return posts;
}

function startServer(args: string[]): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.once('exit', (code) => reject(new Error(`trimod serve exited (${code}): ${err}`)));
  });
}

function get(port: number, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: url }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** Micro-batches so far: [count, posts] from the server's batch-size histogram. */
async function batches(port: number): Promise<[number, number]> {
  const text = await get(port, '/metrics');
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return [read('trimod_batch_size_count'), read('trimod_batch_size_sum')];
}

interface Row {
  batching: string;
  connections: number;
  postsPerSecond: number;
  p50: number;
  p99: number;
  meanBatch: number;
  /** Requests that failed or got no 2xx answer (timeouts included). */
  errors: number;
  /** Of those, requests autocannon gave up on after its 10 s timeout. */
  timeouts: number;
}

async function load(port: number, posts: string[], connections: number, duration: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/v1/entities',
        headers: { 'content-type': 'application/json' },
        // Each request a different post, in file order, cycling.
        setupRequest: (req: Record<string, unknown>) => ({ ...req, body: JSON.stringify({ text: posts[next++ % posts.length] }) }),
      },
    ],
  });
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file || file.startsWith('--')) throw new Error('usage: bench-serve.ts POSTS.txt [--duration S] [--backend wasm]');
  const posts = readPosts(file);
  const duration = Number(option('duration', '15'));
  const backend = option('backend', 'wasm');
  process.stderr.write(`${posts.length} posts from ${file}; ${duration} s per run; backend ${backend}\n`);
  const rows: Row[] = [];
  // Both servers run side by side and the runs alternate between them, so that a change in the
  // machine's load (it is shared) does not fall on one configuration only.
  const servers = await Promise.all([32, 1].map(async (maxBatch) => ({ maxBatch, ...(await startServer(['--backend', backend, '--max-batch', String(maxBatch)])) })));
  try {
    for (const { port } of servers) await load(port, posts, 16, 3); // warm-up: JIT, wasm kernels, allocator
    for (const connections of [1, 16, 64]) {
      for (const { maxBatch, port } of servers) {
        const [c0, s0] = await batches(port);
        const r = await load(port, posts, connections, duration);
        const [c1, s1] = await batches(port);
        const row: Row = {
          batching: maxBatch === 1 ? 'off (--max-batch 1)' : `on (--max-batch ${maxBatch})`,
          connections,
          postsPerSecond: r['2xx'] / (r.duration || duration),
          p50: r.latency.p50,
          p99: r.latency.p99,
          meanBatch: (s1 - s0) / (c1 - c0),
          errors: r.errors + r.non2xx,
          timeouts: r.timeouts,
        };
        rows.push(row);
        process.stderr.write(`${JSON.stringify(row)}\n`);
      }
    }
  } finally {
    for (const { child } of servers) child.kill('SIGTERM');
    await Promise.all(servers.map(({ child }) => new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)))));
  }
  rows.sort((a, b) => (a.batching === b.batching ? a.connections - b.connections : a.batching < b.batching ? 1 : -1));
  const lines = [
    '| micro-batching | connections | posts/s | p50 ms | p99 ms | mean batch | errors (timeouts) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.batching} | ${r.connections} | ${r.postsPerSecond.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.meanBatch.toFixed(1)} | ${r.errors} (${r.timeouts}) |`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench-serve: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
