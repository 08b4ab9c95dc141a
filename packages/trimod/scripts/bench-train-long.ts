/**
 * Memory and time of one training step (loss + gradients) with the bundled default model's
 * architecture on a batch of 32 Twitter-2017 posts, one of which is replaced by a post of N
 * tokens: the measurement behind the trainer's limit on post length (DEFAULT_MAX_TRAIN_TOKENS).
 * Each N runs in a fresh child process, since the wasm heap only grows.
 *
 *   npx tsx --tsconfig tsconfig.dev.json packages/trimod/scripts/bench-train-long.ts \
 *     --data ../shared/data/twitter2017/train.txt [--tokens 250,500,1000,2000]
 *
 * Prints per N: seconds of the step, the wasm heap's size after it (its high-water mark; the
 * heap cannot pass 4 GiB) and the child's peak RSS, or the error the step died with.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import { readTwitterNer, tagIndices, toBatch, TriMod } from '../src';

function arg(argv: string[], flag: string, fallback?: string): string {
  const i = argv.indexOf(flag);
  if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1];
  if (fallback === undefined) throw new Error(`${flag} is required`);
  return fallback;
}

/** Bytes of the wasm backend's heap (how far it has grown), or 0 on another backend. */
function wasmHeapBytes(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.length ?? 0;
}

async function child(data: string, tokens: number): Promise<void> {
  await initBackend('wasm');
  const model = await TriMod.load(path.resolve(__dirname, '../model'));
  const posts = (await readTwitterNer(data)).slice(0, 32);
  // The long post: training posts' tokens and tags one after another, to `tokens` tokens.
  const long = { ...posts[0], tokens: [] as string[], tags: [] as string[] };
  for (let i = 0; long.tokens.length < tokens; i = (i + 1) % posts.length) {
    long.tokens.push(...posts[i].tokens);
    long.tags.push(...posts[i].tags.map((t, k) => (k === 0 && t.startsWith('I-') ? `B-${t.slice(2)}` : t)));
  }
  long.tokens.length = tokens;
  long.tags.length = tokens;
  if (long.tags[0].startsWith('I-')) long.tags[0] = `B-${long.tags[0].slice(2)}`;
  const batchPosts = [long, ...posts.slice(1)];
  const batch = toBatch(batchPosts);
  const tags = tagIndices(batchPosts, model.labels);
  const t0 = performance.now();
  let error: string | null = null;
  try {
    const { value, grads } = tf.variableGrads(() => model.loss(batch, tags), model.trainableVariables());
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  } catch (err) {
    error = (err as Error).message;
  }
  const seconds = (performance.now() - t0) / 1000;
  const out = { tokens, seconds, heapMB: Math.round(wasmHeapBytes() / 2 ** 20), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), error };
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const data = arg(argv, '--data');
  if (argv.includes('--child')) return child(data, Number(arg(argv, '--tokens')));
  const lengths = arg(argv, '--tokens', '250,500,1000,2000').split(',').map(Number);
  console.log('one training step, batch 32 with one post of N tokens, default model architecture, wasm');
  console.log('N tokens   seconds   wasm heap MB   peak RSS MB');
  for (const tokens of lengths) {
    const args = [...process.execArgv, process.argv[1], '--child', '--data', data, '--tokens', String(tokens)];
    let line: string;
    try {
      const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
      const r = JSON.parse(out.trim().split('\n').pop() as string) as { seconds: number; heapMB: number; peakRssMB: number; error: string | null };
      line = `${r.seconds.toFixed(2).padStart(7)}   ${String(r.heapMB).padStart(12)}   ${String(r.peakRssMB).padStart(11)}${r.error ? `   failed: ${r.error}` : ''}`;
    } catch (err) {
      line = `   child died: ${((err as { stderr?: string }).stderr ?? String(err)).trim().split('\n').slice(-1)[0]}`;
    }
    console.log(`${String(tokens).padEnd(10)} ${line}`);
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
