import { DataFormatError, tokenLine, type AnnotatedPost } from './twitter-reader';

/**
 * Throws a DataFormatError at the first tag of `posts` that is not in `labels`. Scoring such a
 * tag would count a type the model can never predict (recall 0 for it, silently), and training
 * cannot give it a probability; `source` says where the labels come from, e.g. "the model's".
 */
export function checkKnownTags(posts: readonly AnnotatedPost[], file: string, labels: readonly string[], source: string): void {
  const known = new Set(labels);
  for (const post of posts) {
    const i = post.tags.findIndex((t) => !known.has(t));
    if (i >= 0) throw new DataFormatError(file, tokenLine(post, i), `tag ${JSON.stringify(post.tags[i])} is not one of ${source} labels (${labels.join(', ')})`);
  }
}
