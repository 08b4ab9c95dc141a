// A tiny named-entity tagger: word embeddings → a dense layer → CRF, trained with Adam.
// Run it with: npx tsx tiny-tagger.ts
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { allowedTransitions, CRF } from '@trimod/crf';

const labels = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
const sentences = [
  { words: ['alice', 'smith', 'visited', 'paris'], tags: ['B-PER', 'I-PER', 'O', 'B-LOC'] },
  { words: ['bob', 'lives', 'in', 'new', 'york'], tags: ['B-PER', 'O', 'O', 'B-LOC', 'I-LOC'] },
  { words: ['paris', 'is', 'big'], tags: ['B-LOC', 'O', 'O'] },
];

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const vocab = [...new Set(sentences.flatMap((s) => s.words))];
  const [B, T, V, D, K] = [sentences.length, Math.max(...sentences.map((s) => s.words.length)), vocab.length, 16, labels.length];

  // The batch as [B, T] tensors, padded with 0; the mask marks the real tokens.
  const pad = (row: number[]) => [...row, ...new Array(T - row.length).fill(0)];
  const wordIds = tf.tensor2d(sentences.map((s) => pad(s.words.map((w) => vocab.indexOf(w)))), [B, T], 'int32');
  const tags = tf.tensor2d(sentences.map((s) => pad(s.tags.map((t) => labels.indexOf(t)))), [B, T], 'int32');
  const mask = tf.tensor2d(sentences.map((s) => pad(s.words.map(() => 1))), [B, T]);

  // Emission scores [B, T, K] from word embeddings [V, D] and a dense layer [D, K].
  const embedding = tf.variable(tf.randomNormal([V, D], 0, 0.1, 'float32', 1));
  const dense = tf.variable(tf.randomNormal([D, K], 0, 0.1, 'float32', 2));
  const emissionsOf = (ids: tf.Tensor2D) =>
    tf.tidy(() => {
      const vectors = tf.matMul(tf.oneHot(tf.reshape(ids, [-1]), V), embedding); // [B·T, D]
      return tf.reshape(tf.matMul(vectors, dense), [B, T, K]) as tf.Tensor3D;
    });

  // BIO constraints: decoding never outputs O → I-PER or B-LOC → I-PER.
  const crf = new CRF({ numTags: K, constraints: allowedTransitions('BIO', labels), constrainTraining: true, seed: 7 });
  const optimizer = tf.train.adam(0.02);
  for (let step = 1; step <= 100; step++) {
    // Loss: negative log-likelihood of the gold tags, averaged over the batch.
    const loss = optimizer.minimize(() => tf.neg(crf.logLikelihood(emissionsOf(wordIds), tags, mask, { reduction: 'mean' })) as tf.Scalar, true);
    if (step === 1 || step % 25 === 0) console.log(`step ${step}: loss ${(await loss!.data())[0].toFixed(4)}`);
    loss!.dispose();
  }

  const emissions = emissionsOf(wordIds);
  const best = await crf.decode(emissions, mask); // number[][]: one tag index per real token
  best.forEach((row, b) => console.log(sentences[b].words.map((w, t) => `${w}/${labels[row[t]]}`).join(' ')));
  const [top] = await crf.decode(emissions, mask, { topK: 2 }); // the 2 best taggings of row 0 with their scores
  console.log('runner-up for row 0:', top[1].tags.map((i) => labels[i]).join(' '), `(score ${top[1].score.toFixed(2)} vs ${top[0].score.toFixed(2)})`);
  const probs = crf.marginals(emissions, mask); // [B, T, K]: p(tag at each token)
  const parisIsLoc = (await probs.array())[0][3][labels.indexOf('B-LOC')];
  console.log(`p("paris" is B-LOC) = ${parisIsLoc.toFixed(3)}`);
  tf.dispose([wordIds, tags, mask, emissions, probs, embedding, dense]);
  crf.dispose();
  optimizer.dispose();
}

main();
