import { openSource, type VectorSource } from './byte-source';

export type VectorFileFormat = 'wink-json' | 'glove' | 'word2vec';

/**
 * The first `limit` words of a word-vector file, in file order. GloVe and word2vec files list
 * words most frequent first, and wink's JSON keeps that order in its top-level `words` array, so
 * this is "the `limit` most frequent words the vectors know". A model's vocabulary extended with
 * them keeps pretrained vectors for words its training data never showed (names in test posts).
 *
 * Reads only the head of the file: the words array (wink) or the first `limit` lines.
 */
export async function readFrequentWords(source: VectorSource, format: VectorFileFormat, limit: number): Promise<string[]> {
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`readFrequentWords: limit must be an integer >= 0, got ${limit}`);
  if (limit === 0) return [];
  const opened = await openSource(source);
  const words: string[] = [];
  const scan = format === 'wink-json' ? winkWordsScanner(opened.name, words, limit) : lineWordsScanner(format, words, limit);
  const decoder = new TextDecoder('utf-8');
  let text = '';
  const iterator = opened.chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      text += next.done ? decoder.decode() : decoder.decode(next.value, { stream: true });
      text = scan(text, next.done === true);
      if (words.length >= limit || next.done) break;
    }
  } finally {
    // Stop the stream early: the rest of a 300 MB file is not needed.
    await iterator.return?.();
  }
  if (format === 'wink-json' && words.length === 0) throw new Error(`${opened.name}: no "words" array found at the start of the file`);
  return words.slice(0, limit);
}

/** Scans "<word> v1 … vD" lines (word2vec text has a "<count> <dim>" header line first). Returns the unread rest. */
function lineWordsScanner(format: 'glove' | 'word2vec', words: string[], limit: number) {
  let headerSkipped = format === 'glove';
  return (text: string, atEnd: boolean): string => {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0 && !atEnd) break;
      const line = text.slice(start, nl < 0 ? text.length : nl);
      start = nl < 0 ? text.length : nl + 1;
      if (!headerSkipped) headerSkipped = true;
      else if (line.trim()) words.push(line.split(' ', 1)[0]);
      if (words.length >= limit || nl < 0) break;
    }
    return text.slice(start);
  };
}

const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/y;

/** Scans wink's `"words":["the",",",…]` array. Returns the unread rest. */
function winkWordsScanner(file: string, words: string[], limit: number) {
  let inArray = false;
  let finished = false;
  return (text: string, atEnd: boolean): string => {
    let i = 0;
    if (!inArray) {
      const key = text.indexOf('"words"');
      if (key < 0) {
        if (atEnd) throw new Error(`${file}: no "words" array found`);
        return text.slice(Math.max(0, text.length - 8));
      }
      const open = text.indexOf('[', key);
      if (open < 0) return text.slice(key);
      inArray = true;
      i = open + 1;
    }
    while (!finished && words.length < limit) {
      while (i < text.length && (text[i] === ',' || /\s/.test(text[i]))) i++;
      if (i >= text.length) break;
      if (text[i] === ']') {
        finished = true;
        break;
      }
      STRING_LITERAL.lastIndex = i;
      const match = STRING_LITERAL.exec(text);
      if (!match) {
        if (atEnd || text[i] !== '"') throw new Error(`${file}: the "words" array holds something other than strings near character ${i}`);
        break; // a string cut by the chunk end: wait for more
      }
      words.push(JSON.parse(match[0]) as string);
      i += match[0].length;
    }
    return text.slice(i);
  };
}
