import * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '@trimod/core';
import { viterbiSegment } from './decode/lattice';
import { DEFAULT_DECODE_PARAMS, type DecodeParams } from './decode/params';
import { splitPieces, type Piece } from './decode/pieces';
import type { Lexicon } from './lexicon';
import type { BoundaryModel } from './neural/boundary-model';
import { charBatch } from './neural/char-batch';

/**
 * How a segmentation is decoded:
 * - 'combined': Viterbi over the lexicon lattice plus the network's boundary probabilities;
 * - 'lm': Viterbi over the lexicon lattice alone (unigram language model + case shapes);
 * - 'neural': the network alone, splitting wherever p(boundary) > 0.5.
 */
export type DecodeMode = 'combined' | 'lm' | 'neural';

export interface SegmentOptions {
  mode?: DecodeMode;
}

/** Pieces longer than this are run through the network in windows of this many characters. */
const MAX_NETWORK_LENGTH = 64;
/** Rows per forward pass: big enough to amortise per-op overhead, small enough for memory. */
const NETWORK_BATCH = 1024;

/**
 * A loaded segmenter: the boundary network, the lexicon and the decoder settings.
 * All methods are synchronous; get one with `loadSegmenter()`.
 */
export class HashtagSegmenter {
  constructor(
    readonly model: BoundaryModel | null,
    readonly lexicon: Lexicon | null,
    readonly params: DecodeParams = DEFAULT_DECODE_PARAMS,
    /** What model.json says about the model (training command, measured accuracy). */
    readonly metadata: JsonObject = {},
    /** Decoder settings for mode 'lm' (tuned without the network); defaults to `params`. */
    readonly lmParams: DecodeParams = params,
  ) {
    if (!model && !lexicon) throw new Error('HashtagSegmenter: needs a boundary model, a lexicon, or both');
  }

  /** Words of one hashtag ('#' optional); joined they give the hashtag without leading '#'s. */
  segment(hashtag: string, opts: SegmentOptions = {}): string[] {
    return this.segmentBatch([hashtag], opts)[0];
  }

  /** Words of each hashtag; the network runs once over all of them, in length-sorted batches. */
  segmentBatch(hashtags: readonly string[], opts: SegmentOptions = {}): string[][] {
    const mode = opts.mode ?? (this.model ? (this.lexicon ? 'combined' : 'neural') : 'lm');
    if (mode !== 'lm' && !this.model) throw new Error(`HashtagSegmenter: mode "${mode}" needs a boundary model`);
    if (mode === 'lm' && !this.lexicon) throw new Error('HashtagSegmenter: mode "lm" needs a lexicon');
    const prepared = prepareBatch(hashtags);
    const probs = mode === 'lm' ? null : this.boundaryProbabilities(prepared.latin);
    return decodePrepared(prepared, probs, mode, this.lexicon, mode === 'lm' ? this.lmParams : this.params);
  }

  /**
   * The network's probability that a word ends after each character, for texts given as code
   * points. Texts are sorted by length and batched, so padding stays small; texts longer than
   * MAX_NETWORK_LENGTH are read in overlapping windows (the boundary decision is local).
   */
  boundaryProbabilities(texts: readonly (readonly string[])[]): Float32Array[] {
    if (!this.model) throw new Error('HashtagSegmenter: no boundary model loaded');
    const out: Float32Array[] = texts.map((t) => new Float32Array(t.length));
    const jobs: { text: number; offset: number; chars: readonly string[]; keepFrom: number; keepTo: number }[] = [];
    const overlap = 16;
    texts.forEach((chars, i) => {
      if (chars.length <= MAX_NETWORK_LENGTH) {
        if (chars.length > 0) jobs.push({ text: i, offset: 0, chars, keepFrom: 0, keepTo: chars.length });
        return;
      }
      const stride = MAX_NETWORK_LENGTH - 2 * overlap;
      for (let start = 0; start < chars.length; start += stride) {
        const from = Math.max(0, start - overlap);
        const to = Math.min(chars.length, start + stride + overlap);
        jobs.push({ text: i, offset: from, chars: chars.slice(from, to), keepFrom: start, keepTo: Math.min(chars.length, start + stride) });
      }
    });
    jobs.sort((a, b) => a.chars.length - b.chars.length);
    for (let b = 0; b < jobs.length; b += NETWORK_BATCH) {
      const group = jobs.slice(b, b + NETWORK_BATCH);
      const batch = charBatch(group.map((j) => j.chars));
      const probs = tf.tidy(() => tf.sigmoid(this.model!.forward(batch).logits));
      const values = probs.dataSync() as Float32Array;
      probs.dispose();
      group.forEach((job, r) => {
        const row = values.subarray(r * batch.length, r * batch.length + job.chars.length);
        for (let k = job.keepFrom; k < job.keepTo; k++) out[job.text][k] = row[k - job.offset];
      });
    }
    return out;
  }

  dispose(): void {
    this.model?.dispose();
  }
}

/** Word ends where the network says p(boundary) > 0.5 (the last character always ends one). */
function thresholdEnds(probs: ArrayLike<number>): number[] {
  const ends: number[] = [];
  for (let k = 0; k < probs.length - 1; k++) if (probs[k] > 0.5) ends.push(k + 1);
  if (probs.length > 0) ends.push(probs.length);
  return ends;
}

/** Hashtags split into pieces, with the Latin pieces (as code points) listed in order. */
export interface PreparedBatch {
  pieced: Piece[][];
  latin: string[][];
}

export function prepareBatch(hashtags: readonly string[]): PreparedBatch {
  hashtags.forEach((h, i) => {
    if (typeof h !== 'string') throw new Error(`segmentBatch: hashtag ${i} is a ${typeof h}, not a string`);
  });
  const pieced = hashtags.map((h) => splitPieces(h));
  const latin: string[][] = [];
  for (const pieces of pieced) for (const p of pieces) if (p.kind === 'latin') latin.push(Array.from(p.text));
  return { pieced, latin };
}

/**
 * Decodes prepared hashtags given the network's probabilities for their Latin pieces (null in
 * 'lm' mode). Separate from the network so decoder settings can be tuned without re-running it.
 */
export function decodePrepared(
  prepared: PreparedBatch,
  probs: readonly Float32Array[] | null,
  mode: DecodeMode,
  lexicon: Lexicon | null,
  params: DecodeParams,
): string[][] {
  let next = 0;
  return prepared.pieced.map((pieces) => {
    const words: string[] = [];
    for (const piece of pieces) {
      if (piece.kind !== 'latin') {
        words.push(piece.text);
        continue;
      }
      const chars = prepared.latin[next];
      const p = probs ? probs[next] : null;
      next++;
      if (mode !== 'lm' && !p) throw new Error(`decodePrepared: mode "${mode}" needs boundary probabilities`);
      const ends = mode === 'neural' ? thresholdEnds(p!) : viterbiSegment(chars, lexicon, mode === 'lm' ? null : p, params);
      let start = 0;
      for (const end of ends) {
        words.push(chars.slice(start, end).join(''));
        start = end;
      }
    }
    return words;
  });
}
