/**
 * Tagging cost of an ensemble against its first model alone: posts/s of predict() at batch 32
 * over a Twitter-format file (tokens joined by spaces, with their captions), for the first model,
 * then the ensemble of all the models combining `scores` and combining `marginals`. The three
 * are run in turn for several rounds (so a change in the machine's load hits them alike) and
 * the median round is printed, wall and CPU time both (CPU moves less on a shared machine).
 *
 *   npx tsx --tsconfig tsconfig.dev.json packages/trimod/scripts/bench-ensemble.ts \
 *     --data ../shared/data/twitter2017/test.txt --captions ../shared/data/twitter2017/captions.json \
 *     --models A,B,C [--rounds 3] [--backend wasm]
 */
import { initBackend } from '@trimod/core';
import { readCaptions, readTwitterNer, TriMod, TriModEnsemble, type Post } from '../src';

function parseArgs(argv: string[]): { data: string; captions: string | null; models: string[]; rounds: number; backend: string } {
  const o = { data: '', captions: null as string | null, models: [] as string[], rounds: 3, backend: 'wasm' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    if (argv[i] === '--data') o.data = v;
    else if (argv[i] === '--captions') o.captions = v;
    else if (argv[i] === '--models') o.models = v.split(',');
    else if (argv[i] === '--rounds') o.rounds = Number(v);
    else if (argv[i] === '--backend') o.backend = v;
    else throw new Error(`unknown option ${argv[i]}`);
    i++;
  }
  if (!o.data || o.models.length < 2) throw new Error('give --data FILE and --models A,B[,...] (two or more model folders)');
  if (!(Number.isInteger(o.rounds) && o.rounds >= 1)) throw new Error(`--rounds must be a positive integer, got ${o.rounds}`);
  return o;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  await initBackend(o.backend as 'wasm');
  const annotated = await readTwitterNer(o.data);
  const captions = o.captions ? await readCaptions(o.captions) : null;
  const posts: Post[] = annotated.map((p) => ({ text: p.tokens.join(' '), caption: (p.imageId && captions?.get(p.imageId)) || null }));
  const models = await Promise.all(o.models.map((m) => TriMod.load(m)));
  const taggers: Array<[string, { predict(p: Post[], opts: { batchSize: number }): Promise<unknown> }]> = [
    ['1 model', models[0]],
    [`${models.length} models, scores`, TriModEnsemble.fromModels(models, { combine: 'scores' })],
    [`${models.length} models, marginals`, TriModEnsemble.fromModels(models, { combine: 'marginals' })],
  ];
  for (const [, t] of taggers) await t.predict(posts.slice(0, 64), { batchSize: 32 }); // warm-up
  const times = taggers.map(() => [] as Array<[number, number]>);
  for (let r = 0; r < o.rounds; r++) {
    for (const [i, [, t]] of taggers.entries()) {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await t.predict(posts, { batchSize: 32 });
      const used = process.cpuUsage(cpu);
      times[i].push([(performance.now() - t0) / 1000, (used.user + used.system) / 1e6]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`${posts.length} posts, batch 32, ${o.backend}, median of ${o.rounds} rounds`);
  for (const [i, [name]] of taggers.entries()) {
    const wall = median(times[i].map((x) => x[0]));
    const cpu = median(times[i].map((x) => x[1]));
    console.log(`${name.padEnd(24)} ${(posts.length / wall).toFixed(0).padStart(5)} posts/s wall   ${(posts.length / cpu).toFixed(0).padStart(5)} posts/CPU-s`);
  }
  for (const m of models) m.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
