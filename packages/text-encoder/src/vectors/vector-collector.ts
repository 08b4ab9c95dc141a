/**
 * Keeps, while a vector file streams past, only the rows a vocabulary needs.
 *
 * Tweet-aware matching: each vocabulary word is known by its raw form (rank 0) and its
 * normalised form (rank 1), and each file word likewise; a file row fills a vocabulary slot
 * when any of their forms agree, and a better-ranked agreement (lower rank sum) replaces a
 * worse one. So `NBA` in the vocabulary takes the file's `NBA` if there is one, else `nba`;
 * `#NBA` finds `nba` through normalisation; and ties go to the earlier row, which in
 * frequency-sorted files is the commoner form.
 */
export interface WordVectors {
  /** D: values per vector. */
  dim: number;
  /** [V, D] row-major, row i for vocabulary word i; zero where no vector was found. */
  vectors: Float32Array;
  /** [V]: 1 where the file held a vector for word i. */
  found: Uint8Array;
  foundCount: number;
  /** Rows read from the file. */
  rowsRead: number;
  /** The file's name, for messages. */
  source: string;
}

export interface CollectorOptions {
  /** Normaliser shared with the vocabulary (core's normalizeToken). */
  normalize: (token: string) => string;
  /** Vocabulary indices never to fill (the padding row stays zero). Default [0]. */
  skip?: number[];
}

export class VectorCollector {
  private readonly byKey = new Map<string, number[]>();
  private readonly bestRank: Int8Array;
  private dimValue = 0;
  private data: Float32Array | null = null;
  private readonly found: Uint8Array;
  private foundCount = 0;
  private rows = 0;
  private readonly targets: number[] = [];
  private readonly targetRanks: number[] = [];

  constructor(
    private readonly words: readonly string[],
    private readonly opts: CollectorOptions,
  ) {
    const skip = new Set(opts.skip ?? [0]);
    this.bestRank = new Int8Array(words.length).fill(127);
    this.found = new Uint8Array(words.length);
    words.forEach((word, index) => {
      if (skip.has(index)) return;
      this.addKey(word, index, 0);
      const normalised = opts.normalize(word);
      if (normalised !== word) this.addKey(normalised, index, 1);
    });
  }

  private addKey(key: string, index: number, rank: number): void {
    // Packed as index·2 + rank to keep the map small for large vocabularies.
    const list = this.byKey.get(key);
    if (list) list.push(index * 2 + rank);
    else this.byKey.set(key, [index * 2 + rank]);
  }

  /** Sets D once it is known (from a header or the first row). */
  setDim(dim: number): void {
    this.dimValue = dim;
    this.data = new Float32Array(this.words.length * dim);
  }

  get dim(): number {
    return this.dimValue;
  }

  /**
   * Whether the file word improves any vocabulary slot. Call `accept` with its values next
   * (only when this returns true: it stages the slots to fill).
   */
  wants(fileWord: string): boolean {
    this.rows++;
    this.targets.length = 0;
    this.targetRanks.length = 0;
    this.stage(fileWord, 0);
    const normalised = this.opts.normalize(fileWord);
    if (normalised !== fileWord) this.stage(normalised, 1);
    return this.targets.length > 0;
  }

  private stage(key: string, fileRank: number): void {
    const list = this.byKey.get(key);
    if (!list) return;
    for (const packed of list) {
      const index = packed >> 1;
      const rank = (packed & 1) + fileRank;
      if (rank >= this.bestRank[index]) continue;
      const already = this.targets.indexOf(index);
      if (already >= 0) {
        this.targetRanks[already] = Math.min(this.targetRanks[already], rank);
      } else {
        this.targets.push(index);
        this.targetRanks.push(rank);
      }
    }
  }

  /** Stores the staged file row's values ([D]) into every slot it improves. */
  accept(values: ArrayLike<number>): void {
    if (!this.data) throw new Error('VectorCollector: setDim must be called before accept');
    const D = this.dimValue;
    for (let k = 0; k < this.targets.length; k++) {
      const index = this.targets[k];
      if (!this.found[index]) {
        this.found[index] = 1;
        this.foundCount++;
      }
      this.bestRank[index] = this.targetRanks[k];
      const offset = index * D;
      for (let j = 0; j < D; j++) this.data[offset + j] = values[j];
    }
  }

  result(source: string): WordVectors {
    if (!this.data) throw new Error(`${source}: no vectors were read (empty file?)`);
    return {
      dim: this.dimValue,
      vectors: this.data,
      found: this.found,
      foundCount: this.foundCount,
      rowsRead: this.rows,
      source,
    };
  }
}
