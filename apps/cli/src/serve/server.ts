import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Post, PostPrediction, TriMod } from '@trimod/trimod';
import { version } from '../../package.json';
import { ImageCaptions, type ImageDescriber } from './images';
import { ServeMetrics } from './metrics';
import { MicroBatcher, QueueFullError } from './micro-batcher';
import { openApiDocument } from './openapi';
import { fieldName, RequestError } from './request-error';
import { batchRequestSchema, batchResponseSchema, entitiesResponseSchema, errorSchema, healthSchema, postSchema } from './schemas';

export interface ServeOptions {
  /** The most posts per model.predict call (1 turns micro-batching off). */
  maxBatch: number;
  /** How long a post waits for others to share its batch, in milliseconds. */
  maxWaitMs: number;
  /** The most posts waiting for a batch; past it, requests get 429. */
  maxQueue: number;
  /** The largest request body, in bytes; past it, 413. */
  maxBody: number;
  /** Loads the image captioner on first use (default: the bundled one). */
  captioner?: () => Promise<ImageDescriber>;
}

export const DEFAULT_SERVE_OPTIONS: ServeOptions = { maxBatch: 32, maxWaitMs: 5, maxQueue: 1024, maxBody: 4 * 1024 * 1024 };

/** Seconds a client should wait before retrying a 429 or 503. */
const RETRY_AFTER = '1';

interface RequestPost {
  text: string;
  caption?: string | null;
  image?: string | null;
}

type ModelState = { status: 'loading' } | { status: 'ready'; model: TriMod; batcher: MicroBatcher } | { status: 'failed'; error: string };

/**
 * The HTTP app of `trimod serve`. `model` may still be loading: until it is, /readyz and the
 * tagging routes answer 503. Closing the app (`app.close()`, which SIGTERM calls) stops taking
 * requests and answers the ones in flight first; the caller disposes the model afterwards.
 */
export function buildServer(model: TriMod | Promise<TriMod>, options: Partial<ServeOptions> = {}): FastifyInstance {
  const opts = { ...DEFAULT_SERVE_OPTIONS, ...options };
  let state: ModelState = { status: 'loading' };
  let draining = false;
  const metrics = new ServeMetrics(() => (state.status === 'ready' ? state.batcher.queued : 0));
  const captions = new ImageCaptions(opts.captioner);

  Promise.resolve(model).then(
    (m) => {
      const batcher = new MicroBatcher(m, {
        maxBatch: opts.maxBatch,
        maxWaitMs: opts.maxWaitMs,
        maxQueue: opts.maxQueue,
        onBatch: (size, seconds) => {
          metrics.batchSize.observe(size);
          metrics.batchSeconds.observe(seconds);
        },
      });
      state = { status: 'ready', model: m, batcher };
    },
    (err: unknown) => {
      state = { status: 'failed', error: err instanceof Error ? err.message : String(err) };
    },
  );

  const app = Fastify({
    bodyLimit: opts.maxBody,
    // Types are checked, not coerced (a number is no text), and unknown fields are refused,
    // not silently dropped (a misspelt "captoin" must not tag the post without its caption).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    logger: false,
  });

  app.setErrorHandler((err: FastifyError, _req, reply) => sendError(reply, err));
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `no route ${req.method} ${req.url}; see /openapi.json` });
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.latency.observe({ route }, reply.elapsedTime / 1000);
  });
  // On close: report not ready, and tag what is waiting at once instead of after the batch wait.
  app.addHook('preClose', async () => {
    draining = true;
    if (state.status === 'ready') void state.batcher.drain();
  });
  // While draining, answer and hang up, so that keep-alive clients do not send another request
  // down a connection that is about to close (they reconnect and find the port closed instead).
  app.addHook('onSend', async (_req, reply) => {
    if (draining) void reply.header('Connection', 'close');
  });
  app.addHook('onClose', async () => {
    if (state.status === 'ready') await state.batcher.drain();
  });

  /** The model and batcher, or a 503 while loading / draining / failed. */
  function ready(): { model: TriMod; batcher: MicroBatcher } {
    if (state.status !== 'ready') {
      const why = state.status === 'loading' ? 'the model is still loading' : `the model failed to load: ${state.error}`;
      throw new RequestError(503, why, undefined, { 'Retry-After': RETRY_AFTER });
    }
    if (draining) throw new RequestError(503, 'the server is shutting down', undefined, { 'Retry-After': RETRY_AFTER });
    return state;
  }

  /** The post as the model reads it: an image becomes a caption when the model reads captions. */
  async function modelPost(m: TriMod, p: RequestPost, field: string): Promise<Post> {
    const hasCaption = typeof p.caption === 'string';
    if (!hasCaption && typeof p.image === 'string' && m.readsCaptions) {
      return { text: p.text, caption: await captions.caption(p.image, field === '' ? 'image' : `${field}.image`) };
    }
    return { text: p.text, caption: hasCaption ? p.caption : null };
  }

  const entitiesOf = (r: PostPrediction) => ({ entities: r.entities });

  app.post<{ Body: RequestPost }>(
    '/v1/entities',
    { schema: { body: postSchema, response: { 200: entitiesResponseSchema, '4xx': errorSchema, '5xx': errorSchema } } },
    async (req) => {
      const { model: m, batcher } = ready();
      if (batcher.free < 1) throw new QueueFullError(opts.maxQueue);
      return entitiesOf(await batcher.submit(await modelPost(m, req.body, '')));
    },
  );

  const batchRequest = batchRequestSchema(opts.maxQueue);
  app.post<{ Body: { posts: RequestPost[] } }>(
    '/v1/entities/batch',
    { schema: { body: batchRequest, response: { 200: batchResponseSchema, '4xx': errorSchema, '5xx': errorSchema } } },
    async (req) => {
      const { model: m, batcher } = ready();
      const { posts } = req.body;
      // All or nothing at the door; a post that still finds the queue full (others' posts got
      // in while its image was captioned) reports it in its own result.
      if (batcher.free < posts.length) throw new QueueFullError(opts.maxQueue);
      const results = await Promise.all(
        posts.map(async (p, i) => {
          try {
            return entitiesOf(await batcher.submit(await modelPost(m, p, `posts[${i}]`)));
          } catch (err) {
            return { error: err instanceof Error ? err.message : String(err) };
          }
        }),
      );
      return { results };
    },
  );

  const health = { schema: { response: { 200: healthSchema, 503: healthSchema } } };
  app.get('/healthz', health, async () => ({ status: 'ok' }));
  app.get('/readyz', health, async (_req, reply) => {
    if (state.status === 'failed') return reply.code(503).send({ status: 'failed', detail: state.error });
    if (state.status === 'loading') return reply.code(503).send({ status: 'loading' });
    if (draining) return reply.code(503).send({ status: 'draining' });
    return { status: 'ready' };
  });
  app.get('/metrics', async (_req, reply) => {
    void reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  const openapi = openApiDocument(version, { batchRequest });
  app.get('/openapi.json', async () => openapi);
  return app;
}

/** Every error as JSON `{error, field?}` with the right status: schema errors name the field. */
function sendError(reply: FastifyReply, err: FastifyError | RequestError | QueueFullError): FastifyReply {
  if (err instanceof QueueFullError) {
    return reply.code(429).header('Retry-After', RETRY_AFTER).send({ error: err.message });
  }
  if (err instanceof RequestError) {
    for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
    return reply.code(err.statusCode).send(err.field === undefined ? { error: err.message } : { error: err.message, field: err.field });
  }
  const v = err.validation?.[0];
  if (v) {
    const child = (v.params.missingProperty ?? v.params.additionalProperty) as string | undefined;
    const field = fieldName(v.instancePath, child);
    const what = v.keyword === 'required' ? 'is missing' : v.keyword === 'additionalProperties' ? 'is not a known field' : (v.message ?? 'is invalid');
    const where = field === '' ? 'the body' : field;
    return reply.code(400).send({ error: `${where} ${what}`, ...(field === '' ? {} : { field }) });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return reply.code(400).send({ error: 'the body is not valid JSON' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reply.code(400).send({ error: 'the body is empty; expected JSON' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply.code(413).send({ error: `the body is larger than the limit of ${reply.server.initialConfig.bodyLimit} bytes (--max-body)` });
  }
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
  if (status >= 500) process.stderr.write(`trimod serve: ${err.stack ?? err.message}\n`);
  return reply.code(status).send({ error: status >= 500 ? `internal error: ${err.message}` : err.message });
}
