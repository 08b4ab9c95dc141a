import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF } from '../src';
import { randomProblem, useCpu } from './fixtures';

beforeAll(useCpu);

describe('no tensor leaks', () => {
  test('repeated log-likelihood + gradient, decode (top-1 and top-k), marginals and log Z keep numTensors flat', async () => {
    const labels = ['O', 'B-PER', 'I-PER'];
    const crf = new CRF({ numTags: 3, constraints: allowedTransitions('BIO', labels), constrainTraining: true });
    const p = randomProblem(new SeededRandom(31), 3, 4, 3);
    const emissions = tf.tensor3d(p.emissions);
    const mask = tf.tensor2d(p.mask);
    const tags = tf.tensor2d(p.tags, undefined, 'int32');
    const optimizer = tf.train.adam(0.01);
    const round = async () => {
      optimizer.minimize(() => tf.neg(crf.logLikelihood(emissions, tags, mask, { reduction: 'tokenMean' })) as tf.Scalar)?.dispose();
      await crf.decode(emissions, mask);
      await crf.decode(emissions, mask, { topK: 3 });
      crf.decodeSync(emissions, mask, { topK: 2 });
      tf.dispose([crf.marginals(emissions, mask), crf.logPartition(emissions, mask), crf.logLikelihood(emissions, tags, mask, { reduction: 'none' })]);
    };
    // The first round creates the optimizer's slots; count from after it.
    await round();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await round();
    expect(tf.memory().numTensors).toBe(before);
    // A failing call must not leak either.
    await expect(crf.decode(emissions, [[1, 0, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0]])).rejects.toThrow(/not a prefix/);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    tf.dispose([emissions, mask, tags]);
    crf.dispose();
  });

  test('dispose frees the three weight variables', () => {
    const before = tf.memory().numTensors;
    const crf = new CRF({ numTags: 4 });
    expect(tf.memory().numTensors).toBe(before + 3);
    crf.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
