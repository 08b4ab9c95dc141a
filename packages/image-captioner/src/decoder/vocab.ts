/**
 * The caption vocabulary: lower-cased alphabetic words, as captioning work on Flickr8k does
 * (punctuation and digits dropped). Ids 0..3 are reserved for the special tokens below.
 */
export const PAD = 0;
export const UNK = 1;
export const START = 2;
export const END = 3;
export const SPECIALS = ['<pad>', '<unk>', '<start>', '<end>'] as const;

/** "A dog, running!" → ["a", "dog", "running"]. */
export function captionWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+/g) ?? [];
}

export class CaptionVocab {
  private readonly index = new Map<string, number>();

  /** words: the whole id → word table, specials first. */
  constructor(readonly words: readonly string[]) {
    SPECIALS.forEach((s, i) => {
      if (words[i] !== s) throw new Error(`CaptionVocab: word ${i} must be ${s}, found ${JSON.stringify(words[i])}`);
    });
    words.forEach((w, i) => {
      if (this.index.has(w)) throw new Error(`CaptionVocab: word ${JSON.stringify(w)} appears twice`);
      this.index.set(w, i);
    });
  }

  /** Words seen at least `minCount` times, most frequent first (ties alphabetical, so the ids are reproducible). */
  static build(captions: Iterable<string>, minCount: number): CaptionVocab {
    const counts = new Map<string, number>();
    for (const c of captions) for (const w of captionWords(c)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const kept = [...counts.entries()]
      .filter(([, n]) => n >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([w]) => w);
    return new CaptionVocab([...SPECIALS, ...kept]);
  }

  get size(): number {
    return this.words.length;
  }

  id(word: string): number {
    return this.index.get(word) ?? UNK;
  }

  /** `<start> w1 .. wn <end>` with words beyond `maxWords` cut off. */
  encode(caption: string, maxWords: number): number[] {
    return [START, ...captionWords(caption).slice(0, maxWords).map((w) => this.id(w)), END];
  }

  /** Ids back to text, stopping at `<end>` and skipping the other specials. */
  decode(ids: readonly number[]): string {
    const out: string[] = [];
    for (const i of ids) {
      if (i === END) break;
      if (i === PAD || i === START) continue;
      out.push(this.words[i] ?? SPECIALS[UNK]);
    }
    return out.join(' ');
  }
}
