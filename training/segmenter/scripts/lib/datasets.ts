/**
 * Readers for the hashtag segmentation sets used to measure (never to train shipped weights):
 * - STAN (Maddela et al. 2019), .tsv: tweet<TAB>hashtag<TAB>gold[<TAB>alternatives...]
 * - BOUN (Celebi & Ozgur), .txt: one gold segmentation per line; the hashtag is the line
 *   without spaces.
 */
import { readFileSync } from 'node:fs';

export interface GoldHashtag {
  hashtag: string;
  /** Every acceptable segmentation, words separated by single spaces. */
  golds: string[];
  /** File and line, for messages. */
  where: string;
}

export function readGoldFile(file: string): GoldHashtag[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const out: GoldHashtag[] = [];
  const tsv = file.endsWith('.tsv');
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (line.trim().length === 0) return;
    if (tsv) {
      const cols = line.split('\t');
      if (cols.length < 3) throw new Error(`${where}: expected tweet<TAB>hashtag<TAB>gold, got ${cols.length} column(s)`);
      const golds = cols.slice(2).map(norm).filter((g) => g.length > 0);
      out.push({ hashtag: cols[1], golds, where });
    } else {
      const gold = norm(line);
      out.push({ hashtag: gold.replace(/ /g, ''), golds: [gold], where });
    }
  });
  return out;
}

/** Whitespace collapsed to single spaces, trimmed. */
export function norm(s: string): string {
  return s.trim().split(/\s+/).join(' ');
}

/** Exact match, case-insensitive, against any of the gold segmentations. */
export function isCorrect(words: readonly string[], golds: readonly string[]): boolean {
  const got = words.join(' ').toLowerCase();
  return golds.some((g) => g.toLowerCase() === got);
}

export function accuracy(predictions: readonly (readonly string[])[], data: readonly GoldHashtag[]): number {
  let ok = 0;
  predictions.forEach((p, i) => {
    if (isCorrect(p, data[i].golds)) ok++;
  });
  return data.length === 0 ? 0 : ok / data.length;
}
