/**
 * Measures exact-match accuracy (case-insensitive, against any listed gold segmentation) of the
 * three decoders — network only, lexicon-only Viterbi, and the two combined — on hashtag sets.
 *
 *   npm run eval -- <file.tsv|file.txt> [more files] [--model model] [--errors 20] [--json] [--backend wasm|cpu]
 *
 * Files: STAN .tsv (tweet, hashtag, gold, alternatives) or BOUN .txt (one gold per line).
 */
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { loadSegmenter } from '../../../packages/hashtag-segmenter/src/load';
import { decodePrepared, prepareBatch, type DecodeMode } from '../../../packages/hashtag-segmenter/src/segmenter';
import { parseArgs } from './lib/args';
import { accuracy, isCorrect, readGoldFile } from './lib/datasets';

const args = parseArgs(process.argv.slice(2), { model: 'model', errors: 0, json: false, backend: 'wasm' });

async function main(): Promise<void> {
  if (args._.length === 0) throw new Error('usage: npm run eval -- <file.tsv|file.txt> [...] [--model model] [--errors N] [--json]');
  const root = path.resolve(__dirname, '../../../packages/hashtag-segmenter');
  const backend = await initBackend(args.backend as 'wasm' | 'cpu');
  const segmenter = await loadSegmenter(path.resolve(root, String(args.model)));
  const results: Record<string, Record<string, number>> = {};
  for (const file of args._) {
    const data = readGoldFile(path.resolve(process.cwd(), file));
    const prepared = prepareBatch(data.map((d) => d.hashtag));
    const t0 = performance.now();
    const probs = segmenter.model ? segmenter.boundaryProbabilities(prepared.latin) : null;
    const networkMs = performance.now() - t0;
    const modes: DecodeMode[] = segmenter.model ? (segmenter.lexicon ? ['neural', 'lm', 'combined'] : ['neural']) : ['lm'];
    const row: Record<string, number> = { size: data.length };
    for (const mode of modes) {
      const params = mode === 'lm' ? segmenter.lmParams : segmenter.params;
      const predictions = decodePrepared(prepared, probs, mode, segmenter.lexicon, params);
      row[mode] = accuracy(predictions, data);
      if (Number(args.errors) > 0 && mode === modes[modes.length - 1]) {
        const wrong = predictions
          .map((p, i) => (isCorrect(p, data[i].golds) ? null : `  ${data[i].hashtag} → ${p.join(' ')}   [gold: ${data[i].golds.join(' | ')}]`))
          .filter((x): x is string => x !== null);
        process.stdout.write(`${mode} errors on ${path.basename(file)} (${wrong.length}):\n${wrong.slice(0, Number(args.errors)).join('\n')}\n`);
      }
    }
    // Gold segmentations that cannot be produced without changing characters (apostrophes added,
    // letters corrected): the ceiling of any segmenter that keeps the input's characters.
    const reachable = data.filter((d) => d.golds.some((g) => g.replace(/ /g, '').toLowerCase() === d.hashtag.replace(/^#+/, '').toLowerCase())).length;
    row.reachable = reachable / data.length;
    row.networkMs = Math.round(networkMs);
    results[path.basename(file)] = row;
  }
  if (args.json) {
    process.stdout.write(JSON.stringify({ backend: backend.backend, results }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`backend ${backend.backend}; model ${args.model}\n`);
  process.stdout.write('set                      size  neural     lm  combined  (reachable)\n');
  for (const [name, r] of Object.entries(results)) {
    const pct = (x: number | undefined) => (x === undefined ? '     -' : `${(100 * x).toFixed(2)}%`.padStart(7));
    process.stdout.write(`${name.padEnd(24)} ${String(r.size).padStart(5)} ${pct(r.neural)} ${pct(r.lm)} ${pct(r.combined).padStart(9)}  (${(100 * r.reachable).toFixed(1)}%)\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`eval: ${(err as Error).message}\n`);
  process.exit(1);
});
