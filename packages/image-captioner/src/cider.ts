/**
 * CIDEr-D (Vedantam et al., 2015), as the coco-caption toolkit computes it: each caption is a
 * TF-IDF vector of its 1..4-grams, with document frequencies counted over the reference sets
 * of a corpus (one document per image); a candidate scores the cosine similarity to each
 * reference, with the candidate's counts clipped by the reference's and a Gaussian penalty on
 * the length difference (sigma 6), averaged over n and references, times 10.
 *
 * Self-critical training uses it as the reward: it rewards n-grams that are specific to an
 * image's references over ones every caption has ("a man in a").
 */
const MAX_N = 4;
const SIGMA = 6;

interface CaptionVector {
  /** Per n (0-based): n-gram → tf-idf weight. */
  vec: Map<string, number>[];
  norm: number[];
  length: number;
}

function ngramCounts(words: readonly string[]): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= MAX_N; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= words.length; i++) {
      const key = words.slice(i, i + n).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    out.push(counts);
  }
  return out;
}

export class CiderD {
  private readonly df = new Map<string, number>();
  private readonly logDocs: number;

  /** referenceSets: the references of each image of the corpus that sets document frequencies. */
  constructor(referenceSets: readonly (readonly (readonly string[])[])[]) {
    if (referenceSets.length === 0) throw new Error('CiderD: needs at least one reference set for document frequencies');
    for (const refs of referenceSets) {
      const seen = new Set<string>();
      for (const ref of refs) for (const counts of ngramCounts(ref)) for (const g of counts.keys()) seen.add(g);
      for (const g of seen) this.df.set(g, (this.df.get(g) ?? 0) + 1);
    }
    this.logDocs = Math.log(referenceSets.length);
  }

  private vector(words: readonly string[]): CaptionVector {
    const vec: Map<string, number>[] = [];
    const norm: number[] = [];
    for (const counts of ngramCounts(words)) {
      const v = new Map<string, number>();
      let sq = 0;
      for (const [g, tf] of counts) {
        // Unseen n-grams get df 1 (the toolkit's max(1, df)), so they weigh the most.
        const w = tf * (this.logDocs - Math.log(Math.max(1, this.df.get(g) ?? 0)));
        v.set(g, w);
        sq += w * w;
      }
      vec.push(v);
      norm.push(Math.sqrt(sq));
    }
    return { vec, norm, length: words.length };
  }

  private static similarity(cand: CaptionVector, ref: CaptionVector): number {
    const delta = cand.length - ref.length;
    const lengthPenalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
    let sum = 0;
    for (let n = 0; n < MAX_N; n++) {
      let dot = 0;
      for (const [g, w] of cand.vec[n]) {
        const r = ref.vec[n].get(g);
        // CIDEr-D clips the candidate's weight by the reference's, so repeating a word gains nothing.
        if (r !== undefined) dot += Math.min(w, r) * r;
      }
      if (cand.norm[n] !== 0 && ref.norm[n] !== 0) sum += (dot / (cand.norm[n] * ref.norm[n])) * lengthPenalty;
    }
    return sum / MAX_N;
  }

  /** CIDEr-D of one tokenised candidate against its image's references. */
  score(candidate: readonly string[], references: readonly (readonly string[])[]): number {
    if (references.length === 0) throw new Error('CiderD.score: a candidate needs at least one reference');
    const cand = this.vector(candidate);
    let total = 0;
    for (const ref of references) total += CiderD.similarity(cand, this.vector(ref));
    return (total / references.length) * 10;
  }

  /** Mean CIDEr-D over a corpus of candidates (what papers report). */
  corpusScore(candidates: readonly (readonly string[])[], references: readonly (readonly (readonly string[])[])[]): number {
    if (candidates.length !== references.length) throw new Error(`CiderD.corpusScore: ${candidates.length} candidates but ${references.length} reference sets`);
    if (candidates.length === 0) return 0;
    let total = 0;
    candidates.forEach((c, i) => (total += this.score(c, references[i])));
    return total / candidates.length;
  }
}
