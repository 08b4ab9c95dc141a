/**
 * Row plans that let one recurrence serve both directions of a Bi-GRU over padded batches.
 *
 * The backward direction must start at each sequence's real end, never on padding. Each
 * sequence is reversed within its own length (padding stays at the tail), so both directions
 * run forward over "real tokens first, padding after" and padding can never reach a real
 * token's state. The reversal, the switch to time-major and gate-major order, and dropping
 * padded positions are folded into single row moves (see moveRows).
 */
export interface SequenceLayout {
  /** N: number of sequences. */
  readonly batch: number;
  /** L: padded length. */
  readonly steps: number;
  /** Real length of each sequence, 0..L. */
  readonly lengths: Int32Array;
  /**
   * Destination of each projected input row, a permutation. Sources are the rows of
   * [N, L, 2, 3] (sequence, position, direction, gate; H values each), destinations the rows
   * of [L, 3, 2, N] (step, gate, direction, sequence), where direction 1's step t reads
   * position len − 1 − t; padded positions keep their place, after the real steps, where
   * they cannot reach a real state.
   */
  readonly inputDest: Int32Array;
  /**
   * Destination of each state row: sources are the rows of [L, 2, N] (step, direction,
   * sequence), destinations the rows of [N, L, 2] (sequence, position, direction); states of
   * padded steps are dropped, so outputs are zero on padding.
   */
  readonly outputDest: Int32Array;
}

/** Position t of sequence n read from the sequence reversed within its length `len`. */
export function reversedPosition(t: number, len: number): number {
  return t < len ? len - 1 - t : t;
}

const GATES = 3;
const DIRECTIONS = 2;

/** Builds the row plan for sequences of the given real lengths padded to `steps`. */
export function sequenceLayout(lengths: ArrayLike<number>, steps: number): SequenceLayout {
  const batch = lengths.length;
  const lens = Int32Array.from(lengths);
  for (let n = 0; n < batch; n++) {
    if (!Number.isInteger(lengths[n]) || lens[n] < 0 || lens[n] > steps) {
      throw new Error(`sequenceLayout: length ${lengths[n]} of sequence ${n} is outside 0..${steps}`);
    }
  }
  const inputDest = new Int32Array(batch * steps * DIRECTIONS * GATES);
  const outputDest = new Int32Array(steps * DIRECTIONS * batch).fill(-1);
  for (let n = 0; n < batch; n++) {
    const len = lens[n];
    for (let s = 0; s < steps; s++) {
      for (let d = 0; d < DIRECTIONS; d++) {
        // The step at which direction d reads position s (padding stays in place, after the real steps).
        const t = d === 0 ? s : reversedPosition(s, len);
        for (let g = 0; g < GATES; g++) {
          inputDest[((n * steps + s) * DIRECTIONS + d) * GATES + g] = ((t * GATES + g) * DIRECTIONS + d) * batch + n;
        }
        if (s < len) outputDest[(t * DIRECTIONS + d) * batch + n] = (n * steps + s) * DIRECTIONS + d;
      }
    }
  }
  return { batch, steps, lengths: lens, inputDest, outputDest };
}

/**
 * Rows of the recurrence states [L, 2, N] (flattened to [L·2·N, H]) that hold each sequence's
 * final forward and backward states, ordered (n, d): both directions end at step len − 1
 * because the backward one runs over the reversed sequence. Lengths must be ≥ 1.
 */
export function finalStateRows(layout: SequenceLayout): Int32Array {
  const { batch, lengths } = layout;
  const rows = new Int32Array(batch * DIRECTIONS);
  for (let n = 0; n < batch; n++) {
    const last = lengths[n] - 1;
    if (last < 0) throw new Error(`finalStateRows: sequence ${n} is empty, so it has no final state`);
    for (let d = 0; d < DIRECTIONS; d++) rows[n * DIRECTIONS + d] = (last * DIRECTIONS + d) * batch + n;
  }
  return rows;
}
