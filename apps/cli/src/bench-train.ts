import { makeOptimizer, optimizerSettings, tagIndices, toBatch, trainStep, type AnnotatedPost, type TriMod } from '@trimod/trimod';

export interface TrainBench {
  /** Sentences per second over `trainSteps` steps at batch 32, after one warm-up step. */
  trainSentencesPerSecond: number;
  trainSteps: number;
  /** The optimizer those steps ran ('TrimodFusedAdam', or tfjs's 'Adam' where the backend lacks the fused kernel or TRIMOD_FUSED_ADAM=0). */
  trainOptimizer: string;
}

/**
 * `trimod bench --data`'s training figure: `trimod train`'s own step (trainStep: loss and
 * gradients of every trainable variable, global-norm clipping, the default optimizer) with
 * `trimod train`'s default settings (Adam, lr 1e-3, batch 32, clip 5), on consecutive batches
 * of the file's posts and gold tags. Trains `model` in place.
 */
export async function benchTraining(model: TriMod, posts: AnnotatedPost[], captions: Map<string, string> | undefined, trainSteps: number): Promise<TrainBench> {
  const settings = optimizerSettings('adam');
  const tags = tagIndices(posts, model.labels);
  const optimizer = makeOptimizer(settings, 0);
  const size = settings.batchSize;
  const step = async (i: number) => {
    const at = (i * size) % Math.max(1, posts.length - size);
    await trainStep(model, optimizer, toBatch(posts.slice(at, at + size), captions), tags.slice(at, at + size), settings.clipNorm);
  };
  try {
    await step(0);
    const t = performance.now();
    for (let i = 1; i <= trainSteps; i++) await step(i);
    const seconds = (performance.now() - t) / 1000;
    return { trainSentencesPerSecond: (size * trainSteps) / seconds, trainSteps, trainOptimizer: optimizer.getClassName() };
  } finally {
    optimizer.dispose();
  }
}
