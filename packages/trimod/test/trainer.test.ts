import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { labelsOf, parseTwitterNer, resumeTrain, train, TriMod, type TrainEvent } from '../src';
import { loadCheckpoint } from '../src/train/checkpoint';
import { tinyPosts, tinyTrainee } from './toy/tiny-posts';

// A tiny data set in the Twitter format (test/toy/tiny-posts.ts).
const posts = tinyPosts();

const tiny = () => tinyTrainee(posts);

beforeAll(async () => {
  await initBackend('wasm');
});

describe('train / resumeTrain', () => {
  it('trains, checkpoints every epoch, keeps the best model, and resumes where it stopped', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-train-')), 'run');
    const events: TrainEvent[] = [];
    const common = { train: posts, dev: posts, outDir, batchSize: 2, learningRate: 0.05, seed: 3, onEvent: (e: TrainEvent) => events.push(e) };
    // First run: 2 of 4 epochs, as if killed after epoch 2.
    const first = await train(tiny(), { ...common, epochs: 2 });
    expect(first.state.epochsDone).toBe(2);
    expect(events.filter((e) => e.kind === 'batch').length).toBe(4);
    expect(existsSync(path.join(outDir, 'model', 'model.json'))).toBe(true);
    expect(readdirSync(path.dirname(outDir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
    first.model.dispose();

    const ck = await loadCheckpoint(path.join(outDir, 'checkpoint'));
    expect(ck.state.epochsDone).toBe(2);
    expect(ck.optimizerWeights.length).toBeGreaterThan(0); // Adam's moments travel with the checkpoint
    tf.dispose(ck.optimizerWeights);
    ck.model.dispose();

    // Resume: the options come from the checkpoint, except the new epoch limit.
    const resumed = await resumeTrain({ ...common, epochs: 6 });
    expect(events.some((e) => e.kind === 'resume' && e.epoch === 2)).toBe(true);
    expect(resumed.state.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    const losses = resumed.state.history.map((h) => h.loss);
    expect(losses[5]).toBeLessThan(losses[0]);
    resumed.model.dispose();

    const best = await TriMod.load(path.join(outDir, 'model'));
    expect(best.labels).toEqual(labelsOf(posts));
    best.dispose();
  });

  it('names the post whose tag the model does not know', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-train-')), 'run');
    const odd = parseTwitterNer('IMGID:9\nParis\tB-GPE\n', 'odd.txt');
    const model = tiny();
    await expect(train(model, { train: odd, dev: posts, outDir, epochs: 1 })).rejects.toThrow(/tag "B-GPE" of the post at line 1 is not among the model's labels/);
    model.dispose();
  });
});
