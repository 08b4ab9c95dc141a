/**
 * Corpus BLEU (Papineni et al., 2002) as captioning papers report it: modified n-gram
 * precisions pooled over the whole corpus, several references per candidate, brevity penalty
 * from the reference length closest to each candidate (the shorter one on a tie), uniform
 * weights over n = 1..N. Input is already tokenised.
 */
export interface BleuScores {
  /** BLEU-1 .. BLEU-N, in [0, 1]. */
  bleu: number[];
  /** Pooled modified precision per n. */
  precisions: number[];
  brevityPenalty: number;
  candidateLength: number;
  referenceLength: number;
}

function ngramCounts(words: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const key = words.slice(i, i + n).join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function closestRefLength(candidate: number, refs: readonly (readonly string[])[]): number {
  let best = refs[0].length;
  for (const r of refs) {
    const d = Math.abs(r.length - candidate);
    const bd = Math.abs(best - candidate);
    if (d < bd || (d === bd && r.length < best)) best = r.length;
  }
  return best;
}

export function corpusBleu(
  candidates: readonly (readonly string[])[],
  references: readonly (readonly (readonly string[])[])[],
  maxN = 4,
): BleuScores {
  if (candidates.length !== references.length) {
    throw new Error(`corpusBleu: ${candidates.length} candidates but ${references.length} reference sets`);
  }
  const matched = new Array<number>(maxN).fill(0);
  const total = new Array<number>(maxN).fill(0);
  let c = 0;
  let r = 0;
  candidates.forEach((cand, i) => {
    const refs = references[i];
    if (refs.length === 0) throw new Error(`corpusBleu: candidate ${i} has no references`);
    c += cand.length;
    r += closestRefLength(cand.length, refs);
    for (let n = 1; n <= maxN; n++) {
      const counts = ngramCounts(cand, n);
      // Clip each n-gram's count by its largest count in any one reference.
      const maxRef = new Map<string, number>();
      for (const ref of refs) {
        for (const [g, k] of ngramCounts(ref, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, k));
      }
      for (const [g, k] of counts) {
        matched[n - 1] += Math.min(k, maxRef.get(g) ?? 0);
        total[n - 1] += k;
      }
    }
  });
  const precisions = matched.map((m, i) => (total[i] === 0 ? 0 : m / total[i]));
  const brevityPenalty = c === 0 ? 0 : c > r ? 1 : Math.exp(1 - r / c);
  const bleu: number[] = [];
  let logSum = 0;
  for (let n = 1; n <= maxN; n++) {
    const p = precisions[n - 1];
    logSum += p > 0 ? Math.log(p) : -Infinity;
    bleu.push(brevityPenalty * Math.exp(logSum / n));
  }
  return { bleu, precisions, brevityPenalty, candidateLength: c, referenceLength: r };
}

/**
 * BLEU-N of one sentence with add-one smoothing of the n > 1 precisions (Lin and Och, 2004:
 * "BLEU+1"), so a caption without any matching 4-gram still scores by its shorter matches.
 * Self-critical training uses it as a reward; corpus figures use `corpusBleu`.
 */
export function sentenceBleu(candidate: readonly string[], references: readonly (readonly string[])[], maxN = 4): number {
  if (references.length === 0) throw new Error('sentenceBleu: a candidate needs at least one reference');
  if (candidate.length === 0) return 0;
  const r = closestRefLength(candidate.length, references);
  const brevityPenalty = candidate.length > r ? 1 : Math.exp(1 - r / candidate.length);
  let logSum = 0;
  for (let n = 1; n <= maxN; n++) {
    const maxRef = new Map<string, number>();
    for (const ref of references) {
      for (const [g, k] of ngramCounts(ref, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, k));
    }
    let matched = 0;
    let total = 0;
    for (const [g, k] of ngramCounts(candidate, n)) {
      matched += Math.min(k, maxRef.get(g) ?? 0);
      total += k;
    }
    const smooth = n > 1 ? 1 : 0;
    if (matched + smooth === 0) return 0;
    logSum += Math.log((matched + smooth) / (total + smooth));
  }
  return brevityPenalty * Math.exp(logSum / maxN);
}
