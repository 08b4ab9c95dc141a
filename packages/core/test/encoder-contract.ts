import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFromConfig, loadModule, saveModule, type ModalityEncoder, type SetFeatures, type TokenFeatures } from '@trimod/core';

/** Any modality encoder (token features [B, T, D] or a set per post [B, N, D]). */
export type ContractEncoder<I> = ModalityEncoder<I, TokenFeatures | SetFeatures>;

/** What an encoder's test gives the contract: how to build one, and a batch it reads. */
export interface EncoderContractCase<I> {
  /** A new encoder; the same seed must give the same weights and the same dropout masks. */
  make(seed: number): ContractEncoder<I>;
  /** A batch of B posts that exercises every trainable weight (a gradient must reach each). */
  batch: I;
  /** The mask `batch` must give, [B][T] (T: the longest post, or the largest set). */
  mask: number[][];
  /** Post `b` of `batch` as a batch of one (for: a post's features do not depend on its neighbours). */
  post(b: number): I;
  /** An empty batch of two posts, when the encoder reads token lists (then it gives [2, 0, D]). */
  emptyPosts?: I;
  /** Whether the encoder draws dropout in training (then training output differs from inference). */
  dropout: boolean;
}

/**
 * The contract every modality encoder keeps, so that TriMod can fuse it, train it, save it and
 * load it like a built-in one: features [B, T, outputDim] zero wherever the mask is 0 (fusion
 * reads them unmasked), a post's features independent of the other posts in its batch,
 * gradients to every trainable variable, inference deterministic and training deterministic for
 * a seed, no tensor left behind by encode, a gradient step or dispose, and the same output after
 * a JSON config rebuild or a save/load round trip through core's artifacts.
 * Each encoder's package runs it from its own tests with its own case.
 */
export function describeEncoderContract<I>(name: string, c: EncoderContractCase<I>): void {
  describe(`${name} (encoder contract)`, () => {
    let encoder: ContractEncoder<I>;
    beforeAll(() => {
      encoder = c.make(3);
    });
    afterAll(() => disposeEncoder(encoder));
    for (const check of encoderContractChecks(c)) {
      if (check.applies) it(check.name, async () => await check.run(encoder));
    }
  });
}

/** One clause of the contract, run on an encoder made by the case with seed 3. */
export interface ContractCheck<I> {
  name: string;
  /** False where the case does not ask for it (an encoder that does not read token lists). */
  applies: boolean;
  run(encoder: ContractEncoder<I>): void | Promise<void>;
}

/** The contract's clauses for a case (describeEncoderContract runs each as a test). */
export function encoderContractChecks<I>(c: EncoderContractCase<I>): ContractCheck<I>[] {
  const B = c.mask.length;
  const T = Math.max(0, ...c.mask.map((row) => row.length));
  return [
    {
      name: 'gives features [B, T, outputDim], the mask of real tokens, and zeros where the mask is 0',
      applies: true,
      run: (encoder) => {
        const out = encodeToArrays(encoder, c.batch);
        expect([out.features.length, out.features[0]?.length, out.features[0]?.[0]?.length]).toEqual([B, T, encoder.outputDim]);
        expect(out.mask).toEqual(c.mask);
        out.features.forEach((post, b) =>
          post.forEach((row, t) => {
            if (c.mask[b][t] === 0) expect(row.every((v) => v === 0)).toBe(true);
            else expect(row.every(Number.isFinite)).toBe(true);
          }),
        );
      },
    },
    {
      name: 'gives [B, 0, outputDim] for a batch of empty posts',
      applies: c.emptyPosts !== undefined,
      run: (encoder) => {
        const out = encoder.encode(c.emptyPosts as I, { training: false });
        expect(out.features.shape).toEqual([2, 0, encoder.outputDim]);
        expect(out.mask.shape).toEqual([2, 0]);
        tf.dispose([out.features, out.mask]);
      },
    },
    {
      name: 'gives each post the same features alone as beside the other posts of its batch',
      applies: true,
      run: (encoder) => {
        const together = encodeToArrays(encoder, c.batch).features;
        for (let b = 0; b < B; b++) {
          const alone = encodeToArrays(encoder, c.post(b)).features[0] ?? [];
          c.mask[b].forEach((m, t) => {
            if (m === 0) return;
            together[b][t].forEach((v, k) => expect(Math.abs(v - alone[t][k])).toBeLessThan(1e-5));
          });
        }
      },
    },
    {
      name: 'lets gradients reach every trainable variable',
      applies: true,
      run: (encoder) => {
        const vars = encoder.trainableVariables();
        expect(vars.length).toBeGreaterThan(0);
        const { value, grads } = tf.variableGrads(() => weightedSum(encoder.encode(c.batch, { training: true }).features), vars);
        try {
          for (const v of vars) {
            const g = grads[v.name];
            expect(g).toBeDefined();
            expect(g.shape).toEqual(v.shape);
            expect(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0])).toBeGreaterThan(0);
          }
        } finally {
          tf.dispose([value, ...Object.values(grads)]);
        }
      },
    },
    {
      name: 'is deterministic: inference always, training for a seed (dropout masks included), and differs across seeds',
      applies: true,
      run: () => {
        const a = c.make(11);
        const b = c.make(11);
        const other = c.make(12);
        try {
          // Both encoders see the same calls in the same order (dropout seeds advance per call).
          const inference = encodeToArrays(a, c.batch);
          expect(encodeToArrays(b, c.batch)).toEqual(inference);
          const training = encodeToArrays(a, c.batch, true);
          expect(encodeToArrays(b, c.batch, true)).toEqual(training);
          expect(encodeToArrays(a, c.batch)).toEqual(inference);
          expect(encodeToArrays(b, c.batch)).toEqual(inference);
          expect(encodeToArrays(a, c.batch, true)).toEqual(encodeToArrays(b, c.batch, true));
          expect(encodeToArrays(other, c.batch)).not.toEqual(inference);
          if (c.dropout) expect(training).not.toEqual(inference);
          else expect(training).toEqual(inference);
        } finally {
          [a, b, other].forEach(disposeEncoder);
        }
      },
    },
    {
      name: 'leaves no tensor behind: repeated encodes and gradient steps, then dispose',
      applies: true,
      run: (encoder) => {
        const step = (e: ContractEncoder<I>) => {
          const out = e.encode(c.batch, { training: false });
          tf.dispose([out.features, out.mask]);
          const { value, grads } = tf.variableGrads(() => weightedSum(e.encode(c.batch, { training: true }).features), e.trainableVariables());
          tf.dispose([value, ...Object.values(grads)]);
        };
        step(encoder);
        const before = tf.memory().numTensors;
        for (let i = 0; i < 3; i++) step(encoder);
        expect(tf.memory().numTensors).toBe(before);

        const empty = tf.memory().numTensors;
        const fresh = c.make(5);
        step(fresh);
        disposeEncoder(fresh);
        expect(tf.memory().numTensors).toBe(empty);
      },
    },
    {
      name: 'rebuilds from its JSON config through the class registry',
      applies: true,
      run: (encoder) => {
        const config = JSON.parse(JSON.stringify(encoder.getConfig()));
        const rebuilt = createFromConfig<ContractEncoder<I>>(encoder.className, config);
        try {
          const shapes = (e: ContractEncoder<I>) => Object.fromEntries(Object.entries(e.namedWeights()).map(([k, v]) => [k, v.shape]));
          expect(shapes(rebuilt)).toEqual(shapes(encoder));
          expect(rebuilt.outputDim).toBe(encoder.outputDim);
          expect(JSON.parse(JSON.stringify(rebuilt.getConfig()))).toEqual(config);
        } finally {
          disposeEncoder(rebuilt);
        }
      },
    },
    roundTrip(c, false),
    roundTrip(c, true),
  ];
}

/** Saved through core's artifacts and loaded back, the encoder gives the same output (float16: within its precision). */
function roundTrip<I>(c: EncoderContractCase<I>, float16: boolean): ContractCheck<I> {
  return {
    name: `saves and loads through core artifacts with the same output (float16: ${float16})`,
    applies: true,
    run: async (encoder) => {
      const dir = mkdtempSync(join(tmpdir(), 'encoder-contract-'));
      try {
        await saveModule(encoder, join(dir, 'model'), { float16 });
        const loaded = await loadModule<ContractEncoder<I>>(join(dir, 'model'));
        try {
          const before = encodeToArrays(encoder, c.batch);
          const after = encodeToArrays(loaded, c.batch);
          if (float16) {
            const b = before.features.flat(2);
            after.features.flat(2).forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(5e-2));
            expect(after.mask).toEqual(before.mask);
          } else {
            expect(after).toEqual(before);
          }
        } finally {
          disposeEncoder(loaded);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Features and mask as nested arrays; the tensors are disposed. */
export function encodeToArrays<I>(encoder: ContractEncoder<I>, batch: I, training = false): { features: number[][][]; mask: number[][] } {
  const out = encoder.encode(batch, { training });
  const result = { features: out.features.arraySync(), mask: out.mask.arraySync() };
  tf.dispose([out.features, out.mask]);
  return result;
}

/** Sum of features weighted by fixed, varied values: a loss that touches every output. */
export function weightedSum(features: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(features, tf.reshape(tf.sin(tf.range(0, features.size)), features.shape))));
}

/** The encoder's own dispose() when it has one (it may own more than its saved weights), else its weights. */
export function disposeEncoder(encoder: ContractEncoder<unknown> | undefined): void {
  if (!encoder) return;
  const own = (encoder as { dispose?: () => void }).dispose;
  if (typeof own === 'function') own.call(encoder);
  else for (const v of Object.values(encoder.namedWeights())) v.dispose();
}
