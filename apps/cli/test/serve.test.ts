import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { TriMod, type Entity } from '@trimod/trimod';
import { MAX_TEXT_LENGTH } from '../src/serve/schemas';
import { metric, request, startServer, waitFor, type Served } from './serve-helpers';
import { tinyTagger } from './helpers/tiny-tagger';

// `trimod serve` as a user runs it (bin/trimod.cjs, on wasm, on a free loopback port), with a
// tiny model the test writes; its answers are compared with the same model loaded in-process.
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-serve-'));
const modelDir = path.join(dir, 'model');
const WORDS = ['Kawhi', 'Leonard', 'wins', 'in', 'Toronto', 'the', 'fan', 'vote', '#NBA', '@raptors'];
/** 200 posts of 1 to 12 words. */
const TEXTS = Array.from({ length: 200 }, (_, i) => Array.from({ length: 1 + ((i * 5) % 12) }, (_, k) => WORDS[(i * 3 + k * 7) % WORDS.length]).join(' '));
const MAX_BODY = 64 * 1024;

let model: TriMod;
let main: Served;
/** A server whose posts wait (60 s) until its queue of 3 is full or it is told to stop. */
let tight: Served;

beforeAll(async () => {
  await initBackend('wasm');
  const built = tinyTagger([WORDS], ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG'], { seed: 4 });
  await built.save(modelDir);
  built.dispose();
  model = await TriMod.load(modelDir);
  [main, tight] = await Promise.all([
    startServer(['--model', modelDir, '--backend', 'wasm', '--max-body', String(MAX_BODY)], dir),
    startServer(['--model', modelDir, '--backend', 'wasm', '--max-queue', '3', '--max-batch', '4', '--max-wait-ms', '60000'], dir),
  ]);
}, 90_000);

afterAll(() => {
  for (const s of [main, tight]) if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
  model?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function expectSameEntities(got: Entity[], want: Entity[]): void {
  expect(got.map((e) => Object.keys(e).sort())).toEqual(want.map((e) => Object.keys(e).sort()));
  expect(got.map((e) => [e.text, e.type, e.start, e.end])).toEqual(want.map((e) => [e.text, e.type, e.start, e.end]));
  got.forEach((e, k) => {
    expect(e.score).toBeCloseTo(want[k].score, 5);
    expect(Object.keys(e.modalityWeights)).toEqual(Object.keys(want[k].modalityWeights));
    for (const m of Object.keys(want[k].modalityWeights)) expect(e.modalityWeights[m]).toBeCloseTo(want[k].modalityWeights[m], 5);
  });
}

async function expectUp(s: Served): Promise<void> {
  const r = await request(s.port, 'GET', '/healthz');
  expect([r.status, r.json()]).toEqual([200, { status: 'ok' }]);
}

describe('trimod serve', () => {
  it('answers 200 concurrent requests with the entities model.predict finds, in fewer batches than requests', async () => {
    const want = await model.predict(TEXTS);
    expect(want.filter((r) => r.entities.length > 0).length).toBeGreaterThan(20); // not a comparison of empty lists
    const before = await request(main.port, 'GET', '/metrics');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 }); // at most 50 at a time
    try {
      const answers = await Promise.all(TEXTS.map((text) => request(main.port, 'POST', '/v1/entities', { text }, agent)));
      answers.forEach((a, i) => {
        expect(a.status).toBe(200);
        expect(Object.keys(a.json())).toEqual(['entities']);
        expectSameEntities(a.json().entities, want[i].entities);
      });
    } finally {
      agent.destroy();
    }
    const after = (await request(main.port, 'GET', '/metrics')).body;
    const batches = metric(after, 'trimod_batch_size_count') - metric(before.body, 'trimod_batch_size_count');
    expect(metric(after, 'trimod_batch_size_sum') - metric(before.body, 'trimod_batch_size_sum')).toBe(TEXTS.length);
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(TEXTS.length);
    expect(metric(after, 'trimod_http_requests_total\\{method="POST",route="/v1/entities",status="200"\\}')).toBeGreaterThanOrEqual(TEXTS.length);
    expect(after).toMatch(/^trimod_queue_depth 0$/m);
    expect(after).toMatch(/^trimod_http_request_duration_seconds_count\{route="\/v1\/entities"\} \d+$/m);
  });

  it('tags a batch request in order, each post its own result', async () => {
    const posts = [{ text: TEXTS[7] }, { text: TEXTS[3], caption: 'a caption' }, { text: '' }];
    const r = await request(main.port, 'POST', '/v1/entities/batch', { posts });
    expect(r.status).toBe(200);
    const want = await model.predict(posts);
    const { results } = r.json();
    expect(results).toHaveLength(3);
    results.forEach((res: { entities: Entity[] }, i: number) => expectSameEntities(res.entities, want[i].entities));
    expect(results[2]).toEqual({ entities: [] });
  });

  it.each([
    ['bad JSON', '/v1/entities', '{"text": "Kawhi', /not valid JSON/, undefined],
    ['an empty body', '/v1/entities', '', /empty/, undefined],
    ['no text', '/v1/entities', { caption: 'x' }, /^text is missing$/, 'text'],
    ['text of the wrong type', '/v1/entities', { text: 42 }, /^text must be string$/, 'text'],
    ['a caption of the wrong type', '/v1/entities', { text: 'Kawhi', caption: ['x'] }, /^caption must be string,null$/, 'caption'],
    ['an unknown field', '/v1/entities', { text: 'Kawhi', captoin: 'x' }, /^captoin is not a known field$/, 'captoin'],
    ['text past the limit', '/v1/entities', { text: 'a'.repeat(MAX_TEXT_LENGTH + 1) }, new RegExp(`^text must NOT have more than ${MAX_TEXT_LENGTH} characters$`), 'text'],
    ['an image that is not base64', '/v1/entities', { text: 'Kawhi', image: 'not base64!' }, /^image must match pattern/, 'image'],
    ['a batch post without text', '/v1/entities/batch', { posts: [{ text: 'ok' }, { caption: 'x' }] }, /^posts\[1\]\.text is missing$/, 'posts[1].text'],
    ['a batch of no posts', '/v1/entities/batch', { posts: [] }, /^posts must NOT have fewer than 1 items$/, 'posts'],
  ])('answers %s with 400 naming the problem, and stays up', async (_what, url, body, message, field) => {
    const r = await request(main.port, 'POST', url, body);
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json().error).toMatch(message);
    expect(r.json().field).toBe(field);
    await expectUp(main);
  });

  it('answers a body past --max-body with 413, and stays up', async () => {
    const r = await request(main.port, 'POST', '/v1/entities', { text: 'Kawhi', caption: 'x'.repeat(MAX_BODY) });
    expect(r.status).toBe(413);
    expect(r.json().error).toBe(`the body is larger than the limit of ${MAX_BODY} bytes (--max-body)`);
    await expectUp(main);
  });

  it('is ready, and publishes an OpenAPI 3 document whose schemas are the ones it enforces', async () => {
    expect((await request(main.port, 'GET', '/readyz')).json()).toEqual({ status: 'ready' });
    const r = await request(main.port, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths).sort()).toEqual(['/healthz', '/metrics', '/openapi.json', '/readyz', '/v1/entities', '/v1/entities/batch']);
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { description: string }> }>>)) {
      for (const op of Object.values(ops)) {
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const res of Object.values(op.responses)) expect(typeof res.description).toBe(`string`);
      }
      expect(p.startsWith('/')).toBe(true);
    }
    const post = doc.paths['/v1/entities'].post.requestBody.content['application/json'].schema;
    expect(post.required).toEqual(['text']);
    expect(post.properties.text.maxLength).toBe(MAX_TEXT_LENGTH);
    expect(doc.paths['/v1/entities'].post.responses['200'].content['application/json'].schema.properties.entities.items.required).toEqual([
      'text', 'type', 'start', 'end', 'score', 'modalityWeights',
    ]);
    // The published limit is the enforced one: at it a post is tagged, one past it is refused.
    const atLimit = 'Kawhi ' + 'x'.repeat(post.properties.text.maxLength - 6);
    expect((await request(main.port, 'POST', '/v1/entities', { text: atLimit })).status).toBe(200);
    expect((await request(main.port, 'POST', '/v1/entities', { text: atLimit + 'x' })).status).toBe(400);
    const batch = doc.paths['/v1/entities/batch'].post.requestBody.content['application/json'].schema;
    expect(batch.properties.posts.items).toEqual(post);
    expect(batch.properties.posts.maxItems).toBe(1024);
  });

  it.each([
    [['--max-batch', '0'], '--max-batch must be a whole number from 1 up, got "0"'],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535, got "70000"'],
    [['--max-wait-ms', '5ms'], '--max-wait-ms must be a whole number from 0 to 60000, got "5ms"'],
  ])('refuses %j, naming the option', (args, message) => {
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'bin', 'trimod.cjs'), 'serve', ...args], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('answers 404 with JSON for an unknown route', async () => {
    const r = await request(main.port, 'GET', '/v2/nothing');
    expect(r.status).toBe(404);
    expect(r.json().error).toMatch(/no route GET \/v2\/nothing/);
  });
});

describe('trimod serve under a full queue and at SIGTERM', () => {
  let waiting: Array<Promise<Awaited<ReturnType<typeof request>>>> = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  afterAll(() => agent.destroy());

  const queueDepth = async () => metric((await request(tight.port, 'GET', '/metrics')).body, 'trimod_queue_depth');

  it('answers 429 with Retry-After when --max-queue posts wait, and stays up', async () => {
    waiting = TEXTS.slice(0, 3).map((text) => request(tight.port, 'POST', '/v1/entities', { text }, agent));
    await waitFor('3 posts in the queue', async () => (await queueDepth()) === 3);
    const r = await request(tight.port, 'POST', '/v1/entities', { text: TEXTS[3] });
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json().error).toMatch(/queue is full/);
    const b = await request(tight.port, 'POST', '/v1/entities/batch', { posts: [{ text: TEXTS[3] }] });
    expect(b.status).toBe(429);
    await expectUp(tight);
    expect(await queueDepth()).toBe(3);
  });

  it('at SIGTERM answers the requests in flight with 200, then exits 0', async () => {
    expect(waiting).toHaveLength(3); // the requests the previous test left waiting (60 s) in the queue
    tight.child.kill('SIGTERM');
    const answers = await Promise.all(waiting);
    const want = await model.predict(TEXTS.slice(0, 3));
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expectSameEntities(a.json().entities, want[i].entities);
    });
    expect(await tight.exited).toBe(0);
    expect(tight.stderr()).toMatch(/SIGTERM: finishing the requests in flight/);
    await expect(request(tight.port, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  }, 30_000);
});
