// The README's example, runnable: npx tsx --tsconfig bench/tsconfig.json examples/quickstart.ts
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadModule, saveModule, tokenize } from '@trimod/core';
import { buildVocabularies, loadWinkEmbeddings, TextEncoder } from '@trimod/text-encoder';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const posts = ['Watching the #NBA finals in Paris with @jo !', 'Kevin Durant is back https://t.co/x'].map((text) =>
    tokenize(text).map((token) => token.text),
  );

  // Vocabularies from the training posts; vectors streamed from the wink package (100-d GloVe),
  // keeping only the vocabulary's rows.
  const { words, chars } = buildVocabularies(posts);
  const vectors = await loadWinkEmbeddings(words);
  console.log(`vectors for ${vectors.foundCount} of ${words.size} words (D = ${vectors.dim})`);

  const encoder = TextEncoder.create({ wordVocabulary: words, charVocabulary: chars, vectors, seed: 42 });
  const { features, mask } = encoder.encode(posts, { training: false });
  console.log('features', features.shape, 'mask', mask.shape); // [2, 9, 300] [2, 9]

  // One training step on a toy loss: gradients reach every trainable variable.
  const { value, grads } = tf.variableGrads(
    () => tf.mean(tf.square(encoder.encode(posts, { training: true }).features)) as tf.Scalar,
    encoder.trainableVariables(),
  );
  console.log('loss', value.dataSync()[0].toFixed(4), 'gradients', Object.keys(grads).length);

  // Save (float16 halves the files) and load back through core's artifacts.
  const dir = join(mkdtempSync(join(tmpdir(), 'text-encoder-')), 'model');
  await saveModule(encoder, dir, { float16: true });
  const loaded = await loadModule<TextEncoder>(dir);
  console.log('reloaded', loaded.className, loaded.outputDim);
  tf.dispose([features, mask, value, ...Object.values(grads)]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
