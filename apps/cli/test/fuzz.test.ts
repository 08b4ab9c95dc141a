import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { initBackend } from '@trimod/core';
import { TriMod } from '@trimod/trimod';
import { serveRequestProperties } from '../fuzz/serve-request.fuzz';
import { buildServer } from '../src/serve/server';
import { tinyTagger } from './helpers/tiny-tagger';

// The serve fuzz target with a few seeded inputs, so CI runs it; `npm run fuzz` at the
// repository root runs it with 10,000 inputs and a new seed.
let model: TriMod;
let server: FastifyInstance;
beforeAll(async () => {
  await initBackend('wasm');
  model = tinyTagger([['Kawhi', 'Leonard', 'in', 'Toronto']], ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'], { seed: 3 });
  server = buildServer(model, { maxBody: 4096 });
  await server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
  model.dispose();
});

describe('trimod serve request fuzz target (seeded, small)', () => {
  it('runs every property', async () => {
    const port = (server.server.address() as AddressInfo).port;
    for (const p of serveRequestProperties(port)) await p.run({ numRuns: 200, seed: 42 });
  });
});
