import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { crc32, deflateSync } from 'node:zlib';
import { initBackend } from '@trimod/core';
import { loadCaptioner, type Captioner } from '@trimod/image-captioner';
import { TriMod } from '@trimod/trimod';
import { buildServer } from '../src/serve/server';
import { request, type Response } from './serve-helpers';
import { tinyTagger } from './helpers/tiny-tagger';

// buildServer in-process, listening on a free loopback port: the states a spawned process passes through too
// quickly to test, and images, captioned by the real bundled captioner.
const WORDS = ['Kawhi', 'Leonard', 'wins', 'in', 'Toronto', 'a', 'red', 'and', 'white', 'of', 'the', 'on'];

function tinyModel(captionMatchDim: number): TriMod {
  return tinyTagger([WORDS], ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'], { captionMatchDim, seed: 5 });
}

/** A 24 x 24 PNG of one colour (8-bit RGB, rows unfiltered). */
function png(rgb: [number, number, number]): Buffer {
  const size = 24;
  const row = Buffer.from([0, ...Array.from({ length: size }, () => rgb).flat()]);
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  await initBackend('wasm');
});

/** Starts the app on a free loopback port; returns a function sending it requests. */
async function listen(app: FastifyInstance): Promise<(method: string, url: string, body?: unknown) => Promise<Response>> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return (method, url, body) => request(port, method, url, body);
}

describe('buildServer while the model loads', () => {
  it('answers 503 with Retry-After until the model is there, then tags', async () => {
    let loaded!: (m: TriMod) => void;
    const model = tinyModel(0);
    const app = buildServer(new Promise<TriMod>((resolve) => (loaded = resolve)));
    try {
      const send = await listen(app);
      expect((await send('GET', '/healthz')).json()).toEqual({ status: 'ok' });
      const notYet = await send('GET', '/readyz');
      expect([notYet.status, notYet.json()]).toEqual([503, { status: 'loading' }]);
      for (const [url, payload] of [['/v1/entities', { text: 'Kawhi' }], ['/v1/entities/batch', { posts: [{ text: 'Kawhi' }] }]] as const) {
        const r = await send('POST', url, payload);
        expect(r.status).toBe(503);
        expect(r.headers['retry-after']).toBe('1');
        expect(r.json().error).toBe('the model is still loading');
      }
      loaded(model);
      await new Promise((r) => setImmediate(r));
      expect((await send('GET', '/readyz')).json()).toEqual({ status: 'ready' });
      const r = await send('POST', '/v1/entities', { text: 'Kawhi Leonard wins' });
      expect(r.status).toBe(200);
      expect(r.json().entities).toEqual((await model.predict(['Kawhi Leonard wins']))[0].entities);
    } finally {
      await app.close();
      model.dispose();
    }
  });

  it('says why when the model failed to load', async () => {
    const app = buildServer(Promise.reject(new Error('model.json: no such file')));
    try {
      const send = await listen(app);
      await new Promise((r) => setImmediate(r));
      const r = await send('GET', '/readyz');
      expect([r.status, r.json()]).toEqual([503, { status: 'failed', detail: 'model.json: no such file' }]);
      expect((await send('POST', '/v1/entities', { text: 'x' })).json().error).toBe('the model failed to load: model.json: no such file');
    } finally {
      await app.close();
    }
  });
});

describe('buildServer with images', () => {
  let captioner: Captioner;
  let loads = 0;
  const captionerOption = async () => (loads++, captioner);
  beforeAll(async () => {
    captioner = await loadCaptioner();
  }, 60_000);
  afterAll(() => captioner.dispose());

  it('captions an image with the bundled captioner for a model that reads captions, loading it once; a caption given wins', async () => {
    const reader = tinyModel(4);
    const app = buildServer(reader, { captioner: captionerOption });
    loads = 0;
    try {
      const send = await listen(app);
      const image = png([200, 30, 30]);
      const { caption } = await captioner.describe(new Uint8Array(image));
      // A text that shares words with the caption, so the caption-match feature changes the scores.
      const text = `Kawhi Leonard in ${caption}`;
      const [withCaption, without] = await reader.predict([{ text, caption }, { text }]);
      expect(withCaption.entities.length).toBeGreaterThan(0);
      expect(withCaption.entities).not.toEqual(without.entities); // the caption matters to this model

      const one = await send('POST', '/v1/entities', { text, image: image.toString('base64') });
      expect(one.status).toBe(200);
      expect(one.json().entities).toEqual(withCaption.entities);

      const given = 'a given caption';
      const b64 = image.toString('base64');
      const batch = await send('POST', '/v1/entities/batch', {
        posts: [{ text, image: b64 }, { text, caption: given, image: b64 }, { text, image: Buffer.from('GIF89a').toString('base64') }],
      });
      expect(batch.status).toBe(200);
      const [a, b, c] = batch.json().results;
      expect(a.entities).toEqual(withCaption.entities);
      expect(b.entities).toEqual((await reader.predict([{ text, caption: given }]))[0].entities);
      expect(c).toEqual({ error: "posts[2].image: not a JPEG or PNG file (expected the file's bytes in base64)" });
      expect(loads).toBe(1);

      const bad = await send('POST', '/v1/entities', { text, image: image.subarray(0, 40).toString('base64') });
      expect(bad.status).toBe(400);
      expect(bad.json()).toMatchObject({ field: 'image', error: expect.stringMatching(/^image: cannot caption the image: /) });
    } finally {
      await app.close();
      reader.dispose();
    }
  });

  it('ignores the image for a model that reads no captions, and never loads a captioner', async () => {
    const model = tinyModel(0);
    const app = buildServer(model, { captioner: captionerOption });
    loads = 0;
    try {
      const send = await listen(app);
      const r = await send('POST', '/v1/entities', { text: 'Kawhi in Toronto', image: png([1, 2, 3]).toString('base64') });
      expect(r.status).toBe(200);
      expect(r.json().entities).toEqual((await model.predict(['Kawhi in Toronto']))[0].entities);
      expect(loads).toBe(0);
    } finally {
      await app.close();
      model.dispose();
    }
  });
});
