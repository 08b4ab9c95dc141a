import { batchResponseSchema, entitiesResponseSchema, errorSchema, healthSchema, postSchema } from './schemas';

export interface RouteSchemas {
  batchRequest: object;
}

const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });

const errors = {
  '400': json(errorSchema, 'bad JSON, a field that breaks the schema, or text past the length limit; `field` names it'),
  '413': json(errorSchema, 'the body is larger than --max-body'),
  '429': { ...json(errorSchema, 'the queue is full (--max-queue); retry after Retry-After seconds'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
  '503': { ...json(errorSchema, 'the model is still loading, or the server is shutting down'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
};

/**
 * The OpenAPI 3.1 document of the server (3.1 because its schemas are plain JSON Schema, the
 * objects Fastify validates with), served at /openapi.json.
 */
export function openApiDocument(version: string, routes: RouteSchemas): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'trimod serve',
      version,
      description: 'Named entities (PER, LOC, ORG, MISC) in social-media posts, tagged by a TriMod model; concurrent requests are tagged together in micro-batches.',
    },
    paths: {
      '/v1/entities': {
        post: {
          summary: 'the entities of one post',
          requestBody: { required: true, content: { 'application/json': { schema: postSchema } } },
          responses: { '200': json(entitiesResponseSchema, 'the entities, in text order'), ...errors },
        },
      },
      '/v1/entities/batch': {
        post: {
          summary: 'the entities of several posts',
          requestBody: { required: true, content: { 'application/json': { schema: routes.batchRequest } } },
          responses: { '200': json(batchResponseSchema, 'one result per post'), ...errors },
        },
      },
      '/healthz': { get: { summary: 'the process is up', responses: { '200': json(healthSchema, 'up') } } },
      '/readyz': {
        get: {
          summary: 'the model is loaded and the server takes requests',
          responses: { '200': json(healthSchema, 'ready'), '503': json(healthSchema, 'loading, draining, or the model failed to load') },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics: requests, latency, batch sizes, queue depth',
          responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      '/openapi.json': { get: { summary: 'this document', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    },
  };
}
