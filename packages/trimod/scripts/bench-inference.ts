/**
 * Where inference time goes in TriMod.predict, with the bundled default model, on the
 * Twitter-2017 test posts (read at run time; a post is its tokens joined by spaces, its caption
 * comes from captions.json by image id). Each stage is run on its own with the inputs the model
 * gives it, batch by batch in predict's order (posts sorted by token count), and timed in CPU
 * seconds of this process (wasm and cpu run every op eagerly, so a stage's CPU time is its cost;
 * unlike wall time it hardly moves with other jobs' load on a shared machine).
 *
 *   npx tsx --tsconfig tsconfig.dev.json packages/trimod/scripts/bench-inference.ts \
 *     --data ../shared/data/twitter2017/test.txt --captions ../shared/data/twitter2017/captions.json \
 *     [--backend wasm] [--batch 32,1] [--limit N] [--rounds 2] [--predict-only | --bucket-ab]
 *
 * Stages: tokenisation (modelTokens); the text encoder's character Bi-GRU (every distinct token of
 * the batch, its input projection once per row of the character table, as the encoder runs it) and word Bi-GRU (its input projection once per distinct row,
 * as at inference), and the rest of encode (embedding gathers, layout); fusion and the emission
 * layer (fusion.readout, as TriMod.forward runs them at inference); caption match and the rest of
 * TriMod.forward; CRF Viterbi
 * decode; CRF marginals; the tensor → JS reads of marginals and fusion weights; and whatever
 * predict() spends beyond them (entity assembly). With --rounds 2 the stages are measured
 * alternately round by round and the medians printed, so a neighbour's load hits all alike.
 * --predict-only times just TriMod.predict over all the posts (for before/after comparisons of
 * whole trees: run it in each, alternating). --bucket-ab tags the posts with TriMod.tagTokens (what
 * evaluateModel runs) in batches in file order and in batches sorted by length, alternating
 * round by round.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@trimod/core';
import type { TextEncoder } from '@trimod/text-encoder';
import { layoutTokens } from '../../text-encoder/src/features/batch-tokens';
import { charIdsOf } from '../../text-encoder/src/features/token-ids';
import { modelTokens, readCaptions, readTwitterNer, TriMod, type PostBatch } from '../src';

interface Options {
  data: string;
  captions: string;
  backend: string;
  batches: number[];
  limit: number;
  rounds: number;
  predictOnly: boolean;
  bucketAb: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { data: '', captions: '', backend: 'wasm', batches: [32, 1], limit: Infinity, rounds: 2, predictOnly: false, bucketAb: false };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    const flag = argv[i];
    if (flag === '--data') o.data = value();
    else if (flag === '--captions') o.captions = value();
    else if (flag === '--backend') o.backend = value();
    else if (flag === '--batch') o.batches = value().split(',').map(Number);
    else if (flag === '--limit') o.limit = Number(value());
    else if (flag === '--rounds') o.rounds = Number(value());
    else if (flag === '--predict-only') o.predictOnly = true;
    else if (flag === '--bucket-ab') o.bucketAb = true;
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!o.data) throw new Error('--data <Twitter-2017 file> is required');
  return o;
}

type Stage = 'tokenise' | 'char Bi-GRU' | 'word Bi-GRU' | 'encoder rest' | 'fusion + emission' | 'caption match + forward rest' | 'CRF decode' | 'CRF marginals' | 'tensor → JS reads' | 'predict rest';
const STAGES: Stage[] = ['tokenise', 'char Bi-GRU', 'word Bi-GRU', 'encoder rest', 'fusion + emission', 'caption match + forward rest', 'CRF decode', 'CRF marginals', 'tensor → JS reads', 'predict rest'];

/**
 * Milliseconds of CPU time (user + system, all threads of this process): on a machine shared
 * with other jobs, wall time swings with their load, CPU time much less.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function time<T>(f: () => T): [T, number] {
  const t0 = cpuMs();
  const out = f();
  return [out, cpuMs() - t0];
}

async function timeAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = cpuMs();
  const out = await f();
  return [out, cpuMs() - t0];
}

/** One batch through every stage; adds each stage's milliseconds to `ms`. */
async function measureBatch(model: TriMod, texts: string[], captions: (string | null)[], ms: Record<Stage, number>): Promise<void> {
  const encoder = model.text as unknown as TextEncoder;
  const [modelled, tTok] = time(() => texts.map((t) => modelTokens(t)));
  ms.tokenise += tTok;
  const tokens = modelled.map((post) => post.map((x) => x.text));
  // As predict builds it: the tokenizer's kinds come with the tokens.
  const batch: PostBatch = { tokens, kinds: modelled.map((post) => post.map((x) => x.kind)), captions };

  // The two Bi-GRUs alone, as encode runs them at inference. The character Bi-GRU: every
  // distinct token of the batch, its input projection once per row of the character table.
  const layout = layoutTokens(tokens);
  const chars = charIdsOf(layout.distinct, encoder.charVocabulary, Number(encoder.getConfig().maxCharsPerToken));
  const [charOut, tChar] = time(() => encoder.embedder.chars.encode(encoder.charEmbedding as tf.Tensor2D, chars, { training: false, dropout: 0, seed: 0, impl: 'native' }));
  ms['char Bi-GRU'] += tChar;
  const T = Math.max(...tokens.map((t) => t.length));
  // The word Bi-GRU: the embedder's distinct rows, projected once each.
  const distinct = encoder.embedder.embedRows(layout, { training: false, impl: 'native', charSeed: 0, wordSeed: 0 });
  const [wordOut, tWord] = time(() => encoder.wordGru.apply({ table: distinct.table, index: distinct.index!, shape: [tokens.length, T] }, layout.lengths, 'native'));
  ms['word Bi-GRU'] += tWord;
  tf.dispose([charOut, wordOut, distinct.table]);

  const [text, tEncode] = time(() => encoder.encode(tokens, { training: false }));
  ms['encoder rest'] += tEncode - tChar - tWord;
  const emission = model.namedWeights();
  const [scored, tReadout] = time(() => model.fusion.readout({ text }, emission['emission/kernel'] as tf.Tensor2D, emission['emission/bias'] as tf.Tensor1D));
  ms['fusion + emission'] += tReadout;
  tf.dispose([text.features, text.mask, scored.scores, scored.mask, scored.weights]);

  const [fwd, tForward] = time(() => model.forward(batch, false));
  ms['caption match + forward rest'] += tForward - tEncode - tReadout;
  const rows = tokens.map((t) => Array.from({ length: T }, (_, i) => (i < t.length ? 1 : 0)));
  const [, tDecode] = await timeAsync(() => model.crf.decode(fwd.emissions, rows));
  ms['CRF decode'] += tDecode;
  const [marginals, tMarg] = time(() => model.crf.marginals(fwd.emissions, rows));
  ms['CRF marginals'] += tMarg;
  const [, tRead] = await timeAsync(() => Promise.all([marginals.array(), fwd.weights.array()]));
  ms['tensor → JS reads'] += tRead;
  tf.dispose([fwd.emissions, fwd.mask, fwd.weights, marginals]);

  const [, tPredict] = await timeAsync(() => model.predict(texts.map((t, i) => ({ text: t, caption: captions[i] })), { batchSize: texts.length }));
  ms['predict rest'] += tPredict - (tTok + tForward + tDecode + tMarg + tRead);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const info = await initBackend(o.backend as 'wasm');
  const model = await TriMod.load(path.resolve(__dirname, '../model'));
  const captionMap = o.captions ? await readCaptions(o.captions) : new Map<string, string>();
  const posts = (await readTwitterNer(o.data)).slice(0, o.limit);
  const texts = posts.map((p) => p.tokens.join(' '));
  const captions = posts.map((p) => (p.imageId ? (captionMap.get(`${p.imageId}.jpg`) ?? captionMap.get(p.imageId) ?? null) : null));
  // predict's order: by token count, so a batch pads to its own longest post.
  const order = texts.map((_, i) => i).sort((a, b) => modelTokens(texts[a]).length - modelTokens(texts[b]).length || a - b);
  await model.predict(texts.slice(0, 64)); // warm-up: kernel set-up and first-call costs
  if (o.predictOnly) {
    for (const batchSize of o.batches) {
      const times: number[] = [];
      const walls: number[] = [];
      for (let r = 0; r < o.rounds; r++) {
        const w0 = performance.now();
        const [, ms] = await timeAsync(() => model.predict(texts.map((text, i) => ({ text, caption: captions[i] })), { batchSize }));
        times.push(ms);
        walls.push(performance.now() - w0);
      }
      const m = median(times);
      console.log(
        `predict, backend ${info.backend}, batch ${batchSize}: ${(m / 1000).toFixed(2)} CPU s (wall ${(median(walls) / 1000).toFixed(2)} s) for ${posts.length} posts = ${((posts.length / m) * 1000).toFixed(0)} posts per CPU s (median of ${o.rounds})`,
      );
    }
    model.dispose();
    return;
  }
  if (o.bucketAb) {
    const fileOrder = texts.map((_, i) => i);
    for (const batchSize of o.batches) {
      const ms: Record<'file order' | 'sorted by length', number[]> = { 'file order': [], 'sorted by length': [] };
      for (let r = 0; r < o.rounds; r++) {
        for (const [name, idx] of [['file order', fileOrder], ['sorted by length', order]] as const) {
          const [, t] = await timeAsync(async () => {
            for (let s = 0; s < idx.length; s += batchSize) {
              const part = idx.slice(s, s + batchSize);
              await model.tagTokens({ tokens: part.map((i) => posts[i].tokens), captions: part.map((i) => captions[i]) });
            }
          });
          ms[name].push(t);
        }
      }
      const a = median(ms['file order']);
      const b = median(ms['sorted by length']);
      console.log(`tagTokens, batch ${batchSize}: file order ${(a / 1000).toFixed(2)} CPU s, sorted by length ${(b / 1000).toFixed(2)} CPU s (${(b / a).toFixed(2)}×; median of ${o.rounds}, alternating)`);
    }
    model.dispose();
    return;
  }
  console.log(`backend ${info.backend}, ${posts.length} posts, default model, ${o.rounds} round(s), median per round`);
  for (const batchSize of o.batches) {
    const rounds: Record<Stage, number>[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const ms = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
      for (let s = 0; s < order.length; s += batchSize) {
        const idx = order.slice(s, s + batchSize);
        await measureBatch(model, idx.map((i) => texts[i]), idx.map((i) => captions[i]), ms);
      }
      rounds.push(ms);
    }
    const total = STAGES.reduce((sum, s) => sum + median(rounds.map((r) => r[s])), 0);
    console.log(`\nbatch ${batchSize}: ${(total / 1000).toFixed(2)} CPU s for ${posts.length} posts = ${((posts.length / total) * 1000).toFixed(0)} posts per CPU s`);
    console.log('| stage | CPU s | share |\n|---|---:|---:|');
    for (const s of STAGES) {
      const m = median(rounds.map((r) => r[s]));
      console.log(`| ${s} | ${(m / 1000).toFixed(2)} | ${((100 * m) / total).toFixed(1)} % |`);
    }
  }
  model.dispose();
}

main().catch((err: Error) => {
  console.error(process.env.BENCH_STACK ? err.stack : err.message);
  process.exit(1);
});
