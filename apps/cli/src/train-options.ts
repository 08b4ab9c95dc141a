import { readdirSync } from 'node:fs';
import { recoverRun, type Modality } from '@trimod/trimod';
import { backendOption, existingFile, listOf, nonNegativeInt, oneOf, outputFolder, positiveInt, positiveNumber, probability, type BackendChoice } from './options';

/** The options of `trimod train` as commander gives them (strings). */
export interface TrainOptionStrings {
  train: string;
  dev: string;
  captions?: string;
  embeddings: string;
  epochs: string;
  out: string;
  backend: string;
  seed: string;
  modalities: string;
  optimizer: string;
  lr?: string;
  batchSize?: string;
  patience: string;
  fusion: string;
  context: string;
  pretrainedWords?: string;
  modalityDropout: string;
}

export interface TrainSettings {
  outDir: string;
  backend: BackendChoice;
  epochs: number;
  patience: number;
  seed: number;
  learningRate?: number;
  batchSize?: number;
  optimizer: 'adam' | 'paper';
  fusion: 'attention' | 'gated-attention' | 'concat';
  context: 'bigru' | 'transformer' | 'cnn' | 'none';
  modalities: Modality[];
  modalityDropout: number;
}

/**
 * Checks every numeric and path option of `trimod train` before anything is read or built:
 * `--epochs abc` used to train zero epochs and print "best dev F1 -100.00", and an `--out`
 * that is a file failed only after a whole epoch.
 */
export function checkTrainOptions(o: TrainOptionStrings): TrainSettings {
  existingFile('--train', o.train);
  existingFile('--dev', o.dev);
  if (o.captions !== undefined) existingFile('--captions', o.captions);
  if (o.embeddings !== 'glove' && o.embeddings !== 'none') existingFile('--embeddings', o.embeddings);
  if (o.pretrainedWords !== undefined) nonNegativeInt('--pretrained-words', o.pretrainedWords);
  const modalities = listOf('--modalities', o.modalities, ['text', 'hashtag', 'visual'] as const);
  if (modalities.includes('visual') && o.captions === undefined) throw new Error('--modalities: visual needs --captions (the posts\' image captions)');
  return {
    outDir: outputFolder('--out', o.out),
    backend: backendOption(o.backend),
    epochs: positiveInt('--epochs', o.epochs),
    patience: positiveInt('--patience', o.patience),
    seed: nonNegativeInt('--seed', o.seed),
    learningRate: o.lr === undefined ? undefined : positiveNumber('--lr', o.lr),
    batchSize: o.batchSize === undefined ? undefined : positiveInt('--batch-size', o.batchSize),
    optimizer: oneOf('--optimizer', o.optimizer, ['adam', 'paper'] as const),
    fusion: oneOf('--fusion', o.fusion, ['attention', 'gated-attention', 'concat'] as const),
    context: oneOf('--context', o.context, ['bigru', 'transformer', 'cnn', 'none'] as const),
    modalities,
    modalityDropout: probability('--modality-dropout', o.modalityDropout),
  };
}

/**
 * Whether the run continues from `<outDir>/checkpoint`. First repairs a save a crash cut between
 * its two renames (the checkpoint or best model moved aside is put back). A folder that already
 * holds something is refused unless the run resumes it (`--resume`) or replaces it (`--force`):
 * training into a finished run's folder would silently replace its best model.
 */
export async function prepareOutFolder(outDir: string, flags: { resume?: boolean; force?: boolean }): Promise<boolean> {
  const hasCheckpoint = await recoverRun(outDir);
  if (flags.resume && hasCheckpoint) return true;
  if (flags.force) return false;
  let entries: string[] = [];
  try {
    entries = readdirSync(outDir);
  } catch {
    return false; // not there yet: a new run creates it
  }
  if (entries.length === 0) return false;
  const holds = `${outDir} is not empty (${entries.slice(0, 4).join(', ')}${entries.length > 4 ? ', …' : ''})`;
  if (flags.resume) throw new Error(`--resume: ${holds} but has no checkpoint to resume (checkpoint/model.json); add --force to start a new run there, replacing its model/`);
  throw new Error(`--out: ${holds}; a new run would replace its best model. Add --resume to continue that run, --force to start over and replace it, or choose another --out`);
}
