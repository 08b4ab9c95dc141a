import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom, type JsonObject } from '@trimod/core';
import type { AnnotatedPost } from '../data/twitter-reader';
import { applyBioPolicy, type BioPolicy } from '../data/bio';
import { evaluateModel } from '../eval/evaluate';
import type { TriMod } from '../model/trimod';
import { tagIndices, toBatch } from './batches';
import { checkTrainLengths, maxTrainTokens } from './length-limit';
import { loadCheckpoint, recoverRun, saveCheckpoint, type TrainerState } from './checkpoint';
import { makeOptimizer, optimizerSettings, type OptimizerPreset, type OptimizerSettings } from './optimizers';
import { applyUpdate } from './step';

export type TrainEvent =
  | { kind: 'batch'; epoch: number; batch: number; batches: number; loss: number; sentencesPerSecond: number }
  | { kind: 'epoch'; epoch: number; loss: number; devF1: number; best: boolean; seconds: number; sentencesPerSecond: number }
  | { kind: 'resume'; epoch: number; bestF1: number }
  | { kind: 'stop'; reason: string };

export interface TrainOptions {
  train: AnnotatedPost[];
  dev: AnnotatedPost[];
  captions?: Map<string, string>;
  /** Folder for `checkpoint/` (after every epoch) and `model/` (best dev F1). */
  outDir: string;
  epochs?: number;
  /** Stop after this many epochs without a better dev F1. */
  patience?: number;
  optimizer?: OptimizerPreset;
  learningRate?: number;
  batchSize?: number;
  seed?: number;
  /** Metadata saved with the best model (e.g. the command that trained it). */
  metadata?: JsonObject;
  onEvent?: (e: TrainEvent) => void;
  /**
   * Training tags `I-X` that continue no entity (IOB1 leftovers): `repair` (default) trains on
   * them as `B-X`, which is how conlleval scores them; `refuse` throws a DataFormatError naming
   * their lines. (The BIO-constrained CRF cannot learn from such a path as it is.)
   */
  bio?: BioPolicy;
  /** The training data's file name, for error messages (default `<training posts>`). */
  trainFile?: string;
  /**
   * The longest training post, in tokens; a longer one is refused before training starts
   * (default: maxTrainTokens(batch size), 500 at batch 32; see length-limit.ts).
   */
  maxPostTokens?: number;
}

export interface TrainResult {
  model: TriMod;
  state: TrainerState;
}

/**
 * Trains a TriMod model with early stopping on dev F1. After every epoch a checkpoint (model,
 * optimizer, trainer state) is written atomically to `<outDir>/checkpoint`; the best model so
 * far to `<outDir>/model`. `resumeTrain` continues a killed run from its last checkpoint.
 */
export async function train(model: TriMod, opts: TrainOptions): Promise<TrainResult> {
  const settings = optimizerSettings(opts.optimizer ?? 'adam', { learningRate: opts.learningRate, batchSize: opts.batchSize });
  const state: TrainerState = {
    epochsDone: 0,
    bestF1: -1,
    bestEpoch: -1,
    sinceBest: 0,
    history: [],
    options: {
      epochs: opts.epochs ?? 30,
      patience: opts.patience ?? 5,
      seed: opts.seed ?? 1,
      ...settings,
    } as unknown as JsonObject,
  };
  return runEpochs(model, state, settings, [], opts);
}

/** Continues the run whose checkpoint is in `<outDir>/checkpoint`. */
export async function resumeTrain(opts: TrainOptions): Promise<TrainResult> {
  await recoverRun(opts.outDir);
  const { model, optimizerWeights, state } = await loadCheckpoint(`${opts.outDir}/checkpoint`);
  // A resumed run keeps its optimizer settings and seed; the epoch limit and patience may change
  // (e.g. to train a finished run for longer).
  if (opts.epochs !== undefined) state.options.epochs = opts.epochs;
  if (opts.patience !== undefined) state.options.patience = opts.patience;
  // Dropout continues from where it stood, so the resumed run equals an uninterrupted one.
  if (state.random) model.setRandomState(state.random);
  const o = state.options as unknown as OptimizerSettings;
  const settings = optimizerSettings(o.preset, o);
  opts.onEvent?.({ kind: 'resume', epoch: state.epochsDone, bestF1: state.bestF1 });
  return runEpochs(model, state, settings, optimizerWeights, opts);
}

async function runEpochs(model: TriMod, state: TrainerState, settings: OptimizerSettings, optimizerWeights: tf.Tensor[], opts: TrainOptions): Promise<TrainResult> {
  const epochs = Number(state.options.epochs);
  const patience = Number(state.options.patience);
  const seed = Number(state.options.seed);
  const labels = model.labels;
  const trainFile = opts.trainFile ?? '<training posts>';
  checkTrainLengths(opts.train, trainFile, opts.maxPostTokens ?? maxTrainTokens(settings.batchSize));
  opts = { ...opts, train: applyBioPolicy(opts.train, trainFile, opts.bio ?? 'repair').posts };
  const gold = tagIndices(opts.train, labels);
  tagIndices(opts.dev, labels); // fail early on a dev label the model does not know
  const vars = model.trainableVariables();
  let optimizer = makeOptimizer(settings, state.epochsDone);
  if (optimizerWeights.length && settings.preset === 'adam') {
    await optimizer.setWeights(optimizerWeights.map((tensor, i) => ({ name: `slot${i}`, tensor })));
  }
  tf.dispose(optimizerWeights);

  for (let epoch = state.epochsDone; epoch < epochs; epoch++) {
    if (state.sinceBest >= patience) {
      opts.onEvent?.({ kind: 'stop', reason: `no better dev F1 for ${patience} epochs` });
      break;
    }
    if (settings.preset === 'paper' && epoch !== state.epochsDone) {
      optimizer.dispose();
      optimizer = makeOptimizer(settings, epoch);
    }
    const t0 = performance.now();
    // The order depends only on seed and epoch, so a resumed run sees the same batches.
    const order = new SeededRandom(seed * 1000 + epoch).shuffle(opts.train.map((_, i) => i));
    const batches: number[][] = [];
    for (let s = 0; s < order.length; s += settings.batchSize) batches.push(order.slice(s, s + settings.batchSize));
    let lossSum = 0;
    let accumulated: Record<string, tf.Tensor> | null = null;
    let inAccumulation = 0;
    for (let b = 0; b < batches.length; b++) {
      const idx = batches[b];
      const posts = idx.map((i) => opts.train[i]);
      const batch = toBatch(posts, opts.captions);
      const tags = idx.map((i) => gold[i]);
      const { value, grads } = tf.variableGrads(() => model.loss(batch, tags), vars);
      lossSum += (await value.data())[0] * idx.length;
      value.dispose();
      // A variable the loss does not reach in this batch (the hashtag encoder's, in a batch
      // without hashtags) has no gradient; sums keep what each batch has.
      accumulated = accumulated ? addGradients(accumulated, grads) : grads;
      inAccumulation++;
      if (inAccumulation === settings.accumulation || b === batches.length - 1) {
        applyUpdate(optimizer, vars, accumulated, settings.clipNorm); // disposes the gradients
        accumulated = null;
        inAccumulation = 0;
      }
      const done = Math.min((b + 1) * settings.batchSize, order.length);
      opts.onEvent?.({
        kind: 'batch',
        epoch,
        batch: b + 1,
        batches: batches.length,
        loss: lossSum / done,
        sentencesPerSecond: done / ((performance.now() - t0) / 1000),
      });
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    const dev = await evaluateModel(model, opts.dev, { captions: opts.captions });
    const best = dev.f1 > state.bestF1;
    const entry = { epoch, loss: lossSum / order.length, devF1: dev.f1, seconds: trainSeconds, sentencesPerSecond: order.length / trainSeconds };
    state.history.push(entry);
    state.epochsDone = epoch + 1;
    if (best) {
      state.bestF1 = dev.f1;
      state.bestEpoch = epoch;
      state.sinceBest = 0;
      await model.save(`${opts.outDir}/model`, {
        ...(opts.metadata ?? {}),
        epoch,
        dev: { precision: dev.precision, recall: dev.recall, f1: dev.f1 },
        modalities: model.modalities,
      } as JsonObject);
    } else {
      state.sinceBest++;
    }
    state.random = model.randomState();
    await saveCheckpoint(`${opts.outDir}/checkpoint`, model, settings.preset === 'adam' ? optimizer : null, state);
    opts.onEvent?.({ kind: 'epoch', epoch, loss: entry.loss, devF1: dev.f1, best, seconds: trainSeconds, sentencesPerSecond: entry.sentencesPerSecond });
  }
  optimizer.dispose();
  return { model, state };
}

/** The sum of two gradient maps; a variable in only one keeps its gradient. Disposes both inputs' tensors. */
function addGradients(a: Record<string, tf.Tensor>, b: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  const sum: Record<string, tf.Tensor> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) sum[k] = a[k] && b[k] ? tf.add(a[k], b[k]) : tf.clone(a[k] ?? b[k]);
  tf.dispose([...Object.values(a), ...Object.values(b)]);
  return sum;
}
