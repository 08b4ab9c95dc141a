import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { initBackend } from '@trimod/core';
import { loadSegmenter, type DecodeMode, type HashtagSegmenter } from '@trimod/hashtag-segmenter';
import { backendOption, existingFolder, oneOf } from '../options';

interface SegmentOptions {
  json?: boolean;
  model?: string;
  mode: string;
  backend: string;
}

const MODES: DecodeMode[] = ['combined', 'lm', 'neural'];
/** Lines segmented per network pass when reading stdin: large batches are much faster. */
const STDIN_BATCH = 2000;

export function register(program: Command): void {
  program
    .command('segment')
    .description('split hashtags into words: #NBAFinals2016 → NBA Finals 2016')
    .argument('[hashtags...]', 'hashtags to split (the # is optional); with none, one hashtag per line is read from stdin')
    .option('--json', 'print one JSON object per hashtag: {"hashtag": ..., "words": [...]}')
    .option('--model <dirOrUrl>', 'segmenter model folder or URL (default: the model shipped with @trimod/hashtag-segmenter)')
    .option('--mode <mode>', `decoder: ${MODES.join(', ')}`, 'combined')
    .option('--backend <name>', 'webgpu, wasm, cpu or auto', 'wasm')
    .action(async (hashtags: string[], opts: SegmentOptions) => {
      oneOf('--mode', opts.mode, MODES);
      const backend = backendOption(opts.backend);
      if (opts.model !== undefined && !/^https?:\/\//i.test(opts.model)) existingFolder('--model', opts.model);
      await initBackend(backend);
      const segmenter = await loadSegmenter(opts.model);
      const write = (batch: string[]) => process.stdout.write(formatBatch(segmenter, batch, opts));
      if (hashtags.length > 0) {
        write(hashtags);
      } else {
        let batch: string[] = [];
        const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
        for await (const line of lines) {
          batch.push(line.trim());
          if (batch.length >= STDIN_BATCH) {
            write(batch);
            batch = [];
          }
        }
        if (batch.length > 0) write(batch);
      }
      segmenter.dispose();
    });
}

/** One output line per hashtag: the words separated by single spaces, or a JSON object. */
export function formatBatch(segmenter: HashtagSegmenter, hashtags: string[], opts: Pick<SegmentOptions, 'json' | 'mode'>): string {
  const results = segmenter.segmentBatch(hashtags, { mode: opts.mode as DecodeMode });
  return results.map((words, i) => (opts.json ? JSON.stringify({ hashtag: hashtags[i], words }) : words.join(' ')) + '\n').join('');
}
