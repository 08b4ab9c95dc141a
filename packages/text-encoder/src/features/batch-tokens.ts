/**
 * A batch of tokenized posts laid out for the encoder: padded to the longest post, and the
 * distinct tokens listed once so the character encoder runs over each distinct token once.
 */
export interface TokenBatch {
  /** B */
  batch: number;
  /** T: longest post. */
  steps: number;
  /** Real length of each post, [B]. */
  lengths: Int32Array;
  /** Mask [B·T], 1 on real tokens. */
  mask: Float32Array;
  /** Distinct tokens of the batch, in order of first appearance. */
  distinct: string[];
  /** For each position [B·T], the index of its token in `distinct`; padding → distinct.length. */
  distinctIndex: Int32Array;
}

export function layoutTokens(posts: readonly (readonly string[])[]): TokenBatch {
  if (!Array.isArray(posts)) throw new Error('TextEncoder.encode: the batch must be an array of posts (string[][])');
  const batch = posts.length;
  let steps = 0;
  posts.forEach((post, b) => {
    if (!Array.isArray(post)) throw new Error(`TextEncoder.encode: post ${b} is not an array of tokens`);
    steps = Math.max(steps, post.length);
  });
  const lengths = new Int32Array(batch);
  const mask = new Float32Array(batch * steps);
  const distinct: string[] = [];
  const seen = new Map<string, number>();
  const positions: number[] = new Array(batch * steps);
  posts.forEach((post, b) => {
    lengths[b] = post.length;
    post.forEach((token: string, t: number) => {
      if (typeof token !== 'string') throw new Error(`TextEncoder.encode: token ${t} of post ${b} is not a string`);
      let index = seen.get(token);
      if (index === undefined) {
        index = distinct.length;
        seen.set(token, index);
        distinct.push(token);
      }
      positions[b * steps + t] = index;
      mask[b * steps + t] = 1;
    });
  });
  const distinctIndex = new Int32Array(batch * steps);
  for (let k = 0; k < distinctIndex.length; k++) distinctIndex[k] = mask[k] ? positions[k] : distinct.length;
  return { batch, steps, lengths, mask, distinct, distinctIndex };
}
