import * as tf from '@tensorflow/tfjs-core';
import type { PostBatch, PostPrediction, TriMod } from '../model/trimod';
import { entitiesFromTags } from '../model/entities';
import type { ModelToken } from '../model/post-tokens';

/** A post ready for the model: its text, the caption it reads (if any) and its model tokens. */
export interface TokenizedPost {
  text: string;
  caption: string | null;
  tokens: ModelToken[];
}

/**
 * Tags posts in batches of posts of similar length: the posts are ordered by token count first,
 * so a batch pads to its own longest post rather than to the longest post of the whole input
 * (with social-media posts of 1 to 60 tokens, most of the padding goes). Results come back in
 * the input order. Posts without tokens get no entities and cost nothing.
 */
export async function tagPosts(
  model: TriMod,
  posts: readonly TokenizedPost[],
  batchSize: number,
  onBatch?: (done: number, total: number) => void,
): Promise<PostPrediction[]> {
  const results: PostPrediction[] = posts.map((p) => ({ text: p.text, entities: [], tokens: [] }));
  const todo = posts.map((_, i) => i).filter((i) => posts[i].tokens.length > 0);
  todo.sort((a, b) => posts[a].tokens.length - posts[b].tokens.length || a - b);
  for (let s = 0; s < todo.length; s += batchSize) {
    const idx = todo.slice(s, s + batchSize);
    const out = await tagBatch(model, idx.map((i) => posts[i]));
    idx.forEach((i, k) => (results[i] = out[k]));
    onBatch?.(Math.min(s + batchSize, todo.length), todo.length);
  }
  return results;
}

/** One forward pass: Viterbi tags, CRF marginals (entity scores) and fusion weights per token. */
async function tagBatch(model: TriMod, posts: readonly TokenizedPost[]): Promise<PostPrediction[]> {
  const batch: PostBatch = { tokens: posts.map((p) => p.tokens.map((t) => t.text)), kinds: posts.map((p) => p.tokens.map((t) => t.kind)), captions: posts.map((p) => p.caption) };
  const { emissions, mask, weights } = model.forward(batch, false);
  const T = emissions.shape[1];
  const rows = batch.tokens.map((t) => Array.from({ length: T }, (_, i) => (i < t.length ? 1 : 0)));
  const marginals = model.crf.marginals(emissions, rows);
  try {
    const [paths, marg, w] = await Promise.all([
      model.crf.decode(emissions, rows),
      marginals.array() as Promise<number[][][]>,
      weights.array() as Promise<number[][][]>,
    ]);
    const names = model.fusion.modalities;
    const byName = (row: number[]) => Object.fromEntries(names.map((name, m) => [name, row[m]]));
    return posts.map((post, b) => {
      const n = post.tokens.length;
      const tagIdx = paths[b];
      const tags = tagIdx.map((k) => model.labels[k]);
      return {
        text: post.text,
        entities: entitiesFromTags(post.text, post.tokens, tags, tagIdx, marg[b].slice(0, n), w[b].slice(0, n), names),
        tokens: post.tokens.map((t, i) => ({ text: t.text, start: t.start, end: t.end, tag: tags[i], weights: byName(w[b][i]) })),
      };
    });
  } finally {
    tf.dispose([emissions, mask, weights, marginals]);
  }
}
