import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { labelsOf, parseTwitterNer, TriMod, type PostInput, type PostResult } from '@trimod/trimod';
import { poolStream } from '../src/tag/pool-stream';
import { TaggerPool } from '../src/tag/tagger-pool';
import { tinyTagger } from './helpers/tiny-tagger';

// The workers run the CLI's built dist/tagger-worker.js (with @trimod/trimod's dist); this
// process runs the sources. Build first: npx nx run-many -t build -p @trimod/trimod trimod.
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-pool-'));
const modelDir = path.join(dir, 'model');
const DATA = 'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\n#\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\n';
const WORDS = ['Kawhi', 'Leonard', 'wins', 'in', 'Toronto', '#NBA', 'the', 'Raptors', '@kawhi', '!'];
const text = (i: number) => Array.from({ length: 1 + ((i * 7) % 13) }, (_, k) => WORDS[(i * 3 + k) % WORDS.length]).join(' ');
let model: TriMod;

beforeAll(async () => {
  await initBackend('wasm');
  const posts = parseTwitterNer(DATA, 'data.txt');
  model = tinyTagger(posts.map((p) => p.tokens), labelsOf(posts), { captionMatchDim: 3, seed: 3 });
  await model.save(modelDir);
});
afterAll(() => model.dispose());

async function collect(stream: AsyncIterable<PostResult>): Promise<PostResult[]> {
  const out: PostResult[] = [];
  for await (const r of stream) out.push(r);
  return out;
}

/** Posts of 1 to 13 tokens, some with ids and captions, and records predictStream refuses or finds empty. */
function records(n: number): Array<PostInput | string> {
  return Array.from({ length: n }, (_, i): PostInput | string => {
    if (i % 17 === 5) return { id: `bad${i}` } as unknown as PostInput; // no text
    if (i % 23 === 7) return { text: text(i), caption: 5 } as unknown as PostInput; // caption of the wrong type
    if (i % 19 === 3) return { text: '   ' }; // no tokens
    if (i % 11 === 0) return text(i); // a plain string
    return i % 2 ? { id: `p${i}`, text: text(i), caption: i % 3 ? 'Toronto at night' : undefined } : { text: text(i) };
  });
}

describe('TaggerPool', () => {
  it('gives exactly what predictStream gives in this process, in input order, with the work spread over both workers', async () => {
    const input = records(150);
    const pool = await TaggerPool.start({ workers: 2, model: modelDir, backend: 'wasm' });
    try {
      const expected = await collect(model.predictStream(input, { batchSize: 4, window: 24 }));
      const got = await collect(poolStream(pool, input, { batchSize: 4, window: 24 }));
      expect(got).toEqual(expected);
      expect(got.map((r) => r.id).slice(0, 4)).toEqual([0, 'p1', 2, 3]);
      expect(got.filter((r) => r.error !== undefined).length).toBeGreaterThan(5);
      expect(got.some((r) => r.entities.length > 0)).toBe(true);
      // 150 records in windows of 24 at batch 4: dozens of jobs, and each worker took its share.
      const jobs = pool.jobsPerWorker;
      expect(jobs.reduce((a, b) => a + b, 0)).toBeGreaterThan(30);
      for (const j of jobs) expect(j).toBeGreaterThan(5);
    } finally {
      await pool.close();
    }
  });

  it('reports a worker that cannot load the model by number and reason, and leaves no worker running', async () => {
    const broken = path.join(dir, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(path.join(broken, 'model.json'), '{"className": "TriMod", "config": ');
    const t = Date.now();
    await expect(TaggerPool.start({ workers: 2, model: broken, backend: 'wasm' })).rejects.toThrow(/^tagger worker [12] could not start: .*model\.json/);
    expect(Date.now() - t).toBeLessThan(60_000);
  });

  it('a job that fails inside a worker fails the run with the worker\'s message instead of hanging, and the pool refuses more work', async () => {
    const pool = await TaggerPool.start({ workers: 2, model: modelDir, backend: 'wasm' });
    try {
      const ok = pool.tag([{ text: 'Kawhi wins' }], 4);
      // batchSize 0 is refused by predictStream inside the worker (poolStream's callers check it first).
      await expect(pool.tag([{ text: 'Kawhi wins in Toronto' }], 0)).rejects.toThrow(/^tagger worker [12] failed: batchSize must be a positive integer, got 0/);
      await ok.catch(() => undefined); // done or failed with the pool; either way it settled
      await expect(pool.tag([{ text: 'Toronto' }], 4)).rejects.toThrow(/tagger worker [12] failed/);
      await expect(collect(poolStream(pool, records(40), { batchSize: 4 }))).rejects.toThrow(/tagger worker [12] failed/);
    } finally {
      await pool.close();
    }
  });

  it('close() ends jobs in flight with an error and stops every worker', async () => {
    const pool = await TaggerPool.start({ workers: 2, model: modelDir, backend: 'wasm' });
    const running = pool.tag(records(200).filter((r): r is PostInput => typeof r !== 'string'), 4);
    const refused = expect(running).rejects.toThrow(/the tagger pool was closed before this job was done/);
    await pool.close();
    await refused;
    await expect(pool.tag([{ text: 'Kawhi' }], 4)).rejects.toThrow(/closed/);
  });
});
