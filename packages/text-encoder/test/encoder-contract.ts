import * as tf from '@tensorflow/tfjs-core';
import { createFromConfig, loadModule, saveModule } from '@trimod/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeToArrays, POSTS, weightedSum, type TextModality } from './encoder-fixtures';

/**
 * What every text encoder in this package must do to be pluggable into TriMod: shapes, masks,
 * padding invariance, gradients to every variable, seeded determinism, no leaks, JSON config
 * and artifact round trips. Each encoder's test file runs it with its own factory.
 */
export function describeEncoderContract(name: string, make: (seed: number) => TextModality): void {
  describe(`${name} (encoder contract)`, () => {
    let encoder: TextModality;
    beforeAll(() => {
      encoder = make(3);
    });
    afterAll(() => {
      for (const v of Object.values(encoder.namedWeights())) v.dispose();
    });

    it('gives features [B, T, outputDim] and a mask [B, T] of real tokens', () => {
      const out = encoder.encode(POSTS, { training: false });
      expect(out.features.shape).toEqual([3, 7, encoder.outputDim]);
      expect(out.mask.arraySync()).toEqual([
        [1, 1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 0, 0, 0],
        [1, 1, 0, 0, 0, 0, 0],
      ]);
      tf.dispose([out.features, out.mask]);
    });

    it('gives [B, 0, D] for a batch of empty posts', () => {
      const out = encoder.encode([[], []], { training: false });
      expect(out.features.shape).toEqual([2, 0, encoder.outputDim]);
      expect(out.mask.shape).toEqual([2, 0]);
      tf.dispose([out.features, out.mask]);
    });

    it('is zero on padding, and padding never changes the features of real tokens', () => {
      const batch = encodeToArrays(encoder, POSTS);
      const alone = encodeToArrays(encoder, [POSTS[2]]);
      for (let t = 0; t < 7; t++) {
        for (let k = 0; k < encoder.outputDim; k++) {
          if (t < 2) expect(Math.abs(batch.features[2][t][k] - alone.features[0][t][k])).toBeLessThan(1e-5);
          else expect(Math.abs(batch.features[2][t][k])).toBe(0);
        }
      }
    });

    it('lets gradients reach every trainable variable', () => {
      const vars = encoder.trainableVariables();
      expect(vars.length).toBe(Object.keys(encoder.namedWeights()).length);
      const { value, grads } = tf.variableGrads(() => weightedSum(encoder.encode(POSTS, { training: true }).features), vars);
      for (const v of vars) {
        const g = grads[v.name];
        expect(g).toBeDefined();
        expect(g.shape).toEqual(v.shape);
        expect(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0])).toBeGreaterThan(0);
      }
      tf.dispose([value, ...Object.values(grads)]);
    });

    it('is deterministic for a seed, dropout included, and differs across seeds', () => {
      const a = make(11);
      const b = make(11);
      const c = make(12);
      try {
        expect(encodeToArrays(a, POSTS, true)).toEqual(encodeToArrays(b, POSTS, true));
        expect(encodeToArrays(a, POSTS, true)).toEqual(encodeToArrays(b, POSTS, true));
        expect(encodeToArrays(a, POSTS, false)).not.toEqual(encodeToArrays(c, POSTS, false));
        // Dropout is on in training only.
        expect(encodeToArrays(a, POSTS, true)).not.toEqual(encodeToArrays(a, POSTS, false));
        expect(encodeToArrays(a, POSTS, false)).toEqual(encodeToArrays(a, POSTS, false));
      } finally {
        for (const e of [a, b, c]) for (const v of Object.values(e.namedWeights())) v.dispose();
      }
    });

    it('leaks no tensors across repeated encodes and gradient steps', () => {
      const step = () => {
        const out = encoder.encode(POSTS, { training: false });
        tf.dispose([out.features, out.mask]);
        const { value, grads } = tf.variableGrads(() => weightedSum(encoder.encode(POSTS, { training: true }).features), encoder.trainableVariables());
        tf.dispose([value, ...Object.values(grads)]);
      };
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('rebuilds from its JSON config through the registry', () => {
      const config = JSON.parse(JSON.stringify(encoder.getConfig()));
      const rebuilt = createFromConfig<TextModality>(encoder.className, config);
      try {
        const shapes = (e: TextModality) => Object.fromEntries(Object.entries(e.namedWeights()).map(([k, v]) => [k, v.shape]));
        expect(shapes(rebuilt)).toEqual(shapes(encoder));
        expect(rebuilt.outputDim).toBe(encoder.outputDim);
        expect(rebuilt.getConfig()).toEqual(config);
      } finally {
        for (const v of Object.values(rebuilt.namedWeights())) v.dispose();
      }
    });

    it.each([false, true])('saves and loads through core artifacts with the same features (float16: %s)', async (float16) => {
      const dir = mkdtempSync(join(tmpdir(), 'text-encoder-'));
      try {
        await saveModule(encoder, join(dir, 'model'), { float16 });
        const loaded = await loadModule<TextModality>(join(dir, 'model'));
        try {
          const before = encodeToArrays(encoder, POSTS).features.flat(2);
          const after = encodeToArrays(loaded, POSTS).features.flat(2);
          const tolerance = float16 ? 5e-2 : 1e-6;
          before.forEach((v, i) => expect(Math.abs(v - after[i])).toBeLessThan(tolerance));
        } finally {
          for (const v of Object.values(loaded.namedWeights())) v.dispose();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
