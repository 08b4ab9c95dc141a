import { DataFormatError, type AnnotatedPost } from '../data/twitter-reader';

/**
 * Token slots a training batch may hold: its posts × its longest post (a batch pads to its
 * longest post, and training keeps every step's activations for the backward pass). Measured on
 * wasm with the default model's architecture (scripts/bench-train-long.ts, batch 32 with one
 * long post): 850 MB of wasm heap at 32 × 250 slots, 3.2 GB at 32 × 1,000, so about 3 MB per
 * slot of the batch's length; wasm's heap cannot pass 4 GB. 16,000 slots (~1.6 GB) leaves room
 * for the model, the optimizer state and the rest of the process.
 */
export const TRAIN_BATCH_TOKEN_BUDGET = 16_000;

/** The longest post (in tokens) training accepts at this batch size: 500 at the default 32. */
export function maxTrainTokens(batchSize: number, budget = TRAIN_BATCH_TOKEN_BUDGET): number {
  return Math.max(1, Math.floor(budget / batchSize));
}

/**
 * Refuses, before any training, a post longer than `maxTokens`: without this, one such post in
 * a batch runs wasm out of memory a minute in with a bare "memory access out of bounds".
 * Throws a DataFormatError naming the file, the post's line, its length and the limit.
 */
export function checkTrainLengths(posts: readonly AnnotatedPost[], file: string, maxTokens: number): void {
  const tooLong = posts.filter((p) => p.tokens.length > maxTokens);
  if (tooLong.length === 0) return;
  const first = tooLong[0];
  const more = tooLong.length > 1 ? ` (and ${tooLong.length - 1} more post${tooLong.length > 2 ? 's' : ''} over the limit)` : '';
  throw new DataFormatError(
    file,
    first.line,
    `this post has ${first.tokens.length} tokens; training takes posts of at most ${maxTokens} tokens at this batch size (${TRAIN_BATCH_TOKEN_BUDGET} token slots per batch, or wasm runs out of memory)${more}. Split the post, leave it out, or train with a smaller batch size`,
  );
}
