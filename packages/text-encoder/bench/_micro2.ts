import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
function t(label: string, f: () => tf.Tensor, n = 5) {
  const run = () => { const r = tf.tidy(f); r.dataSync(); r.dispose(); };
  run();
  const s = performance.now();
  for (let i = 0; i < n; i++) run();
  console.log(label, ((performance.now() - s) / n).toFixed(2), 'ms');
}
(async () => {
  await tf.setBackend('cpu');
  const x = tf.randomNormal([2560, 450]);
  const perm = tf.tensor1d(Int32Array.from({ length: 2560 }, (_, i) => 2559 - i), 'int32');
  t('add [2560,450]', () => tf.add(x, x));
  t('gather rows [2560,450]', () => tf.gather(x, perm));
  t('transpose [40,64,450]->[64,40,450]', () => tf.transpose(tf.reshape(x, [40, 64, 450]), [1, 0, 2]));
  const a = tf.randomNormal([2, 533, 60]); const b = tf.randomNormal([2, 533, 30]);
  t('concat last axis [2,533,60]+[2,533,30]', () => tf.concat([a, b], 2));
  t('slice leading [2560,450] rows 0..1279', () => tf.slice(x, [0, 0], [1280, 450]));
  t('slice last axis [2560,450] cols 0..300', () => tf.slice(x, [0, 0], [2560, 300]));
  t('scatterND [2560,450]', () => tf.scatterND(tf.reshape(perm, [2560, 1]), x, [2560, 450]));
  const h = tf.randomNormal([1, 2, 32, 150]); const U = tf.randomNormal([3, 2, 150, 150]);
  t('broadcast matMul [1,2,32,150]x[3,2,150,150]', () => tf.matMul(h, U));
  const h2 = tf.randomNormal([2, 32, 150]); const U2 = tf.randomNormal([2, 150, 450]);
  t('batched matMul [2,32,150]x[2,150,450]', () => tf.matMul(h2, U2));
  const h3 = tf.randomNormal([64, 150]); const U3 = tf.randomNormal([150, 450]);
  t('plain matMul [64,150]x[150,450]', () => tf.matMul(h3, U3));
})();
