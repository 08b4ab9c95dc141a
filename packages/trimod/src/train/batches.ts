import { tokenKinds } from '@trimod/core';
import type { AnnotatedPost } from '../data/twitter-reader';
import type { PostBatch } from '../model/trimod';

/** The encoders' view of annotated posts: tokens with their kinds; captions are looked up by image id. */
export function toBatch(posts: readonly AnnotatedPost[], captions?: Map<string, string>): PostBatch {
  return {
    tokens: posts.map((p) => p.tokens),
    kinds: posts.map((p) => tokenKinds(p.tokens)),
    captions: posts.map((p) => (captions && p.imageId ? (captions.get(p.imageId) ?? null) : null)),
  };
}

/** Tag indices per post; an unknown label is an error naming the post's line. */
export function tagIndices(posts: readonly AnnotatedPost[], labels: readonly string[]): number[][] {
  const index = new Map(labels.map((l, i) => [l, i]));
  return posts.map((p) =>
    p.tags.map((t) => {
      const k = index.get(t);
      if (k === undefined) throw new Error(`tag ${JSON.stringify(t)} of the post at line ${p.line} is not among the model's labels (${labels.join(', ')})`);
      return k;
    }),
  );
}

/** BIO labels of a data set, `O` first, then B-/I- per type in alphabetical order of type. */
export function labelsOf(posts: readonly AnnotatedPost[]): string[] {
  const types = new Set<string>();
  for (const p of posts) for (const t of p.tags) if (t !== 'O') types.add(t.slice(2));
  return ['O', ...[...types].sort().flatMap((t) => [`B-${t}`, `I-${t}`])];
}
