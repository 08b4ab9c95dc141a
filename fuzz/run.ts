/**
 * `npm run fuzz`: runs every fuzz target with many generated inputs (default 10,000 per
 * property) and prints what ran. Options: --runs N, --seed S (default: a new one, printed, so a
 * failure can be replayed), --only TEXT (properties whose name contains TEXT).
 * The same properties run in CI with a few hundred seeded inputs (each package's test/fuzz.test.ts).
 */
import { tokenizerProperties } from '../packages/core/fuzz/tokenizer.fuzz';
import { dataReaderProperties } from '../packages/trimod/fuzz/data-reader.fuzz';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const runs = Number(option('runs', '10000'));
const seed = Number(option('seed', String(Date.now() % 2 ** 31)));
const only = option('only', '');
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${option('runs', '')}`);
if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got ${option('seed', '')}`);

const targets = [
  { target: 'tokenizer (@trimod/core)', properties: tokenizerProperties },
  { target: 'data reader (@trimod/trimod)', properties: dataReaderProperties },
];

let failed = 0;
console.log(`fuzz: ${runs} inputs per property, seed ${seed}`);
for (const { target, properties } of targets) {
  for (const p of properties) {
    if (only && !p.name.includes(only)) continue;
    const t0 = performance.now();
    try {
      p.run({ numRuns: runs, seed });
      console.log(`ok    ${target}: ${p.name} (${runs} inputs, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed++;
      console.log(`FAIL  ${target}: ${p.name}\n${(err as Error).message}`);
    }
  }
}
if (failed) {
  console.log(`${failed} propert${failed === 1 ? 'y' : 'ies'} failed; replay with --seed ${seed}`);
  process.exit(1);
}
