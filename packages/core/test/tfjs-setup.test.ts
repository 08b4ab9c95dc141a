import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../src/index';

describe('tfjs set-up done by importing @trimod/core', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('registers gradients (tfjs-core\'s Node build has none)', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2, 3]));
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
    g.dispose();
  });

  it('registers chained ops', () => {
    const t = tf.tensor1d([1, 2]);
    const r = t.reshape([2, 1]);
    expect(r.shape).toEqual([2, 1]);
    tf.dispose([t, r]);
  });
});
