import { existsSync } from 'node:fs';
import { TriMod, TriModEnsemble, type EnsembleCombination } from '@trimod/trimod';
import { resolveModel } from './default-model';
import { modelOption, oneOf } from './options';

/** What `--combine` accepts: how an ensemble combines its models (see @trimod/trimod's TriModEnsemble). */
export const COMBINE_CHOICES: readonly EnsembleCombination[] = ['marginals', 'scores'];

/**
 * `--model`'s value as a list of model folders: one folder (or "default"), or several separated
 * by commas for an ensemble. A value that is itself an existing folder is one model even if its
 * name holds a comma. Each folder is checked (it exists, it holds a model.json) before any loads.
 */
export function modelList(value: string | undefined, option = '--model'): string[] {
  if (value === undefined) return ['default'];
  const items = value === 'default' || existsSync(value) ? [value] : value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new Error(`${option}: an empty model in the list "${value}" (give folders separated by commas, or "default")`);
  return items.map((item) => modelOption(item, items.length > 1 ? `${option} (model "${item}")` : option) ?? 'default');
}

export function combineOption(value: string | undefined): EnsembleCombination | undefined {
  return value === undefined ? undefined : oneOf('--combine', value, COMBINE_CHOICES);
}

/**
 * One model, or an ensemble of them: several models, or one with `--combine` (an ensemble of one
 * model is that model's posterior decoding with `marginals`, and the model itself with `scores`).
 */
export async function loadTagger(models: readonly string[], combine: EnsembleCombination | undefined): Promise<TriMod | TriModEnsemble> {
  if (models.length === 1 && combine === undefined) return TriMod.load(resolveModel(models[0]));
  return TriModEnsemble.load(
    models.map((m) => resolveModel(m)),
    { combine },
  );
}
