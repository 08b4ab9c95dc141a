import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject, Saveable } from '../src/interfaces';
import { registerClass } from '../src/registry';
import { ArtifactError, loadArtifact, saveArtifact } from '../src/artifacts';
import { loadModule, saveModule } from '../src/artifacts/module';

/** Loading over HTTP from a tiny static server on 127.0.0.1 serving `root` under /models/. */

class Bias implements Saveable {
  readonly className = 'test.HttpBias';
  readonly b: tf.Variable; // [size]
  constructor(readonly size: number) {
    this.b = tf.tidy(() => tf.variable(tf.zeros([size])));
  }
  getConfig(): JsonObject {
    return { size: this.size };
  }
  namedWeights(): Record<string, tf.Variable> {
    return { bias: this.b };
  }
}
registerClass('test.HttpBias', (c) => new Bias(c.size as number));

let root: string;
let server: Server;
let base: string;
const requested: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'trimod-artifact-http-'));
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requested.push(url.pathname);
    const rel = decodeURIComponent(url.pathname.replace(/^\/models\//, ''));
    if (!url.pathname.startsWith('/models/') || rel.split('/').includes('..')) {
      res.writeHead(403).end();
      return;
    }
    readFile(join(root, rel)).then(
      (body) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

describe('loading over http', () => {
  it('loads a multi-shard model from a folder URL and from its model.json URL, with progress', async () => {
    const w = tf.tensor2d(Array.from({ length: 24 }, (_, i) => i * 0.5), [4, 6]);
    await saveArtifact(join(root, 'a'), { className: 'X', config: { k: 1 }, weights: { w }, extraFiles: { 'vocab.txt': 'a\nb' } }, { shardBytes: 32 });
    for (const url of [`${base}/a`, `${base}/a/`, `${base}/a/model.json`]) {
      requested.length = 0;
      const progress: number[] = [];
      const loaded = await loadArtifact(url, { onProgress: (f) => progress.push(f) });
      expect(loaded.location).toBe(`${base}/a/`);
      expect(Array.from(loaded.weights.w.dataSync())).toEqual(Array.from(w.dataSync()));
      expect(await loaded.readExtraFile('vocab.txt')).toBe('a\nb');
      expect(requested).toEqual(['/models/a/model.json', '/models/a/group1-shard1of3.bin', '/models/a/group1-shard2of3.bin', '/models/a/group1-shard3of3.bin', '/models/a/vocab.txt']);
      expect(progress[progress.length - 1]).toBe(1);
      loaded.weights.w.dispose();
    }
    w.dispose();
  });

  it('loadModule works over http', async () => {
    const m = new Bias(3);
    tf.tidy(() => m.b.assign(tf.tensor1d([1, 2, 3])));
    await saveModule(m, join(root, 'bias'));
    m.b.dispose();
    const loaded = await loadModule<Bias>(`${base}/bias`);
    expect(loaded).toBeInstanceOf(Bias);
    expect(Array.from(loaded.b.dataSync())).toEqual([1, 2, 3]);
    loaded.b.dispose();
  });

  it('a missing model.json or shard is named by its URL', async () => {
    await expect(loadArtifact(`${base}/none`)).rejects.toMatchObject({
      code: 'missing-model-json',
      path: `${base}/none/model.json`,
      message: `${base}/none/model.json: model.json not found`,
    });
    const w = tf.ones([10]);
    await saveArtifact(join(root, 'broken'), { className: 'X', config: {}, weights: { w } }, { shardBytes: 16 });
    w.dispose();
    await unlink(join(root, 'broken', 'group1-shard2of3.bin'));
    const before = tf.memory().numTensors;
    const err = await loadArtifact(`${base}/broken`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactError);
    expect((err as ArtifactError).message).toBe(`${base}/broken/group1-shard2of3.bin: shard file is missing (listed in ${base}/broken/model.json)`);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('server errors other than 404 are reported with their status', async () => {
    await expect(loadArtifact(`http://127.0.0.1:${(server.address() as AddressInfo).port}/elsewhere`)).rejects.toMatchObject({
      code: 'read-failed',
      message: expect.stringMatching(/elsewhere\/model\.json: HTTP 403/),
    });
  });
});
