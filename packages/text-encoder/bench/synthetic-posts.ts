import { SeededRandom } from '@trimod/core';

/**
 * Tweet-like token batches for timing: tokens drawn from a Zipf distribution over a synthetic
 * vocabulary, so a batch repeats common words as real text does (which the character encoder
 * exploits by encoding each distinct token once), with tweet shapes mixed in.
 */
export function syntheticPosts(batch: number, tokens: number, seed: number, vocabularySize = 5000): string[][] {
  const rng = new SeededRandom(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const words: string[] = [];
  for (let i = 0; i < vocabularySize; i++) {
    const length = 2 + Math.min(12, Math.floor(-Math.log(1 - rng.random()) * 4));
    let word = '';
    for (let k = 0; k < length; k++) word += letters[rng.int(26)];
    const shape = rng.random();
    if (shape < 0.15) word = word[0].toUpperCase() + word.slice(1);
    else if (shape < 0.18) word = word.toUpperCase();
    else if (shape < 0.22) word = `#${word}`;
    else if (shape < 0.25) word = `@${word}`;
    else if (shape < 0.27) word = String(rng.int(3000));
    words.push(word);
  }
  // Zipf(1): P(rank r) ∝ 1/r, sampled through the cumulative table.
  const cumulative = new Float64Array(vocabularySize);
  let total = 0;
  for (let r = 0; r < vocabularySize; r++) cumulative[r] = total += 1 / (r + 1);
  const draw = () => {
    const u = rng.random() * total;
    let lo = 0;
    let hi = vocabularySize - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
  return Array.from({ length: batch }, () => Array.from({ length: tokens }, draw));
}
