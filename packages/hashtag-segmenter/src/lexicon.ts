/**
 * A unigram word list with costs (−ln p, in nats), the language model of the lattice decoder.
 *
 * Words live in a character trie stored in typed arrays (first child / next sibling), so the
 * decoder finds every word starting at a position in one walk, without building substrings or
 * hashing them (measured: Map lookups of substrings were 80% of decoding time). A 235k-word
 * list takes ~10 MB this way.
 *
 * File format (compact, UTF-8 text; words are lower-case and contain no whitespace):
 *
 *     #trimod-lexicon 1
 *     @<cost × 10, integer>
 *     word
 *     word
 *     @<next cost × 10>
 *     ...
 *
 * Costs are stored to 0.1 nat, which is far below what changes a segmentation, and grouping
 * words by cost keeps the file about as small as the bare word list.
 */

import { CharBigramModel } from './decode/char-model';

export const LEXICON_HEADER = '#trimod-lexicon 1';

const NONE = -1;

export class Lexicon {
  /** Length in UTF-16 units of the longest word. */
  readonly maxWordLength: number;
  readonly size: number;
  private readonly firstChild: Int32Array;
  private readonly nextSibling: Int32Array;
  private readonly label: Uint16Array;
  /** Cost of the word ending at a node; NaN where no word ends. */
  private readonly nodeCost: Float32Array;
  private bigrams: CharBigramModel | undefined;

  constructor(entries: Iterable<readonly [string, number]>) {
    const costs = new Map<string, number>();
    let chars = 0;
    for (const [word, cost] of entries) {
      if (!Number.isFinite(cost)) throw new Error(`Lexicon: word "${word}" has a cost of ${cost}`);
      if (word.length === 0) throw new Error('Lexicon: the empty string is not a word');
      const key = word.toLowerCase();
      const existing = costs.get(key);
      if (existing === undefined) chars += key.length;
      if (existing === undefined || cost < existing) costs.set(key, cost);
    }
    const words = [...costs.keys()].sort();
    const capacity = chars + 1;
    this.firstChild = new Int32Array(capacity).fill(NONE);
    this.nextSibling = new Int32Array(capacity).fill(NONE);
    this.label = new Uint16Array(capacity);
    this.nodeCost = new Float32Array(capacity).fill(NaN);
    // Words are sorted, so a node's child for the next character is either its last child or
    // a new one appended after it: insertion needs no search.
    const lastChild = new Int32Array(capacity).fill(NONE);
    let nodes = 1;
    let longest = 0;
    for (const word of words) {
      let node = 0;
      for (let i = 0; i < word.length; i++) {
        const c = word.charCodeAt(i);
        const last = lastChild[node];
        if (last !== NONE && this.label[last] === c) {
          node = last;
          continue;
        }
        const child = nodes++;
        this.label[child] = c;
        if (last === NONE) this.firstChild[node] = child;
        else this.nextSibling[last] = child;
        lastChild[node] = child;
        node = child;
      }
      this.nodeCost[node] = costs.get(word)!;
      longest = Math.max(longest, word.length);
    }
    this.size = words.length;
    this.maxWordLength = longest;
  }

  /** The character bigram model of this list's words (built on first use). */
  charModel(): CharBigramModel {
    this.bigrams ??= CharBigramModel.fromLexicon(this);
    return this.bigrams;
  }

  /** Cost of a lower-case word, or undefined when it is not in the list. */
  cost(word: string): number | undefined {
    let node = 0;
    for (let i = 0; i < word.length && node !== NONE; i++) node = this.child(node, word.charCodeAt(i));
    if (node === NONE) return undefined;
    const c = this.nodeCost[node];
    return Number.isNaN(c) ? undefined : c;
  }

  has(word: string): boolean {
    return this.cost(word) !== undefined;
  }

  /**
   * Every word that starts at `keys[start]`: calls `found(end, cost)` for each, where the word
   * is keys[start, end). Keys are lower-case strings per character ('' is skipped, so
   * combining marks do not break a word). Stops after `maxLength` characters.
   */
  forEachWordAt(keys: readonly string[], start: number, maxLength: number, found: (end: number, cost: number) => void): void {
    let node = 0;
    const stop = Math.min(keys.length, start + maxLength);
    for (let j = start; j < stop; j++) {
      const key = keys[j];
      for (let u = 0; u < key.length && node !== NONE; u++) node = this.child(node, key.charCodeAt(u));
      if (node === NONE) return;
      const c = this.nodeCost[node];
      if (!Number.isNaN(c) && key.length > 0) found(j + 1, c);
    }
  }

  /** Every word and its cost (depth-first, in sorted order). */
  *entries(): IterableIterator<[string, number]> {
    const stack: [number, string][] = [];
    for (let c = this.firstChild[0]; c !== NONE; c = this.nextSibling[c]) stack.push([c, '']);
    stack.reverse();
    while (stack.length > 0) {
      const [node, prefix] = stack.pop()!;
      const word = prefix + String.fromCharCode(this.label[node]);
      if (!Number.isNaN(this.nodeCost[node])) yield [word, this.nodeCost[node]];
      const children: [number, string][] = [];
      for (let c = this.firstChild[node]; c !== NONE; c = this.nextSibling[c]) children.push([c, word]);
      for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]);
    }
  }

  /** Serialises to the text format above, cheapest words first. */
  toText(): string {
    const byCost = new Map<number, string[]>();
    for (const [word, cost] of this.entries()) {
      const q = Math.round(cost * 10);
      const list = byCost.get(q);
      if (list) list.push(word);
      else byCost.set(q, [word]);
    }
    const lines = [LEXICON_HEADER];
    for (const q of [...byCost.keys()].sort((a, b) => a - b)) {
      lines.push(`@${q}`, ...byCost.get(q)!.sort());
    }
    return lines.join('\n') + '\n';
  }

  /** Parses the text format; `source` names the file in errors. */
  static fromText(text: string, source = 'lexicon'): Lexicon {
    const lines = text.split('\n');
    if (lines[0]?.trim() !== LEXICON_HEADER) {
      throw new Error(`${source}: not a lexicon file (first line should be "${LEXICON_HEADER}")`);
    }
    const entries: [string, number][] = [];
    let cost: number | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line.length === 0) continue;
      if (line.startsWith('@')) {
        const q = Number(line.slice(1));
        if (!Number.isInteger(q)) throw new Error(`${source}:${i + 1}: bad cost line "${line}"`);
        cost = q / 10;
        continue;
      }
      if (cost === undefined) throw new Error(`${source}:${i + 1}: word "${line}" comes before any cost line`);
      if (/\s/.test(line)) throw new Error(`${source}:${i + 1}: word "${line}" contains whitespace`);
      entries.push([line, cost]);
    }
    return new Lexicon(entries);
  }

  private child(node: number, code: number): number {
    for (let c = this.firstChild[node]; c !== NONE; c = this.nextSibling[c]) {
      if (this.label[c] === code) return c;
    }
    return NONE;
  }
}
