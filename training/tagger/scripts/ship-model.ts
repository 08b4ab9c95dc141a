/**
 * Copies a trained model (a run's `model/` folder) into a folder to ship, weights stored as
 * float16 (half the bytes; the loaded model computes in float32), keeping the training metadata.
 * Then evaluate the shipped copy: float16 rounding may move a score by a few hundredths.
 *
 *   npx tsx training/tagger/scripts/ship-model.ts runs/text/model packages/trimod/model   (from the repository root)
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { initBackend, type JsonObject } from '@trimod/core';
import { TriMod } from '../../../packages/trimod/src';

async function main(): Promise<void> {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) throw new Error('usage: ship-model.ts <trained model folder> <output folder>');
  await initBackend('wasm');
  const json = JSON.parse(await readFile(path.join(from, 'model.json'), 'utf8')) as { metadata?: JsonObject };
  const model = await TriMod.load(path.resolve(from));
  await model.save(path.resolve(to), { ...(json.metadata ?? {}), shippedAs: 'float16' }, { float16: true });
  model.dispose();
  console.log(`saved ${from} to ${to} with float16 weights`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
