import type { AnnotatedPost } from '../data/twitter-reader';
import type { PostBatch } from '../model/trimod';
import { evaluateTags, type EvaluationResult } from './metrics';
import { toBatch } from '../train/batches';

export interface EvaluateOptions {
  captions?: Map<string, string>;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Tags every post with the model (a TriMod or an ensemble of them) and scores the tags against the gold ones (entity-level P/R/F1). */
export async function evaluateModel(model: { tagTokens(batch: PostBatch): Promise<string[][]> }, posts: readonly AnnotatedPost[], opts: EvaluateOptions = {}): Promise<EvaluationResult & { seconds: number }> {
  const t0 = performance.now();
  const batchSize = opts.batchSize ?? 64;
  // Batches of posts of similar length: a batch pads to its own longest post, so one very long
  // post no longer multiplies the memory and time of 63 short ones. Tags come back in file order.
  const order = posts.map((_, i) => i).sort((a, b) => posts[a].tokens.length - posts[b].tokens.length || a - b);
  const predicted: string[][] = new Array(posts.length);
  for (let s = 0; s < order.length; s += batchSize) {
    const idx = order.slice(s, s + batchSize);
    const tags = await model.tagTokens(toBatch(idx.map((i) => posts[i]), opts.captions));
    idx.forEach((i, k) => (predicted[i] = tags[k]));
    opts.onProgress?.(Math.min(s + batchSize, posts.length), posts.length);
  }
  const result = evaluateTags(
    posts.map((p) => p.tags),
    predicted,
  );
  return { ...result, seconds: (performance.now() - t0) / 1000 };
}
