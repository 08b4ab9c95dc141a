/**
 * Reference CRF computations by enumerating every tag sequence, in float64 JS.
 * Only for tiny K and T: K^T sequences per row.
 */

export interface Tables {
  transitions: number[][]; // [K][K]
  start: number[]; // [K]
  end: number[]; // [K]
}

/** Every sequence of `length` tags from [0, k), in lexicographic order. */
export function allSequences(k: number, length: number): number[][] {
  let out: number[][] = [[]];
  for (let t = 0; t < length; t++) out = out.flatMap((prefix) => Array.from({ length: k }, (_, j) => [...prefix, j]));
  return out;
}

/** Score of one tag sequence for one row's emissions `[L][K]` (L = tags.length). */
export function pathScore(tables: Tables, emissions: number[][], tags: number[]): number {
  let s = tables.start[tags[0]] + tables.end[tags[tags.length - 1]];
  tags.forEach((tag, t) => {
    s += emissions[t][tag];
    if (t > 0) s += tables.transitions[tags[t - 1]][tag];
  });
  return s;
}

function logSumExp(values: number[]): number {
  const m = Math.max(...values);
  return m + Math.log(values.reduce((acc, v) => acc + Math.exp(v - m), 0));
}

/** Per row: every sequence of the row's length with its score, best first. */
export function rankedPaths(tables: Tables, emissions: number[][][], lengths: number[], allowed?: (tags: number[]) => boolean) {
  const k = tables.start.length;
  return lengths.map((length, b) => {
    const rowEmissions = emissions[b].slice(0, length);
    return allSequences(k, length)
      .filter((tags) => !allowed || allowed(tags))
      .map((tags) => ({ tags, score: pathScore(tables, rowEmissions, tags) }))
      .sort((x, y) => y.score - x.score);
  });
}

export function logPartition(tables: Tables, emissions: number[][][], lengths: number[]): number[] {
  return rankedPaths(tables, emissions, lengths).map((paths) => logSumExp(paths.map((p) => p.score)));
}

export function logLikelihood(tables: Tables, emissions: number[][][], tags: number[][], lengths: number[]): number[] {
  const logZ = logPartition(tables, emissions, lengths);
  return lengths.map((length, b) => pathScore(tables, emissions[b].slice(0, length), tags[b].slice(0, length)) - logZ[b]);
}

/** p(y_t = j) per row `[B][T][K]`, 0 at padding. */
export function marginals(tables: Tables, emissions: number[][][], lengths: number[], steps: number, allowed?: (tags: number[]) => boolean): number[][][] {
  const k = tables.start.length;
  return rankedPaths(tables, emissions, lengths, allowed).map((paths) => {
    const logZ = logSumExp(paths.map((p) => p.score));
    const out = Array.from({ length: steps }, () => new Array<number>(k).fill(0));
    for (const p of paths) {
      const w = Math.exp(p.score - logZ);
      p.tags.forEach((tag, t) => (out[t][tag] += w));
    }
    return out;
  });
}
