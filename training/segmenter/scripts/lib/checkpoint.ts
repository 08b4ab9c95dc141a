/**
 * Training checkpoints: the network's weights, Adam's state and the step, one artifact written
 * atomically by core's saveArtifact, so an interrupted run resumes from the last complete one.
 * Adam's slots are stored under the weights' stable names, not tfjs variable names (which
 * carry a per-process counter).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { JsonObject } from '@trimod/core';
import { loadArtifact, saveArtifact } from '@trimod/core/artifacts';
import type { BoundaryModel } from '../../../../packages/hashtag-segmenter/src/neural/boundary-model';

const CHECKPOINT_CLASS = 'HashtagSegmenterCheckpoint';

export interface RunIdentity {
  steps: number;
  batchSize: number;
  seed: number;
}

interface CheckpointConfig {
  step: number;
  run: RunIdentity;
  config: object;
}

function stableNames(model: BoundaryModel): Map<string, string> {
  const byVariable = new Map<string, string>();
  for (const [name, v] of Object.entries(model.namedWeights())) byVariable.set(v.name, name);
  return byVariable;
}

export async function saveCheckpoint(dir: string, model: BoundaryModel, optimizer: tf.Optimizer, step: number, run: RunIdentity): Promise<void> {
  const names = stableNames(model);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(model.namedWeights())) tensors[`weight:${name}`] = v;
  const slots = await optimizer.getWeights();
  for (const { name, tensor } of slots) {
    const slash = name.lastIndexOf('/');
    const variable = slash > 0 ? name.slice(0, slash) : name;
    const stable = names.get(variable);
    tensors[stable ? `optimizer:${stable}${name.slice(slash)}` : `optimizer:${name}`] = tensor;
  }
  const config: CheckpointConfig = { step, run, config: model.config };
  try {
    await saveArtifact(dir, { className: CHECKPOINT_CLASS, config: config as unknown as JsonObject, weights: tensors });
  } finally {
    // getWeights() makes a fresh tensor for the iteration count; the moment slots are live variables.
    for (const { name, tensor } of slots) if (name === 'iter') tensor.dispose();
  }
}

/** Restores weights and optimizer state; returns the step to continue from. */
export async function loadCheckpoint(dir: string, model: BoundaryModel, optimizer: tf.Optimizer, run: RunIdentity): Promise<number> {
  const art = await loadArtifact(dir);
  const json = art.config as unknown as CheckpointConfig;
  if (art.className !== CHECKPOINT_CLASS || JSON.stringify(json.run) !== JSON.stringify(run) || JSON.stringify(json.config) !== JSON.stringify(model.config)) {
    tf.dispose(Object.values(art.weights));
    throw new Error(
      `checkpoint ${dir} belongs to another run (${JSON.stringify(json.run)}, config ${JSON.stringify(json.config)}); ` +
        'pass --fresh to start over or --checkpoints to use another folder',
    );
  }
  const tensors = art.weights;
  const weights = model.namedWeights();
  const slots: { name: string; tensor: tf.Tensor }[] = [];
  for (const [key, t] of Object.entries(tensors)) {
    if (key.startsWith('weight:')) {
      const v = weights[key.slice('weight:'.length)];
      if (!v) throw new Error(`checkpoint ${dir}: unknown weight ${key}`);
      v.assign(t);
      t.dispose();
    } else {
      const name = key.slice('optimizer:'.length);
      const slash = name.lastIndexOf('/');
      const v = slash > 0 ? weights[name.slice(0, slash)] : undefined;
      slots.push({ name: v ? `${v.name}${name.slice(slash)}` : name, tensor: t });
    }
  }
  await optimizer.setWeights(slots);
  return json.step;
}
