import * as tf from '@tensorflow/tfjs-core';
import '@trimod/core';
import { ALPHABET_SIZE, charId } from '../src/alphabet';
import { BoundaryModel, boundaryWeightShapes, parseBoundaryConfig } from '../src/neural/boundary-model';
import { charBatch } from '../src/neural/char-batch';
import { useWasm } from './wasm-backend';

const tiny = { charDim: 4, convWidth: 3, convFilters: 5, hidden: 6, decoderDim: 4, seed: 3 };

beforeAll(useWasm);

describe('alphabet', () => {
  it('maps every code point to an id below ALPHABET_SIZE, keeping ASCII case', () => {
    for (const ch of ['a', 'Z', '0', '_', 'é', 'Ж', 'ж', '東', '😍', '\u0301', ' ', '\u0000']) {
      const id = charId(ch);
      expect(id).toBeGreaterThanOrEqual(0);
      expect(id).toBeLessThan(ALPHABET_SIZE);
    }
    expect(charId('a')).not.toBe(charId('A'));
    expect(charId('é')).toBe(charId('e'));
  });
});

describe('BoundaryModel', () => {
  it('gives logits [B, T] and states [B, T, 2H] without leaking tensors', () => {
    const model = new BoundaryModel(tiny);
    const batch = charBatch([Array.from('abc'), Array.from('hello')]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const out = model.forward(batch, true);
      expect(out.logits.shape).toEqual([2, 5]);
      expect(out.states!.shape).toEqual([2, 5, 12]);
      tf.dispose([out.logits, out.states!]);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('gives the same values at real positions whatever the padding', () => {
    const model = new BoundaryModel(tiny);
    const alone = model.forward(charBatch([Array.from('abc')]), true);
    const padded = model.forward(charBatch([Array.from('abc'), Array.from('longer text')], 11), true);
    const a = alone.logits.arraySync()[0];
    const p = padded.logits.arraySync()[0].slice(0, 3);
    p.forEach((v, i) => expect(v).toBeCloseTo(a[i], 5));
    const sa = alone.states!.arraySync()[0];
    const sp = padded.states!.arraySync()[0].slice(0, 3);
    sp.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(sa[i][j], 5)));
    tf.dispose([alone.logits, alone.states!, padded.logits, padded.states!]);
    model.dispose();
  });

  it('computes the same logits on the training path (one-hot matMul) and the JS path', () => {
    const model = new BoundaryModel(tiny);
    const batch = charBatch([Array.from('NBAFinals'), Array.from('x1')]);
    const fast = model.forward(batch);
    const slow = tf.tidy(() => tf.transpose(model.forwardTimeMajor(batch, true).logits));
    const f = fast.logits.dataSync();
    const s = slow.dataSync();
    f.forEach((v, i) => expect(v).toBeCloseTo(s[i], 4));
    tf.dispose([fast.logits, slow]);
    model.dispose();
  });

  it('trains: gradients reach every weight and a few steps lower the loss', () => {
    const model = new BoundaryModel(tiny);
    const batch = charBatch([Array.from('abab'), Array.from('abba')]);
    // Time-major labels [T, B]: a boundary after every "b".
    const y = tf.tensor2d([0, 0, 1, 0, 0, 1, 1, 0], [4, 2]);
    const loss = () =>
      tf.tidy(() => {
        const { logits } = model.forwardTimeMajor(batch, true);
        return tf.mean(tf.sub(tf.softplus(logits), tf.mul(y, logits))) as tf.Scalar;
      });
    const { grads, value } = tf.variableGrads(loss, model.trainableVariables());
    expect(Object.keys(grads).length).toBe(boundaryWeightShapes(model.config).length);
    for (const g of Object.values(grads)) expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    const first = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    const opt = tf.train.adam(0.05);
    for (let i = 0; i < 15; i++) tf.dispose(opt.minimize(loss, true, model.trainableVariables()) ?? []);
    const last = loss();
    expect(last.dataSync()[0]).toBeLessThan(first);
    tf.dispose([last, y]);
    opt.dispose();
    model.dispose();
  });

  it('checks configs and given weights by name and shape', () => {
    expect(() => parseBoundaryConfig({ convWidth: 4 })).toThrow(/"convWidth" must be odd/);
    expect(() => parseBoundaryConfig({ hidden: -1 })).toThrow(/"hidden" must be a non-negative integer/);
    expect(() => new BoundaryModel(tiny, { charEmbedding: tf.zeros([2, 2]) })).toThrow(/"charEmbedding" has shape \[2,2\], expected \[75,4\]/);
  });
});
