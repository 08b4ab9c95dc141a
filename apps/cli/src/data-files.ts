import { applyBioPolicy, checkKnownTags, describeBioBreaks, labelsOf, readCaptions, readTwitterNer, type AnnotatedPost, type BioPolicy } from '@trimod/trimod';
import { status } from './progress';

/** What `trimod train` reads before it builds anything. */
export interface TrainingData {
  train: AnnotatedPost[];
  dev: AnnotatedPost[];
  captions?: Map<string, string>;
}

/** The `--bio` value, checked. */
export function bioPolicy(value: string): BioPolicy {
  if (value !== 'repair' && value !== 'refuse') throw new Error(`--bio: expected "repair" or "refuse", got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Reads and checks every data file of a training run before anything slow starts (word vectors,
 * encoders), one file at a time so an error names the file at fault: each must hold posts; an
 * `I-X` that continues no entity is repaired into `B-X` or refused (`policy`), reported in one
 * line; every dev tag must be one the training data gives the model.
 */
export async function readTrainingData(files: { train: string; dev: string; captions?: string }, policy: BioPolicy): Promise<TrainingData> {
  const train = applyBioPolicy(await readTwitterNer(files.train), files.train, policy);
  const dev = applyBioPolicy(await readTwitterNer(files.dev), files.dev, policy);
  checkKnownTags(dev.posts, files.dev, labelsOf(train.posts), `the training data's (${files.train})`);
  const captions = files.captions ? await readCaptions(files.captions) : undefined;
  const repaired = train.breaks.length + dev.breaks.length;
  const where = [train.breaks.length ? describeBioBreaks(files.train, train.breaks, 2) : '', dev.breaks.length ? describeBioBreaks(files.dev, dev.breaks, 2) : '']
    .filter(Boolean)
    .join(', ');
  status(
    repaired === 0
      ? 'BIO tags: none to repair'
      : `BIO tags: repaired ${repaired} I-X that continued no entity into B-X (${train.breaks.length} in training, ${dev.breaks.length} in dev; conlleval reads them so): ${where}`,
  );
  return { train: train.posts, dev: dev.posts, captions };
}

/** Reads an evaluation file and its captions; call `checkEvalTags` once the model is loaded. */
export async function readEvalData(file: string, captionsFile?: string): Promise<{ posts: AnnotatedPost[]; captions?: Map<string, string> }> {
  const posts = await readTwitterNer(file);
  const captions = captionsFile ? await readCaptions(captionsFile) : undefined;
  return { posts, captions };
}

/**
 * Every gold tag must be one of the model's labels: a type the model cannot predict would be
 * scored as a new type with recall 0, and the F1 would look like the model's fault.
 */
export function checkEvalTags(posts: readonly AnnotatedPost[], file: string, labels: readonly string[]): void {
  checkKnownTags(posts, file, labels, "the model's");
}
