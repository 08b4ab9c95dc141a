/**
 * Bulk tagging throughput, side by side in one run (issue 20's benchmark):
 *   1. `trimod tag` on N posts (a child process, as a user runs it): posts/s and peak RSS;
 *   2. the library's `model.predict` at batch 32 over the same posts, in this process;
 *   3. one `trimod predict` process per post (a few posts, extrapolated).
 * Posts are Twitter-2017 test posts with their captions, repeated to N, written to a temp file
 * (never into the repository).
 *
 *   npx tsx apps/cli/scripts/bench-tag.ts --data ../shared/data/twitter2017/test.txt \
 *     --captions ../shared/data/twitter2017/captions.json --posts 10000 [--per-post 5] [--backend wasm]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { readCaptions, readTwitterNer, TriMod } from '@trimod/trimod';
import { arg, bin, modelDir } from './script-args';


/** Runs a command, sampling its resident memory from /proc every 50 ms; resolves with seconds and peak MB. */
function timed(args: string[]): Promise<{ seconds: number; peakMb: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    let peak = 0;
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        /* the process has just exited */
      }
    }, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ seconds: (performance.now() - t0) / 1000, peakMb: peak, code });
    });
  });
}

async function main(): Promise<void> {
  const n = Number(arg('posts', '10000'));
  const perPost = Number(arg('per-post', '5'));
  const backend = arg('backend', 'wasm');
  const data = await readTwitterNer(arg('data'));
  const captions = await readCaptions(arg('captions'));
  const posts = Array.from({ length: n }, (_, i) => {
    const p = data[i % data.length];
    return { id: i, text: p.tokens.join(' '), caption: captions.get(p.id) ?? null };
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-tag-'));
  const input = path.join(dir, 'posts.jsonl');
  writeFileSync(input, posts.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const rows: string[] = [];

  const tag = await timed([bin, 'tag', input, '--out', path.join(dir, 'out.jsonl'), '--backend', backend, '--quiet']);
  if (tag.code !== 0) throw new Error(`trimod tag exited ${tag.code}`);
  rows.push(`| trimod tag (one process, batch 32, incl. ~1 s start-up) | ${n} | ${(n / tag.seconds).toFixed(0)} | ${tag.seconds.toFixed(1)} s | ${tag.peakMb.toFixed(0)} MB |`);

  await initBackend(backend as 'wasm');
  const model = await TriMod.load(modelDir);
  await model.predict(posts.slice(0, 64));
  const t0 = performance.now();
  for (let s = 0; s < n; s += 1000) await model.predict(posts.slice(s, s + 1000), { batchSize: 32 });
  const lib = (performance.now() - t0) / 1000;
  rows.push(`| library model.predict, batch 32 (model loaded) | ${n} | ${(n / lib).toFixed(0)} | ${lib.toFixed(1)} s | |`);
  model.dispose();

  const t1 = performance.now();
  for (let i = 0; i < perPost; i++) {
    const r = spawnSync(process.execPath, [bin, 'predict', '--json', '--backend', backend, '--caption', posts[i].caption ?? '', posts[i].text], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
  const each = (performance.now() - t1) / 1000 / perPost;
  rows.push(`| one trimod predict process per post | ${perPost} | ${(1 / each).toFixed(2)} | ${each.toFixed(2)} s per post | |`);

  console.log(`backend ${backend}, ${n} Twitter-2017 test posts (repeated) with captions`);
  console.log('| path | posts | posts/s | time | peak RSS |\n|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
