/**
 * Mean ± standard deviation of finished runs, grouped: a run folder named `<group>-s<seed>` or
 * `cv<fold>-<group>` belongs to `<group>` (or `cv-<group>`). TriMod.js runs hold `dev.json` and
 * `test.json` (`trimod eval --json`); PyTorch reference runs (`ref…`) hold `result.json`
 * (trimod_ref.py --out). Prints a Markdown table: dev F1, test F1, test F1 per type.
 *
 *   npx tsx scripts/summarise-runs.ts RUNS_DIR
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Scores {
  dev: number;
  test: number;
  perType: Record<string, number>;
}

export function groupOf(run: string): string {
  const cv = /^cv\d+-(.+)$/.exec(run);
  if (cv) return `cv-${cv[1]}`;
  if (/^ref-cv\d+$/.test(run)) return 'cv-ref';
  return run.replace(/-s\d+$/, '');
}

export function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  // Sample standard deviation (n - 1): with 3 seeds the population formula understates the spread.
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
}

function readScores(dir: string): Scores | null {
  const json = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
  if (existsSync(join(dir, 'test.json')) && existsSync(join(dir, 'dev.json'))) {
    const test = json('test.json');
    const perType = Object.fromEntries(Object.entries(test.perType as Record<string, { f1: number }>).map(([k, v]) => [k, 100 * v.f1]));
    return { dev: 100 * json('dev.json').f1, test: 100 * test.f1, perType };
  }
  if (existsSync(join(dir, 'result.json'))) {
    const r = json('result.json');
    const perType = Object.fromEntries(Object.entries(r.test as Record<string, { f1: number }>).filter(([k]) => k !== 'ALL').map(([k, v]) => [k === 'OTHER' ? 'MISC' : k, v.f1]));
    return { dev: r.dev.ALL.f1, test: r.test.ALL.f1, perType };
  }
  return null;
}

const fmt = ({ mean, std }: { mean: number; std: number }) => `${mean.toFixed(2)} ± ${std.toFixed(2)}`;

function main(): void {
  const root = process.argv[2];
  if (!root) {
    console.error('usage: summarise-runs.ts RUNS_DIR');
    process.exit(2);
  }
  const groups = new Map<string, { run: string; scores: Scores }[]>();
  for (const run of readdirSync(root).sort()) {
    if (!existsSync(join(root, run, 'done'))) continue;
    const scores = readScores(join(root, run));
    if (!scores) continue;
    const g = groupOf(run);
    groups.set(g, [...(groups.get(g) ?? []), { run, scores }]);
  }
  console.log('| runs | n | dev F1 | test F1 | test PER / LOC / ORG / MISC |');
  console.log('|---|---:|---:|---:|---|');
  for (const [g, runs] of groups) {
    const types = ['PER', 'LOC', 'ORG', 'MISC'].map((t) => meanStd(runs.map((r) => r.scores.perType[t] ?? NaN)).mean.toFixed(2)).join(' / ');
    console.log(`| ${g} (${runs.map((r) => r.run).join(', ')}) | ${runs.length} | ${fmt(meanStd(runs.map((r) => r.scores.dev)))} | ${fmt(meanStd(runs.map((r) => r.scores.test)))} | ${types} |`);
  }
}

if (require.main === module) main();
