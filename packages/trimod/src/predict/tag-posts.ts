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

/** Tags one batch of posts, each with at least one token. */
export type TagBatch = (posts: readonly TokenizedPost[]) => Promise<PostPrediction[]>;

/**
 * What the predict paths (`predict`, `predictStream`) need from a tagger: a TriMod, or an
 * ensemble of them (see ensemble/ensemble.ts), which tags a batch in its own way.
 */
export interface PostTagger {
  /** Whether a post's caption changes the output (so an image is worth captioning). */
  readonly readsCaptions: boolean;
  tagBatch: TagBatch;
}

/** One model as a PostTagger. */
export function singleModelTagger(model: TriMod): PostTagger {
  return { readsCaptions: model.readsCaptions, tagBatch: (posts) => tagBatch(model, posts) };
}

/**
 * Tags posts in batches of posts of similar length: the posts are ordered by token count first,
 * so a batch pads to its own longest post rather than to the longest post of the whole input
 * (with social-media posts of 1 to 60 tokens, most of the padding goes). Results come back in
 * the input order. Posts without tokens get no entities and cost nothing.
 */
export async function tagPosts(
  tagger: PostTagger,
  posts: readonly TokenizedPost[],
  batchSize: number,
  onBatch?: (done: number, total: number) => void,
): Promise<PostPrediction[]> {
  const results: PostPrediction[] = posts.map((p) => ({ text: p.text, entities: [], tokens: [] }));
  const todo = posts.map((_, i) => i).filter((i) => posts[i].tokens.length > 0);
  todo.sort((a, b) => posts[a].tokens.length - posts[b].tokens.length || a - b);
  for (let s = 0; s < todo.length; s += batchSize) {
    const idx = todo.slice(s, s + batchSize);
    const out = await tagger.tagBatch(idx.map((i) => posts[i]));
    idx.forEach((i, k) => (results[i] = out[k]));
    onBatch?.(Math.min(s + batchSize, todo.length), todo.length);
  }
  return results;
}

/** The model input for tokenized posts. */
export function postBatch(posts: readonly TokenizedPost[]): PostBatch {
  return { tokens: posts.map((p) => p.tokens.map((t) => t.text)), kinds: posts.map((p) => p.tokens.map((t) => t.kind)), captions: posts.map((p) => p.caption) };
}

/** Token mask rows [B][T] for posts padded to T steps. */
export function maskOf(posts: readonly TokenizedPost[], steps: number): number[][] {
  return posts.map((p) => Array.from({ length: steps }, (_, i) => (i < p.tokens.length ? 1 : 0)));
}

/**
 * What a batch's decoding gives: tag indices per post, and CRF marginals [B·T·K] and fusion
 * weights [B·T·M] as flat row-major arrays (T = steps, padded rows included).
 */
export interface DecodedBatch {
  labels: readonly string[];
  paths: number[][];
  steps: number;
  marginals: Float32Array;
  weights: Float32Array;
  /** The modalities the weights' columns stand for. */
  modalities: readonly string[];
}

/** Predictions (entities with scores and weights, tokens with tags) from a decoded batch. */
export function predictionsOf(posts: readonly TokenizedPost[], d: DecodedBatch): PostPrediction[] {
  const K = d.labels.length;
  const M = d.modalities.length;
  const byName = (row: ArrayLike<number>) => Object.fromEntries(d.modalities.map((name, m) => [name, row[m]]));
  // Each token's row as a view of the flat arrays: no copies.
  const rows = (flat: Float32Array, width: number, b: number, n: number) => Array.from({ length: n }, (_, t) => flat.subarray((b * d.steps + t) * width, (b * d.steps + t + 1) * width));
  return posts.map((post, b) => {
    const n = post.tokens.length;
    const tagIdx = d.paths[b];
    const tags = tagIdx.map((k) => d.labels[k]);
    const w = rows(d.weights, M, b, n);
    return {
      text: post.text,
      entities: entitiesFromTags(post.text, post.tokens, tags, tagIdx, rows(d.marginals, K, b, n), w, d.modalities),
      tokens: post.tokens.map((t, i) => ({ text: t.text, start: t.start, end: t.end, tag: tags[i], weights: byName(w[i]) })),
    };
  });
}

/** One forward pass: Viterbi tags, CRF marginals (entity scores) and fusion weights per token. */
async function tagBatch(model: TriMod, posts: readonly TokenizedPost[]): Promise<PostPrediction[]> {
  const { emissions, mask, weights } = model.forward(postBatch(posts), false);
  const rows = maskOf(posts, emissions.shape[1]);
  const marginals = model.crf.marginals(emissions, rows);
  try {
    const [paths, marg, w] = await Promise.all([model.crf.decode(emissions, rows), marginals.data() as Promise<Float32Array>, weights.data() as Promise<Float32Array>]);
    return predictionsOf(posts, { labels: model.labels, paths, steps: emissions.shape[1], marginals: marg, weights: w, modalities: model.fusion.modalities });
  } finally {
    tf.dispose([emissions, mask, weights, marginals]);
  }
}
