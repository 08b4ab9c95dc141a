/**
 * Splits Twitter-format files into k folds for cross-validation: the posts of all inputs are
 * pooled, shuffled with a seeded generator, and dealt round-robin into k parts; fold i trains on
 * the other k-1 parts and early-stops on part i. Posts are copied verbatim (the IMGID line and
 * every token line), so captions keyed by image id still apply.
 *
 *   npx tsx scripts/make-folds.ts --k 5 --seed 1 --out /tmp/folds train.txt valid.txt
 *   → /tmp/folds/fold-1/{train,dev}.txt … /tmp/folds/fold-5/{train,dev}.txt
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@trimod/core';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

/** Posts as text blocks (lines up to a blank line); blank lines between posts are dropped. */
export function readPostBlocks(text: string): string[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((block) => block.trim())
    .filter((block) => block.length > 0);
}

export function dealFolds(posts: string[], k: number, seed: number): string[][] {
  // Core's seeded generator, so the same --seed always deals the same folds.
  const order = new SeededRandom(seed).shuffle(posts.map((_, i) => i));
  const folds: string[][] = Array.from({ length: k }, () => []);
  order.forEach((postIndex, n) => folds[n % k].push(posts[postIndex]));
  return folds;
}

function main(): void {
  const args = process.argv.slice(2);
  const k = Number(arg(args, 'k', '5'));
  const seed = Number(arg(args, 'seed', '1'));
  const out = arg(args, 'out', '');
  if (!out || args.length === 0 || !Number.isInteger(k) || k < 2) {
    console.error('usage: make-folds.ts --k 5 --seed 1 --out DIR FILE...');
    process.exit(2);
  }
  const posts = args.flatMap((file) => readPostBlocks(readFileSync(file, 'utf8')));
  const folds = dealFolds(posts, k, seed);
  folds.forEach((_, i) => {
    const dir = join(out, `fold-${i + 1}`);
    mkdirSync(dir, { recursive: true });
    const train = folds.filter((__, j) => j !== i).flat();
    writeFileSync(join(dir, 'train.txt'), train.join('\n\n') + '\n');
    writeFileSync(join(dir, 'dev.txt'), folds[i].join('\n\n') + '\n');
    console.log(`fold-${i + 1}: train ${train.length} posts, dev ${folds[i].length}`);
  });
}

if (require.main === module) main();
