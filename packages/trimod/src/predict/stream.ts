import type { ImageInput } from '@trimod/image-captioner';
import { modelTokens } from '../model/post-tokens';
import { DEFAULT_MAX_POST_LENGTH, positiveInteger, recordProblem, type PostInput, type PostResult } from './post-input';
import { tagPosts, type PostTagger, type TokenizedPost } from './tag-posts';

/** What writes captions for posts' images: `@trimod/image-captioner`'s Captioner has this shape. */
export interface ImageDescriber {
  describeAll(images: ImageInput[], names?: string[]): Promise<Array<{ caption: string }>>;
  describe(image: ImageInput, name?: string): Promise<{ caption: string }>;
  dispose?(): void;
}

export interface StreamProgress {
  /** Records yielded so far (tagged or not). */
  done: number;
  /** Records among them that carry an `error`. */
  errors: number;
  /** Seconds since the stream started. */
  seconds: number;
}

export interface PredictStreamOptions {
  /** Posts per forward pass (default 32). */
  batchSize?: number;
  /**
   * Records read ahead and tagged together (default 8 batches). Within a window posts are
   * batched by length, so padding stays small; memory is bounded by it, whatever the input size.
   */
  window?: number;
  /** Longer texts get an `error` instead of entities (default 100,000 characters). */
  maxLength?: number;
  /**
   * Captions images for models that read captions: a Captioner, or a function that loads one
   * (called once, on the first image that needs it). Default: the bundled captioner (Node),
   * disposed when the stream ends.
   */
  captioner?: ImageDescriber | (() => Promise<ImageDescriber>);
  onProgress?: (progress: StreamProgress) => void;
}

type Source<T> = AsyncIterable<T> | Iterable<T>;

interface Pending {
  result: PostResult;
  image: ImageInput | null;
  imageName: string;
}

/**
 * Tags a stream of posts, yielding one result per record in input order. Reads at most one
 * window ahead of what the consumer has taken (backpressure). A record that cannot be tagged
 * (no text, text past `maxLength`, an unreadable image) yields a result with `error`, and the
 * stream goes on.
 */
export async function* predictStream(
  model: PostTagger,
  posts: Source<PostInput | string>,
  opts: PredictStreamOptions = {},
): AsyncGenerator<PostResult, void, undefined> {
  const batchSize = positiveInteger('batchSize', opts.batchSize, 32);
  const window = positiveInteger('window', opts.window, batchSize * 8);
  const maxLength = positiveInteger('maxLength', opts.maxLength, DEFAULT_MAX_POST_LENGTH);
  const iterator = Symbol.asyncIterator in posts ? posts[Symbol.asyncIterator]() : (posts as Iterable<PostInput | string>)[Symbol.iterator]();
  const captions = new CaptionSource(opts.captioner, model.readsCaptions);
  const started = Date.now();
  let index = 0;
  let done = 0;
  let errors = 0;
  let finished = false;
  try {
    while (!finished) {
      const chunk: Pending[] = [];
      while (chunk.length < window) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          break;
        }
        chunk.push(pending(next.value, index++, maxLength));
      }
      if (chunk.length === 0) break;
      await captions.fill(chunk);
      const ready = chunk.filter((p) => p.result.error === undefined);
      const tokenized: TokenizedPost[] = ready.map((p) => ({ text: p.result.text, caption: p.result.caption ?? null, tokens: modelTokens(p.result.text) }));
      await tagWindow(model, ready, tokenized, batchSize);
      for (const p of chunk) {
        done++;
        if (p.result.error !== undefined) errors++;
        yield p.result;
      }
      opts.onProgress?.({ done, errors, seconds: (Date.now() - started) / 1000 });
    }
  } finally {
    captions.dispose();
    if (!finished) await iterator.return?.();
  }
}

/**
 * Tags a window's posts in length-sorted batches. If the model refuses a batch (a post past a
 * limit of the model's own, say), the window is tagged post by post, so only the posts the model
 * refuses get an `error` and the stream goes on.
 */
async function tagWindow(model: PostTagger, ready: Pending[], tokenized: TokenizedPost[], batchSize: number): Promise<void> {
  try {
    const predictions = await tagPosts(model, tokenized, batchSize);
    ready.forEach((p, i) => (p.result.entities = predictions[i].entities));
  } catch {
    for (const [i, p] of ready.entries()) {
      try {
        p.result.entities = (await tagPosts(model, [tokenized[i]], 1))[0].entities;
      } catch (err) {
        p.result.error = `cannot tag this post: ${(err as Error).message}`;
      }
    }
  }
}

function pending(record: PostInput | string, index: number, maxLength: number): Pending {
  const problem = recordProblem(record, maxLength);
  const r = (typeof record === 'string' ? { text: record } : record) as Partial<PostInput> | null;
  const id = typeof r?.id === 'string' || (typeof r?.id === 'number' && Number.isFinite(r.id)) ? r.id : index;
  const text = typeof r?.text === 'string' ? r.text : '';
  const result: PostResult = { id, text, entities: [] };
  if (problem !== null) {
    result.error = problem;
    return { result, image: null, imageName: '' };
  }
  if (typeof r!.caption === 'string') result.caption = r!.caption;
  const image = r!.image ?? null;
  return { result, image, imageName: typeof image === 'string' ? image : `the image of record ${id}` };
}

/**
 * Captions the images of a window's posts that need one (the model reads captions, the post has
 * an image and no caption). One backbone batch for the window; if that fails, image by image,
 * so one unreadable image marks only its own record.
 */
class CaptionSource {
  private describer: ImageDescriber | null = null;
  private owned = false;

  constructor(
    private readonly option: PredictStreamOptions['captioner'],
    private readonly wanted: boolean,
  ) {}

  async fill(chunk: Pending[]): Promise<void> {
    const need = chunk.filter((p) => this.wanted && p.image !== null && p.result.caption === undefined && p.result.error === undefined);
    if (need.length === 0) return;
    const describer = await this.get();
    try {
      const described = await describer.describeAll(need.map((p) => p.image!), need.map((p) => p.imageName));
      need.forEach((p, i) => (p.result.caption = described[i].caption));
    } catch {
      for (const p of need) {
        try {
          p.result.caption = (await describer.describe(p.image!, p.imageName)).caption;
        } catch (err) {
          p.result.error = `cannot caption ${p.imageName}: ${(err as Error).message}`;
        }
      }
    }
  }

  private async get(): Promise<ImageDescriber> {
    if (this.describer) return this.describer;
    if (typeof this.option === 'function') this.describer = await this.option();
    else if (this.option) this.describer = this.option;
    else {
      const { loadCaptioner } = await import('@trimod/image-captioner');
      this.describer = await loadCaptioner();
      this.owned = true;
    }
    return this.describer;
  }

  dispose(): void {
    if (this.owned) this.describer?.dispose?.();
    this.describer = null;
  }
}
