/**
 * Seeded randomness. The same seed gives the same numbers on every platform, so the same seed
 * and data give the same initial weights and data order.
 */

/** mulberry32: a small, fast 32-bit generator; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MULBERRY_STEP = 0x6d2b79f5;

/** False while `withoutRandomInit` builds a module whose weights are about to be loaded. */
let drawInitialValues = true;

/**
 * Runs `build` (synchronous) with random initial values replaced by zeros: uniformArray and
 * normalArray (and initialisers that ask `drawsInitialValues`, like the GRUs' orthogonal
 * matrices) skip their draws in O(1) and return zeros. Loading a model builds it only to
 * overwrite every weight, so drawing them is wasted time (minutes for a large recurrent layer).
 * The generators still advance as if they had drawn, so everything drawn later (dropout seeds)
 * is the same as after a normal build.
 */
export function withoutRandomInit<T>(build: () => T): T {
  const previous = drawInitialValues;
  drawInitialValues = false;
  try {
    return build();
  } finally {
    drawInitialValues = previous;
  }
}

/**
 * A seeded random source with the helpers training needs. Its whole state is one 32-bit
 * integer (`state()` / `setState()`), so a training checkpoint can store where each generator
 * stands and a resumed run draws the same numbers as one that was never stopped.
 */
export class SeededRandom {
  private a: number;

  constructor(readonly seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`SeededRandom: seed must be a finite number, got ${seed}`);
    this.a = seed >>> 0;
  }

  /** mulberry32, the same sequence as `mulberry32(seed)`. */
  private next(): number {
    this.a = (this.a + MULBERRY_STEP) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Where the generator stands: an unsigned 32-bit integer. */
  state(): number {
    return this.a;
  }

  /** Puts the generator back where `state()` said it stood. */
  setState(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) throw new Error(`SeededRandom.setState: expected an unsigned 32-bit integer, got ${JSON.stringify(state)}`);
    this.a = state;
  }

  /** Moves the generator past `n` draws in O(1), as if they had been made (mulberry32's state only counts). */
  skip(n: number): void {
    this.a = (this.a + Math.imul(n >>> 0, MULBERRY_STEP)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  random(): number {
    return this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles a copy of `items` (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** A fresh 32-bit seed for a sub-component (e.g. one layer's initialiser, or tf's dropout). */
  childSeed(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Whether initial values are drawn (false inside `withoutRandomInit`). */
  get drawsInitialValues(): boolean {
    return drawInitialValues;
  }

  /** Float32Array of `n` values from U(-limit, limit); zeros inside `withoutRandomInit`. */
  uniformArray(n: number, limit: number): Float32Array {
    if (!drawInitialValues) {
      this.skip(n);
      return new Float32Array(n);
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.next() * 2 - 1) * limit;
    return out;
  }

  /** Float32Array of `n` values from N(0, std²); zeros inside `withoutRandomInit`. */
  normalArray(n: number, std: number): Float32Array {
    if (!drawInitialValues) {
      this.skip(2 * n); // normal() draws two numbers
      return new Float32Array(n);
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }
}

/** Glorot/Xavier uniform limit for a [fanIn, fanOut] kernel. */
export function glorotLimit(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}
