import * as tf from '@tensorflow/tfjs-core';
import '@trimod/core';
import { teacherForcedLoss } from '../src/decoder/teacher-forcing';
import { initBackend } from '@trimod/core';
import { START, END } from '../src/decoder/vocab';
import { loadDecoder, saveDecoder } from '../src/decoder/io';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tinyDecoder, tinyRegions, useCpu } from './helpers';

beforeAll(useCpu);

describe('CaptionDecoder', () => {
  it('prepare gives values [B,R,C], keys [B,R,A] and h0 [B,H]', () => {
    const dec = tinyDecoder();
    const regions = tinyRegions(2, 3, 6);
    const ctx = dec.prepare(regions);
    expect(ctx.values.shape).toEqual([2, 3, 7]);
    expect(ctx.keys.shape).toEqual([2, 3, 4]);
    expect(ctx.h0.shape).toEqual([2, 8]);
    tf.dispose([ctx.values, ctx.keys, ctx.h0, regions]);
    dec.dispose();
  });

  it('rejects regions of the wrong width, naming the shape', () => {
    const dec = tinyDecoder();
    const bad = tf.zeros([1, 3, 5]) as tf.Tensor3D;
    expect(() => dec.prepare(bad)).toThrow(/regions must be \[B, R, 6\], got \[1, 3, 5\]/);
    bad.dispose();
    dec.dispose();
  });

  it('standardises regions with its fixed statistics, which training leaves alone and saving keeps', async () => {
    const dec = tinyDecoder({ standardizeRegions: true });
    const plain = tinyDecoder();
    const regions = tinyRegions(1, 3, 6);
    // Fresh statistics (mean 0, invStd 1) change nothing: same seed, same weights, same output.
    const [a, b] = [dec.prepare(regions), plain.prepare(regions)];
    expect(Array.from(a.values.dataSync())).toEqual(Array.from(b.values.dataSync()));
    // With invStd 0 every region becomes 0: values are the projection's bias for any input.
    dec.setRegionStatistics(new Float32Array(6).fill(0.5), new Float32Array(6));
    const c = dec.prepare(regions);
    expect(Array.from(c.values.dataSync()).every((v) => v === 0)).toBe(true);
    expect(dec.trainableVariables().length).toBe(plain.trainableVariables().length);
    expect(() => plain.setRegionStatistics(new Float32Array(6), new Float32Array(6))).toThrow(/needs config.standardizeRegions/);
    expect(() => dec.setRegionStatistics(new Float32Array(5), new Float32Array(6))).toThrow(/must have 6 values, got 5 and 6/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decoder-std-'));
    await saveDecoder(dec, dir, { dtype: 'float32' });
    const { decoder: back } = await loadDecoder(dir);
    const d = back.prepare(regions);
    expect(Array.from(d.values.dataSync())).toEqual(Array.from(c.values.dataSync()));
    tf.dispose([a.values, a.keys, a.h0, b.values, b.keys, b.h0, c.values, c.keys, c.h0, d.values, d.keys, d.h0, regions]);
    fs.rmSync(dir, { recursive: true });
    [dec, plain, back].forEach((x) => x.dispose());
  });

  it('attention weights of a step sum to 1 over the regions', () => {
    const dec = tinyDecoder();
    const regions = tinyRegions(2, 3, 6);
    const alphaSums = tf.tidy(() => {
      const ctx = dec.prepare(regions);
      const x = dec.embeddedGates(dec.embedWords(tf.tensor1d([START, START], 'int32')));
      const out = dec.step(x, ctx.h0, ctx.keys, ctx.values);
      expect(dec.classify(out.h).shape).toEqual([2, 12]);
      return tf.sum(out.alpha, 1);
    });
    expect(Array.from(alphaSums.dataSync())).toEqual([expect.closeTo(1, 5), expect.closeTo(1, 5)]);
    tf.dispose([alphaSums, regions]);
    dec.dispose();
  });
});

describe('embedding lookup', () => {
  // The decoder embeds with tf.gather: its gradient needs UnsortedSegmentSum, which tfjs-backend-wasm
  // lacks and core registers (initBackend). This once had a hand-written host-side gradient.
  it.each(['wasm', 'cpu'] as const)("trains through tf.gather's gradient on %s with core's kernels", async (backend) => {
    await initBackend(backend);
    try {
      const dec = tinyDecoder();
      const table = dec.namedWeights()['embedding'];
      const ids = tf.tensor1d([2, 0, 2], 'int32');
      const w = tf.randomNormal([3, table.shape[1]!], 0, 1, 'float32', 5);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(dec.embedWords(ids), w)) as tf.Scalar, [table]);
      const g = grads[table.name].arraySync() as number[][];
      const rows = w.arraySync() as number[][];
      // Row 2 gets the sum of the two rows that looked it up, row 0 its one, every other row 0.
      g[2].forEach((v, k) => expect(v).toBeCloseTo(rows[0][k] + rows[2][k], 5));
      g[0].forEach((v, k) => expect(v).toBeCloseTo(rows[1][k], 5));
      for (const r of [1, ...Array.from({ length: g.length - 3 }, (_, i) => i + 3)]) expect(g[r].every((v) => v === 0)).toBe(true);
      tf.dispose([ids, w, value, ...Object.values(grads)]);
      dec.dispose();
    } finally {
      await useCpu();
    }
  });
});

describe('teacherForcedLoss', () => {
  const batch = () => ({
    regions: tinyRegions(2, 3, 6),
    imageOf: [1, 0, 0],
    captions: [
      [START, 4, 5, 6, 7, END],
      [START, 10, 6, END],
      [START, 5, END],
    ],
  });

  it.each([false, true])('starts near log V for a fresh decoder and falls when trained (deep output: %s)', async (deepOutput) => {
    const dec = tinyDecoder({ dropout: 0, deepOutput });
    const b = batch();
    const opt = tf.train.adam(0.05);
    const first = tf.tidy(() => teacherForcedLoss(dec, b).dataSync()[0]);
    expect(first).toBeGreaterThan(Math.log(12) - 0.7);
    expect(first).toBeLessThan(Math.log(12) + 0.7);
    for (let i = 0; i < 30; i++) tf.tidy(() => {
      opt.minimize(() => teacherForcedLoss(dec, b), false, dec.trainableVariables());
    });
    const last = tf.tidy(() => teacherForcedLoss(dec, b).dataSync()[0]);
    expect(last).toBeLessThan(first / 3);
    opt.dispose();
    b.regions.dispose();
    dec.dispose();
  });

  it.each([false, true])('equals the mean of per-caption losses computed one caption at a time (packing is exact; deep output: %s)', (deepOutput) => {
    const dec = tinyDecoder({ dropout: 0, deepOutput });
    const b = batch();
    const whole = tf.tidy(() => teacherForcedLoss(dec, b).dataSync()[0]);
    let sum = 0;
    let tokens = 0;
    b.captions.forEach((c, i) => {
      const one = tf.tidy(() => {
        const regions = tf.slice(b.regions, b.imageOf[i], 1) as tf.Tensor3D;
        return teacherForcedLoss(dec, { regions, imageOf: [0], captions: [c] }).dataSync()[0];
      });
      sum += one * (c.length - 1);
      tokens += c.length - 1;
    });
    expect(whole).toBeCloseTo(sum / tokens, 5);
    b.regions.dispose();
    dec.dispose();
  });

  it('a deep-output decoder has its two extra weights and needs the context and input word to classify', () => {
    const dec = tinyDecoder({ deepOutput: true });
    const names = Object.keys(dec.namedWeights());
    expect(names).toEqual(expect.arrayContaining(['deep/context', 'deep/embed']));
    expect(dec.namedWeights()['deep/context'].shape).toEqual([7, 8]);
    const h = tf.zeros([1, 8]) as tf.Tensor2D;
    expect(() => dec.classify(h)).toThrow(/deepOutput decoder classifies from the state, the attended context and the input word embedding/);
    h.dispose();
    dec.dispose();
  });

  it('drops input words only in training and only when inputDropout is set', () => {
    const b = batch();
    const loss = (dec: ReturnType<typeof tinyDecoder>, seed?: number) => tf.tidy(() => teacherForcedLoss(dec, b, seed).dataSync()[0]);
    const plain = tinyDecoder({ dropout: 0 });
    const dropping = tinyDecoder({ dropout: 0, inputDropout: 0.5 });
    expect(loss(plain, 7)).toBeCloseTo(loss(plain), 6); // no dropout configured: the seed changes nothing
    expect(loss(dropping)).toBeCloseTo(loss(plain), 6); // same weights, evaluation: no dropout
    expect(Math.abs(loss(dropping, 7) - loss(plain))).toBeGreaterThan(1e-4);
    b.regions.dispose();
    [plain, dropping].forEach((d) => d.dispose());
  });

  it('refuses captions not sorted longest first', () => {
    const dec = tinyDecoder();
    const b = batch();
    expect(() => tf.tidy(() => teacherForcedLoss(dec, { ...b, captions: [...b.captions].reverse() }))).toThrow(/sorted longest first/);
    b.regions.dispose();
    dec.dispose();
  });

  it('leaks no tensors across repeated gradient steps', () => {
    const dec = tinyDecoder();
    const b = batch();
    const opt = tf.train.adam(0.01);
    const step = () =>
      tf.tidy(() => {
        opt.minimize(() => teacherForcedLoss(dec, b, 5), false, dec.trainableVariables());
      });
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    b.regions.dispose();
    dec.dispose();
  });
});
