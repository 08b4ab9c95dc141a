import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@trimod/core';
import type { CRF } from '../src';
import type { Tables } from './brute-force';

/** Every test runs on the cpu backend unless it says otherwise. */
export async function useCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  // Silences tfjs's "install tfjs-node" hint, which is noise in test output.
  tf.env().set('IS_TEST', true);
}

/** A random problem: emissions `[B][T][K]`, prefix-mask lengths (at least 1), gold tags. */
export interface Problem {
  emissions: number[][][];
  lengths: number[];
  tags: number[][];
  mask: number[][];
}

export function randomProblem(random: SeededRandom, batch: number, steps: number, k: number, scale = 2): Problem {
  const emissions = Array.from({ length: batch }, () =>
    Array.from({ length: steps }, () => Array.from({ length: k }, () => (random.random() * 2 - 1) * scale)),
  );
  // Row 0 always uses the full length so T is exercised; the others get random lengths.
  const lengths = Array.from({ length: batch }, (_, b) => (b === 0 ? steps : 1 + random.int(steps)));
  const tags = Array.from({ length: batch }, () => Array.from({ length: steps }, () => random.int(k)));
  const mask = lengths.map((length) => Array.from({ length: steps }, (_, t) => (t < length ? 1 : 0)));
  return { emissions, lengths, tags, mask };
}

/** Gives the CRF random weights from the seed and returns them as plain tables. */
export function randomizeWeights(crf: CRF, random: SeededRandom, scale = 1): Tables {
  const k = crf.numTags;
  const row = () => Array.from({ length: k }, () => (random.random() * 2 - 1) * scale);
  const tables: Tables = { transitions: Array.from({ length: k }, row), start: row(), end: row() };
  // assign shares the new tensor's data, so disposing the temporaries in tidy is safe.
  tf.tidy(() => {
    crf.transitions.assign(tf.tensor2d(tables.transitions));
    crf.startTransitions.assign(tf.tensor1d(tables.start));
    crf.endTransitions.assign(tf.tensor1d(tables.end));
  });
  return tables;
}

export function tablesOf(crf: CRF): Tables {
  return {
    transitions: crf.transitions.arraySync(),
    start: crf.startTransitions.arraySync(),
    end: crf.endTransitions.arraySync(),
  };
}
