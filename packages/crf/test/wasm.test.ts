import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF, type ScoredPath } from '../src';
import { randomizeWeights, randomProblem } from './fixtures';

const labels = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];

interface Results {
  loss: number;
  grads: Record<string, number[]>;
  emissionGrad: number[];
  best: number[][];
  topK: ScoredPath[][];
  marginals: number[];
}

/** Everything the wasm backend must reproduce, computed on the active backend. */
async function run(crf: CRF, p: ReturnType<typeof randomProblem>): Promise<Results> {
  const emissions = tf.tensor3d(p.emissions);
  const mask = tf.tensor2d(p.mask);
  const tags = tf.tensor2d(p.tags, undefined, 'int32');
  const loss = (e: tf.Tensor) => tf.neg(crf.logLikelihood(e as tf.Tensor3D, tags, mask, { reduction: 'mean' })) as tf.Scalar;
  const { value, grads } = tf.variableGrads(() => loss(emissions), crf.trainableVariables());
  const emissionGrad = tf.grad(loss)(emissions);
  const probs = crf.marginals(emissions, mask);
  const results: Results = {
    loss: value.dataSync()[0],
    grads: Object.fromEntries(Object.entries(crf.namedWeights()).map(([name, v]) => [name, Array.from(grads[v.name].dataSync())])),
    emissionGrad: Array.from(emissionGrad.dataSync()),
    best: await crf.decode(emissions, mask),
    topK: await crf.decode(emissions, mask, { topK: 3 }),
    marginals: Array.from(probs.dataSync()),
  };
  tf.dispose([emissions, mask, tags, value, emissionGrad, probs, ...Object.values(grads)]);
  return results;
}

const expectAllClose = (a: number[], b: number[], digits: number) => {
  expect(a).toHaveLength(b.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i], digits));
};

describe('wasm backend', () => {
  test('log-likelihood, gradients, decode and marginals equal the cpu backend', async () => {
    tf.env().set('IS_TEST', true);
    await tf.setBackend('cpu');
    const random = new SeededRandom(61);
    const crf = new CRF({ numTags: labels.length, constraints: allowedTransitions('BIO', labels), constrainTraining: true });
    randomizeWeights(crf, random, 2);
    const p = randomProblem(random, 4, 7, labels.length, 4);
    // Gold tags must be valid BIO for constrainTraining to leave a normal-sized loss: use B-/O only.
    p.tags = p.tags.map((row) => row.map((tag) => (tag % 2 === 1 ? tag : 0)));

    const onCpu = await run(crf, p);

    setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
    expect(await tf.setBackend('wasm')).toBe(true);
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = await run(crf, p);

    expect(onWasm.loss).toBeCloseTo(onCpu.loss, 4);
    for (const name of Object.keys(onCpu.grads)) expectAllClose(onWasm.grads[name], onCpu.grads[name], 5);
    expectAllClose(onWasm.emissionGrad, onCpu.emissionGrad, 5);
    expect(onWasm.best).toEqual(onCpu.best);
    expect(onWasm.topK.map((row) => row.map((x) => x.tags))).toEqual(onCpu.topK.map((row) => row.map((x) => x.tags)));
    expectAllClose(onWasm.topK.flat().map((x) => x.score), onCpu.topK.flat().map((x) => x.score), 4);
    expectAllClose(onWasm.marginals, onCpu.marginals, 5);
    crf.dispose();
  });
});
