/**
 * `npm run fuzz`: runs every fuzz target with many generated inputs (default 10,000 per
 * property) and prints what ran. Options: --runs N, --seed S (default: a new one, printed, so a
 * failure can be replayed), --only TEXT (properties whose name contains TEXT).
 * The same properties run in CI with a few hundred seeded inputs (each package's test/fuzz.test.ts).
 */
import type { AddressInfo } from 'node:net';
import { initBackend } from '@trimod/core';
import { loadSegmenter } from '@trimod/hashtag-segmenter';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { TriMod } from '@trimod/trimod';
import { tokenizerProperties } from '../packages/core/fuzz/tokenizer.fuzz';
import { dataReaderProperties } from '../packages/trimod/fuzz/data-reader.fuzz';
import { predictProperties } from '../packages/trimod/fuzz/predict.fuzz';
import { segmentProperties } from '../packages/hashtag-segmenter/fuzz/segment.fuzz';
import { serveRequestProperties } from '../apps/cli/fuzz/serve-request.fuzz';
import { startStaticServer, staticServerProperties } from '../apps/web/fuzz/static-server.fuzz';
import { buildServer } from '../apps/cli/src/serve/server';

interface Property {
  name: string;
  run: (params: { numRuns: number; seed: number }) => void | Promise<void>;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** A tiny untrained tagger: the properties are about offsets and errors, not accuracy. */
function tinyModel(): TriMod {
  const { words, chars } = buildVocabularies([['Kawhi', 'Leonard', 'in', 'Toronto', '#NBA', '@user']]);
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed: 3 });
  return TriMod.create({ labels: ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'], text, fusion: { outputDim: 6, attentionDim: 3 }, captionMatchDim: 3, seed: 3 });
}

async function main(): Promise<void> {
  const runs = Number(option('runs', '10000'));
  const seed = Number(option('seed', String(Date.now() % 2 ** 31)));
  const only = option('only', '');
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${option('runs', '')}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got ${option('seed', '')}`);

  await initBackend('wasm');
  const segmenter = await loadSegmenter();
  const model = tinyModel();
  const server = buildServer(model, { maxBody: 4096 });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const port = (server.server.address() as AddressInfo).port;
  const staticServer = await startStaticServer();

  const targets: Array<{ target: string; properties: Property[] }> = [
    { target: 'tokenizer (@trimod/core)', properties: tokenizerProperties },
    { target: 'data reader (@trimod/trimod)', properties: dataReaderProperties },
    { target: 'segment (@trimod/hashtag-segmenter)', properties: segmentProperties(segmenter) },
    { target: 'predict (@trimod/trimod)', properties: predictProperties(model) },
    { target: 'trimod serve requests (cli)', properties: serveRequestProperties(port) },
    { target: 'demo static server requests (web)', properties: staticServerProperties(staticServer.port, staticServer.pid) },
  ];

  let failed = 0;
  console.log(`fuzz: ${runs} inputs per property, seed ${seed}`);
  try {
    for (const { target, properties } of targets) {
      for (const p of properties) {
        if (only && !p.name.includes(only)) continue;
        const t0 = performance.now();
        try {
          await p.run({ numRuns: runs, seed });
          console.log(`ok    ${target}: ${p.name} (${runs} inputs, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        } catch (err) {
          failed++;
          console.log(`FAIL  ${target}: ${p.name}\n${(err as Error).message}`);
        }
      }
    }
  } finally {
    await server.close();
    await staticServer.stop();
    segmenter.dispose();
    model.dispose();
  }
  if (failed) {
    console.log(`${failed} propert${failed === 1 ? 'y' : 'ies'} failed; replay with --seed ${seed}`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
