/**
 * Time and peak memory of tagging one very long post with the bundled default model (issue 21
 * case 2: a 200,000-character post took minutes and gigabytes). Each length runs in a fresh
 * child process, because a process's peak RSS only grows and the wasm heap never shrinks.
 * The post is Twitter-2017 test posts (tokens joined by spaces) repeated until it has the
 * requested number of characters.
 *
 *   npx tsx --tsconfig tsconfig.dev.json packages/trimod/scripts/bench-long-post.ts \
 *     --data ../shared/data/twitter2017/test.txt [--chars 2000,20000,200000] [--backend wasm]
 *
 * Prints one line per length: characters, tokens, wall and CPU seconds of predict() (CPU time
 * moves less with other jobs' load on a shared machine) and the child's peak RSS
 * (which holds the wasm heap's high-water mark). tf.profile is not used: it records every kernel
 * call, which itself costs memory and time on a 40,000-token post.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import { readTwitterNer, TriMod } from '../src';

interface Options {
  data: string;
  chars: number[];
  backend: string;
  child: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { data: '', chars: [2000, 20000, 200000], backend: 'wasm', child: false };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    if (argv[i] === '--data') o.data = value();
    else if (argv[i] === '--chars') o.chars = value().split(',').map(Number);
    else if (argv[i] === '--backend') o.backend = value();
    else if (argv[i] === '--child') o.child = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!o.data) throw new Error('--data <Twitter-2017 file> is required');
  if (o.chars.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--chars must be positive integers, got ${o.chars}`);
  return o;
}

async function longPost(data: string, chars: number): Promise<string> {
  const posts = (await readTwitterNer(data)).map((p) => p.tokens.join(' '));
  let text = '';
  for (let i = 0; text.length < chars; i = (i + 1) % posts.length) text += (text ? ' ' : '') + posts[i];
  // Cut at the last space before the limit so no token is split.
  const cut = text.lastIndexOf(' ', chars);
  return text.slice(0, cut > 0 ? cut : chars);
}

/** In the child: one predict() of one post, measured. */
async function measure(o: Options): Promise<void> {
  await initBackend(o.backend as 'wasm');
  const model = await TriMod.load(path.resolve(__dirname, '../model'));
  const text = await longPost(o.data, o.chars[0]);
  // Warm-up on a short post, so the first-call costs (kernel set-up) are not counted.
  await model.predict(['Kawhi Leonard wins the fan vote']);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const [out] = await model.predict([text]);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ chars: text.length, tokens: out.tokens.length, seconds, cpuSeconds, peakRssMB: Math.round(rssMB), tensorsLeft: tf.memory().numTensors }) + '\n');
  model.dispose();
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.child) return measure(o);
  console.log(`backend ${o.backend}: one post through TriMod.predict (default model)`);
  console.log('chars     tokens   seconds   CPU seconds   peak RSS MB');
  for (const chars of o.chars) {
    const args = [...process.execArgv, process.argv[1], '--child', '--data', o.data, '--chars', String(chars), '--backend', o.backend];
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop() as string) as { chars: number; tokens: number; seconds: number; cpuSeconds: number; peakRssMB: number };
    console.log(`${String(r.chars).padEnd(9)} ${String(r.tokens).padEnd(8)} ${r.seconds.toFixed(2).padStart(7)}   ${r.cpuSeconds.toFixed(2).padStart(11)}   ${String(r.peakRssMB).padStart(11)}`);
  }
}

main().catch((err: Error) => {
  console.error(process.env.BENCH_STACK ? err.stack : err.message);
  process.exit(1);
});
