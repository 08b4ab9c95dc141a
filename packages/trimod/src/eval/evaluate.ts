import type { AnnotatedPost } from '../data/twitter-reader';
import type { TriMod } from '../model/trimod';
import { evaluateTags, type EvaluationResult } from './metrics';
import { toBatch } from '../train/batches';

export interface EvaluateOptions {
  captions?: Map<string, string>;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Tags every post with the model and scores the tags against the gold ones (entity-level P/R/F1). */
export async function evaluateModel(model: TriMod, posts: readonly AnnotatedPost[], opts: EvaluateOptions = {}): Promise<EvaluationResult & { seconds: number }> {
  const t0 = performance.now();
  const batchSize = opts.batchSize ?? 64;
  const predicted: string[][] = [];
  for (let s = 0; s < posts.length; s += batchSize) {
    const chunk = posts.slice(s, s + batchSize);
    predicted.push(...(await model.tagTokens(toBatch(chunk, opts.captions))));
    opts.onProgress?.(Math.min(s + batchSize, posts.length), posts.length);
  }
  const result = evaluateTags(
    posts.map((p) => p.tags),
    predicted,
  );
  return { ...result, seconds: (performance.now() - t0) / 1000 };
}
