/**
 * JSON schemas of `trimod serve`'s requests and responses. Fastify validates requests and
 * serialises responses with these objects, and /openapi.json publishes the very same objects,
 * so the document cannot drift from what the server does.
 */

/** The longest `text` (and `caption`) a request may carry, in UTF-16 code units (JavaScript string length). */
export const MAX_TEXT_LENGTH = 10_000;

/** A base64 string (no data: URL prefix, no line breaks): what `image` must look like. */
const BASE64 = '^[A-Za-z0-9+/]*={0,2}$';

export const postSchema = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: {
    text: { type: 'string', maxLength: MAX_TEXT_LENGTH, description: 'the post text' },
    caption: {
      type: ['string', 'null'],
      maxLength: MAX_TEXT_LENGTH,
      description: "a caption of the post's image; read only by models that read captions, and preferred to `image`",
    },
    image: {
      type: ['string', 'null'],
      pattern: BASE64,
      contentEncoding: 'base64',
      description: "the post's image, a JPEG or PNG file in base64; captioned by the bundled captioner when the model reads captions and there is no `caption`, otherwise ignored",
    },
  },
} as const;

export const entitySchema = {
  type: 'object',
  required: ['text', 'type', 'start', 'end', 'score', 'modalityWeights'],
  properties: {
    text: { type: 'string', description: 'text.slice(start, end) of the post' },
    type: { type: 'string', description: 'PER, LOC, ORG, MISC, or the labels the model was trained on' },
    start: { type: 'integer', description: 'offset of the first character, in UTF-16 code units' },
    end: { type: 'integer', description: 'offset after the last character' },
    score: { type: 'number', description: "the mean CRF marginal probability of the entity's tags, 0..1" },
    modalityWeights: {
      type: 'object',
      required: ['text'],
      additionalProperties: { type: 'number' },
      description: "the mean fusion weight of each of the model's modalities (text, hashtag, visual, ...) over the entity's tokens",
    },
  },
} as const;

export const entitiesResponseSchema = {
  type: 'object',
  required: ['entities'],
  properties: { entities: { type: 'array', items: entitySchema } },
} as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string', description: 'what is wrong, naming the field where one is to blame' },
    field: { type: 'string', description: 'the request field at fault, e.g. "text" or "posts[3].text"' },
  },
} as const;

/** The batch request; `maxPosts` is the server's queue size (--max-queue), since a batch must fit in it. */
export function batchRequestSchema(maxPosts: number) {
  return {
    type: 'object',
    required: ['posts'],
    additionalProperties: false,
    properties: { posts: { type: 'array', items: postSchema, minItems: 1, maxItems: maxPosts } },
  } as const;
}

export const batchResponseSchema = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      description: "one result per post, in the request's order: its entities, or why it could not be tagged",
      items: {
        type: 'object',
        properties: { entities: { type: 'array', items: entitySchema }, error: { type: 'string' } },
      },
    },
  },
} as const;

export const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok', 'ready', 'loading', 'draining', 'failed'] }, detail: { type: 'string' } },
} as const;
