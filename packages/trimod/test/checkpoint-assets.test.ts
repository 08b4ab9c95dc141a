import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { createHashtagEncoder, HashtagEncoder, HashtagSegmenter, Lexicon, loadSegmenter } from '@trimod/hashtag-segmenter';
import { TriMod } from '../src';
import { loadCheckpoint, saveCheckpoint, type TrainerState } from '../src/train/checkpoint';

// A training checkpoint carries the model's assets (the hashtag encoder's lexicon), so a resumed
// run segments hashtags with the lexicon it was trained with, not with none.

const LABELS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-MISC', 'I-MISC'];

it('a checkpoint of a model with a hashtag encoder restores its lexicon', async () => {
  await initBackend('wasm');
  const shipped = await loadSegmenter();
  const { words, chars } = buildVocabularies([['Go', '#', 'NBAFinals']]);
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 4, charDim: 4, charHidden: 4, wordHidden: 4, shapeDim: 2, seed: 1 });
  const oneWord = new HashtagSegmenter(shipped.model, new Lexicon([['nbafinals', 1]]));
  const hashtag = await createHashtagEncoder({ outputDim: 4, seed: 1 }, oneWord);
  const model = TriMod.create({ labels: LABELS, text, hashtag: hashtag as never, fusion: { outputDim: 4, attentionDim: 4 }, seed: 1 });
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-ckpt-assets-')), 'checkpoint');
  const state = { epochsDone: 1, bestF1: 0, bestEpoch: 0, sinceBest: 0, history: [] } as unknown as TrainerState;
  await saveCheckpoint(dir, model, null, state);
  expect(existsSync(path.join(dir, 'hashtag.lexicon.txt'))).toBe(true);
  const before = tf.memory().numTensors;
  const back = await loadCheckpoint(dir);
  const encoder = back.model.hashtag as unknown as HashtagEncoder;
  expect(encoder.segmentTokens(['#NBAFinals'])).toEqual([['NBAFinals']]);
  back.model.dispose();
  tf.dispose(back.optimizerWeights);
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
  shipped.dispose();
});
