import { normalizeToken, UNK_INDEX, type Vocabulary } from '@trimod/core';

/**
 * A token's word id. A normalising vocabulary (the default) normalises by itself; for one built
 * verbatim, a token it lacks is tried once more in normalised form, so `#NBA` still finds `nba`.
 */
export function wordIdOf(vocab: Vocabulary, token: string): number {
  const id = vocab.indexOf(token);
  if (id !== UNK_INDEX || vocab.normalizes) return id;
  const normalised = normalizeToken(token);
  return normalised === token ? id : vocab.indexOf(normalised);
}

/** The characters the character encoder sees: code points (an emoji is one), at most `maxChars`. */
export function charsOf(token: string, maxChars: number): string[] {
  const chars = Array.from(token);
  return chars.length > maxChars ? chars.slice(0, maxChars) : chars;
}

export interface CharIds {
  /** Ids [U·L], row-major [U, L], 0 (`<pad>`) after each token's end. */
  ids: Int32Array;
  /** Characters per token, [U], each ≥ 1. */
  lengths: Int32Array;
  /** L: the longest token, in characters (≥ 1). */
  steps: number;
}

/** Character ids of tokens; an empty token is one `<unk>`, so every token has a final state. */
export function charIdsOf(tokens: readonly string[], vocab: Vocabulary, maxChars: number): CharIds {
  const chars = tokens.map((token) => charsOf(token, maxChars));
  const steps = Math.max(1, ...chars.map((c) => c.length));
  const ids = new Int32Array(tokens.length * steps);
  const lengths = new Int32Array(tokens.length);
  chars.forEach((cs, u) => {
    if (cs.length === 0) {
      ids[u * steps] = UNK_INDEX;
      lengths[u] = 1;
      return;
    }
    lengths[u] = cs.length;
    cs.forEach((c, i) => (ids[u * steps + i] = vocab.indexOf(c)));
  });
  return { ids, lengths, steps };
}
