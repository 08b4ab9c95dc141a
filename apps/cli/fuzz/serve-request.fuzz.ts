import fc from 'fast-check';
import * as http from 'node:http';

/**
 * Fuzz target for `trimod serve`'s request handling: any method, path, content type and body
 * (JSON of any shape, text, random bytes, oversized) gets an answer below 500 with a JSON body,
 * a 400 names what is wrong, and the server stays up. `npm run fuzz` runs it with many inputs;
 * test/fuzz.test.ts with a few, seeded.
 */
export interface FuzzProperty {
  name: string;
  run: (params: { numRuns: number; seed: number }) => void | Promise<void>;
}

interface Answer {
  status: number;
  body: string;
  type: string;
}

function send(port: number, method: string, path: string, contentType: string | null, body: Buffer | null): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (contentType !== null) headers['content-type'] = contentType;
    if (body) headers['content-length'] = body.length;
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

const paths = fc.oneof(
  fc.constantFrom('/v1/entities', '/v1/entities/batch', '/healthz', '/readyz', '/openapi.json', '/v1/entities?x=1', '/v1//entities', '/%00', '/v1/entities/%ZZ'),
  fc.webPath(),
);
const post = fc.record({ text: fc.string({ unit: 'grapheme', maxLength: 60 }), caption: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }) }, { requiredKeys: ['text'] });
const bodies = fc.oneof(
  post.map((p) => JSON.stringify(p)),
  fc.array(post, { maxLength: 4 }).map((posts) => JSON.stringify({ posts })),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.record({ text: fc.anything(), caption: fc.anything(), image: fc.anything() }, { requiredKeys: [] }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ maxLength: 80 }),
  fc.constant('{"text": "a'.padEnd(5000, 'a')), // past the body limit
);

export function serveRequestProperties(port: number): FuzzProperty[] {
  return [
    {
      name: 'any request gets an answer below 500 with a JSON body; a 400 says what is wrong; the server stays up',
      run: (params) =>
        fc.assert(
          fc.asyncProperty(
            fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
            paths,
            fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', null),
            fc.oneof(bodies.map((b) => Buffer.from(b, 'utf8')), fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)), fc.constant(null)),
            async (method, path, type, body) => {
              const a = await send(port, method, path, type, method === 'GET' ? null : body);
              if (a.status >= 500) throw new Error(`${method} ${path} (${type}) answered ${a.status}: ${a.body}`);
              if (path.startsWith('/metrics')) return;
              let json: unknown;
              try {
                json = JSON.parse(a.body);
              } catch {
                throw new Error(`${method} ${path} answered ${a.status} with a body that is not JSON: ${a.body.slice(0, 200)}`);
              }
              if (a.status === 400 && typeof (json as { error?: unknown }).error !== 'string') throw new Error(`a 400 without an error message: ${a.body}`);
            },
          ).afterEach(async () => {
            const health = await send(port, 'GET', '/healthz', null, null);
            if (health.status !== 200) throw new Error(`/healthz answered ${health.status} after a request`);
          }),
          params,
        ),
    },
  ];
}
