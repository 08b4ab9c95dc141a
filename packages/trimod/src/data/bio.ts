import { DataFormatError, tokenLine, type AnnotatedPost } from './twitter-reader';

/**
 * An `I-X` tag that continues no entity: it follows `O`, the start of a post, or a tag of
 * another type. Annotated Twitter sets hold such IOB1 leftovers; a BIO-constrained CRF gives
 * their gold path no probability at all, so they must be repaired (or refused) before training.
 */
export interface BioBreak {
  /** Index of the post in its list. */
  post: number;
  /** Index of the token in its post. */
  token: number;
  /** 1-based line in the data file. */
  line: number;
  tag: string;
  /** The tag before it, or null at the start of a post. */
  previous: string | null;
}

/** Whether `tag` may follow `previous` (null: the post's start) in BIO; only `I-X` is ever restricted. */
export function bioContinues(previous: string | null, tag: string): boolean {
  if (!tag.startsWith('I-')) return true;
  if (previous === null || previous.length < 3) return false;
  return (previous[0] === 'B' || previous[0] === 'I') && previous.slice(2) === tag.slice(2);
}

/** Every `I-X` in the posts that continues no entity, in file order. */
export function findBioBreaks(posts: readonly AnnotatedPost[]): BioBreak[] {
  const breaks: BioBreak[] = [];
  posts.forEach((p, post) => {
    p.tags.forEach((tag, token) => {
      const previous = token > 0 ? p.tags[token - 1] : null;
      if (!bioContinues(previous, tag)) breaks.push({ post, token, line: tokenLine(p, token), tag, previous });
    });
  });
  return breaks;
}

/**
 * The posts with every `I-X` that continues no entity turned into `B-X`. This is how conlleval
 * (and spansFromTags) reads such a tag anyway: it starts a new entity. So the repair changes no
 * entity, only makes the gold path one the BIO-constrained CRF can give probability to.
 * The input posts are not changed.
 */
export function repairBio(posts: readonly AnnotatedPost[]): { posts: AnnotatedPost[]; repaired: number } {
  let repaired = 0;
  const out = posts.map((p) => {
    let tags: string[] | null = null;
    p.tags.forEach((tag, i) => {
      // The previous tag as repaired so far: a repaired B-X is continued by the I-X after it.
      const previous = i > 0 ? (tags ?? p.tags)[i - 1] : null;
      if (!bioContinues(previous, tag)) {
        tags ??= [...p.tags];
        tags[i] = `B-${tag.slice(2)}`;
        repaired++;
      }
    });
    return tags ? { ...p, tags } : p;
  });
  return { posts: out, repaired };
}

/** `file:line (O → I-PER)` for the first `limit` breaks, `, …` when there are more. */
export function describeBioBreaks(file: string, breaks: readonly BioBreak[], limit = 3): string {
  const shown = breaks.slice(0, limit).map((b) => `${file}:${b.line} (${b.previous ?? 'post start'} → ${b.tag})`);
  return shown.join(', ') + (breaks.length > limit ? ', …' : '');
}

/** What to do with `I-X` tags that continue no entity. */
export type BioPolicy = 'repair' | 'refuse';

/**
 * Applies a BioPolicy to one file's posts: `repair` returns repaired posts and how many tags it
 * changed; `refuse` throws a DataFormatError at the first break, naming the first few places.
 */
export function applyBioPolicy(posts: AnnotatedPost[], file: string, policy: BioPolicy): { posts: AnnotatedPost[]; breaks: BioBreak[] } {
  if (policy !== 'repair' && policy !== 'refuse') throw new Error(`bio policy must be "repair" or "refuse", got ${JSON.stringify(policy)}`);
  const breaks = findBioBreaks(posts);
  if (breaks.length === 0) return { posts, breaks };
  if (policy === 'refuse') {
    throw new DataFormatError(
      file,
      breaks[0].line,
      `${breaks.length} I- tag${breaks.length === 1 ? '' : 's'} continue${breaks.length === 1 ? 's' : ''} no entity (IOB1 leftovers; BIO needs B- first): ${describeBioBreaks(file, breaks)}`,
    );
  }
  return { posts: repairBio(posts).posts, breaks };
}
