import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { initBackend } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { TriMod } from '@trimod/trimod';
import { serveRequestProperties } from '../fuzz/serve-request.fuzz';
import { buildServer } from '../src/serve/server';

// The serve fuzz target with a few seeded inputs, so CI runs it; `npm run fuzz` at the
// repository root runs it with 10,000 inputs and a new seed.
let model: TriMod;
let server: FastifyInstance;
beforeAll(async () => {
  await initBackend('wasm');
  const { words, chars } = buildVocabularies([['Kawhi', 'Leonard', 'in', 'Toronto']]);
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed: 3 });
  model = TriMod.create({ labels: ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'], text, fusion: { outputDim: 6, attentionDim: 3 }, seed: 3 });
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
