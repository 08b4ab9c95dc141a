/** An entity span over token positions: [start, end) and its type. */
export interface TagSpan {
  type: string;
  start: number;
  end: number;
}

/**
 * Entity spans from a BIO / IOB2 tag sequence, as conlleval and seqeval count them:
 * an `I-X` that does not continue an entity of type X starts a new one (conlleval's lenient rule),
 * `B-X` always starts one, `E-`/`S-` (BIOES) are understood too.
 */
export function spansFromTags(tags: readonly string[]): TagSpan[] {
  const spans: TagSpan[] = [];
  let open: TagSpan | null = null;
  const close = (at: number) => {
    if (open) {
      open.end = at;
      spans.push(open);
      open = null;
    }
  };
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i];
    if (tag === 'O' || tag.length < 3) {
      close(i);
      continue;
    }
    const prefix = tag[0];
    const type = tag.slice(2);
    if (prefix === 'B' || prefix === 'S' || !open || (open as TagSpan).type !== type) {
      close(i);
      open = { type, start: i, end: i + 1 };
    }
    if (prefix === 'E' || prefix === 'S') close(i + 1);
  }
  close(tags.length);
  return spans;
}
