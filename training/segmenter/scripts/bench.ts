/**
 * Throughput of batched segmentation with the shipped (or a given) model.
 *
 *   npm run bench -- [--backend wasm|cpu] [--count 20000] [--batch 5000] [--model model] [--file set.tsv]
 *
 * Hashtags are synthetic (the training generator with another seed), so the bench needs no
 * data files; they are longer than real ones (mean ~17 characters against ~8.5 in STAN), so
 * the figure is conservative. --file takes the hashtags of a STAN/BOUN file instead (repeated
 * up to --count). Besides wall-clock throughput the bench reports throughput per CPU-second of
 * this process, which stays meaningful when other processes share the machine's cores.
 */
import * as path from 'node:path';
import { initBackend, SeededRandom } from '@trimod/core';
import { loadSegmenter } from '../../../packages/hashtag-segmenter/src/load';
import type { DecodeMode } from '../../../packages/hashtag-segmenter/src/segmenter';
import { parseArgs } from './lib/args';
import { buildLexicon, DEFAULT_MIX, readWordSources } from './lib/build-lexicon';
import { buildPools, synthHashtag } from './lib/synth';
import { readGoldFile } from './lib/datasets';

const args = parseArgs(process.argv.slice(2), { backend: 'wasm', count: 20000, batch: 5000, model: 'model', seed: 99, file: '' });

async function main(): Promise<void> {
  const info = await initBackend(args.backend as 'wasm' | 'cpu');
  const segmenter = await loadSegmenter(path.resolve(__dirname, '../../../packages/hashtag-segmenter', String(args.model)));
  const count = Number(args.count);
  let hashtags: string[];
  if (args.file) {
    const set = readGoldFile(path.resolve(process.cwd(), String(args.file))).map((d) => d.hashtag);
    hashtags = Array.from({ length: count }, (_, i) => set[i % set.length]);
  } else {
    const sources = readWordSources(DEFAULT_MIX.winkLimit);
    const pools = buildPools(buildLexicon(sources, DEFAULT_MIX), sources.proper);
    const rng = new SeededRandom(Number(args.seed));
    hashtags = Array.from({ length: count }, () => {
      const { text } = synthHashtag(pools, rng);
      return rng.random() < 0.5 ? `#${text}` : text;
    });
  }
  const meanLength = hashtags.reduce((s, h) => s + h.length, 0) / hashtags.length;
  const batch = Number(args.batch);
  segmenter.segmentBatch(hashtags.slice(0, Math.min(batch, 500))); // warm-up
  process.stdout.write(`backend ${info.backend}; ${hashtags.length} hashtags (mean ${meanLength.toFixed(1)} chars), batches of ${batch}\n`);
  for (const mode of ['lm', 'neural', 'combined'] as DecodeMode[]) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < hashtags.length; i += batch) segmenter.segmentBatch(hashtags.slice(i, i + batch), { mode });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    process.stdout.write(
      `${mode.padEnd(9)} ${(hashtags.length / seconds).toFixed(0).padStart(7)} hashtags/s wall, ` +
        `${(hashtags.length / cpuSeconds).toFixed(0).padStart(7)} per CPU-second\n`,
    );
  }
  segmenter.dispose();
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});
