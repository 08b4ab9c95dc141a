import * as tf from '@tensorflow/tfjs-core';
import { hasAssets, withoutRandomInit, type JsonObject } from '@trimod/core';
import { assetFilesOf, assignWeights, loadArtifact, recoverInterruptedSave, saveArtifact } from '@trimod/core/artifacts';
import { TriMod } from '../model/trimod';

/** What the trainer needs to go on after a restart. Plain JSON. */
export interface TrainerState {
  /** Epochs finished (the next epoch to run is this number). */
  epochsDone: number;
  bestF1: number;
  bestEpoch: number;
  /** Epochs since the best dev F1 (early stopping). */
  sinceBest: number;
  history: Array<{ epoch: number; loss: number; devF1: number; seconds: number; sentencesPerSecond: number }>;
  /** The options the run started with, so a resumed run uses the same ones. */
  options: JsonObject;
  /**
   * Where the model's random generators (dropout) stood after the last epoch (TriMod.randomState).
   * The batch order needs nothing here: it follows from the seed and the epoch number.
   */
  random?: JsonObject;
}

export const CHECKPOINT_CLASS = 'TriModCheckpoint';

/**
 * Writes the model, the optimizer's state and the trainer's state as one artifact, atomically
 * (core's saveArtifact): a run killed at any moment leaves the previous checkpoint whole.
 */
export async function saveCheckpoint(dir: string, model: TriMod, optimizer: tf.Optimizer | null, state: TrainerState): Promise<void> {
  const weights: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(model.namedWeights())) weights[`model/${k}`] = v;
  const optWeights = optimizer ? await optimizer.getWeights() : [];
  // Optimizer slots are stored by position: tfjs optimizers match them to variables by order,
  // and our variables are always listed in the same order.
  optWeights.forEach((w, i) => (weights[`optimizer/${String(i).padStart(5, '0')}`] = w.tensor));
  await saveArtifact(dir, {
    className: CHECKPOINT_CLASS,
    config: { model: model.getConfig(), state: state as unknown as JsonObject, optimizerSlots: optWeights.length },
    weights,
    // The model's assets (a hashtag encoder's lexicon), so a resumed run segments as before.
    ...(hasAssets(model) ? { extraFiles: model.assets() } : {}),
  });
}

/** Loads a checkpoint: the model, the optimizer slot tensors (in order) and the trainer state. */
export async function loadCheckpoint(dir: string): Promise<{ model: TriMod; optimizerWeights: tf.Tensor[]; state: TrainerState }> {
  const art = await loadArtifact(dir);
  if (art.className !== CHECKPOINT_CLASS) throw new Error(`${dir}: not a training checkpoint (class ${art.className})`);
  const config = art.config as { model: JsonObject; state: JsonObject; optimizerSlots: number };
  // Every weight comes from the checkpoint: build without drawing initial values.
  const model = withoutRandomInit(() => TriMod.fromConfig(config.model));
  const modelWeights: Record<string, tf.Tensor> = {};
  const optimizerWeights: tf.Tensor[] = [];
  for (const [k, t] of Object.entries(art.weights)) {
    if (k.startsWith('model/')) modelWeights[k.slice('model/'.length)] = t;
  }
  for (let i = 0; i < config.optimizerSlots; i++) optimizerWeights.push(art.weights[`optimizer/${String(i).padStart(5, '0')}`]);
  try {
    assignWeights(model, modelWeights, `${dir}/model.json`);
    if (hasAssets(model)) await model.restoreAssets(assetFilesOf(art));
  } catch (err) {
    model.dispose();
    tf.dispose(optimizerWeights);
    throw err;
  } finally {
    tf.dispose(Object.values(modelWeights));
  }
  return { model, optimizerWeights, state: config.state as unknown as TrainerState };
}

/**
 * Repairs a run folder after a crash in the middle of an atomic save: a save killed between
 * moving the old checkpoint (or best model) aside and moving the new one in leaves
 * `checkpoint.bak-<pid>-<hex>` and no `checkpoint/`; this puts the backup back (and removes the
 * leftovers of dead saves), so a resumed run continues from it instead of starting over.
 * Returns whether `<outDir>/checkpoint` now holds a checkpoint.
 */
export async function recoverRun(outDir: string): Promise<boolean> {
  const { existsSync } = await import('node:fs');
  await recoverInterruptedSave(`${outDir}/checkpoint`);
  await recoverInterruptedSave(`${outDir}/model`);
  return existsSync(`${outDir}/checkpoint/model.json`);
}
