/**
 * Tunes the lattice decoder's settings (and the lexicon's mixture weights) by coordinate search,
 * maximising exact-match accuracy on a tuning set, then writes them into the model folder.
 *
 *   npm run tune -- [--data ../../../shared/data/hashtags/stan-large-train.tsv] [--model model]
 *                   [--rounds 3]
 *
 * The lexicon-only decoder ('lm') and the combined decoder are tuned separately, so the
 * comparison between them is fair. The network is run once; only decoding is repeated.
 * Tune on a training split (STAN-large train) and report on held-out sets (`npm run eval`).
 */
import * as path from 'node:path';
import { initBackend, type JsonObject } from '@trimod/core';
import { DEFAULT_DECODE_PARAMS, type DecodeParams } from '../../../packages/hashtag-segmenter/src/decode/params';
import { loadSegmenter } from '../../../packages/hashtag-segmenter/src/load';
import { decodePrepared, prepareBatch, type DecodeMode } from '../../../packages/hashtag-segmenter/src/segmenter';
import type { Lexicon } from '../../../packages/hashtag-segmenter/src/lexicon';
import { parseArgs } from './lib/args';
import { buildLexicon, DEFAULT_MIX, readWordSources, type LexiconMix } from './lib/build-lexicon';
import { accuracy, readGoldFile } from './lib/datasets';
import { saveSegmenterModel } from './lib/save-model';

const args = parseArgs(process.argv.slice(2), {
  data: '../../../shared/data/hashtags/stan-large-train.tsv',
  model: 'model',
  rounds: 3,
});

/** Candidate moves per setting: tried as value + delta (values stay ≥ 0). */
const MOVES: Partial<Record<keyof DecodeParams, number[]>> = {
  unknownBase: [-3, -1.5, 1.5, 3],
  unknownPerChar: [-0.5, -0.25, 0.25, 0.5],
  unknownCharWeight: [-0.5, -0.25, 0.25, 0.5],
  unknownLongPerChar: [-1, -0.5, 0.5, 1],
  singleLetterCost: [-4, -2, 2, 4],
  wholeBonus: [-2, -1, 1, 2],
  digitCost: [-2, -1, 1, 2],
  camelPenalty: [-2, -1, 1, 2],
  acronymPenalty: [-2, -1, 1, 2],
  upperSplitPenalty: [-2, -1, 1, 2],
  capitalSplitPenalty: [-2, -1, 1, 2],
  wordPenalty: [-1, -0.5, 0.5, 1],
  acronymMaxLength: [-1, 1],
};
const MIX_KEYS: (keyof LexiconMix)[] = ['subtlex', 'ninja', 'wink', 'extra'];

function log(msg: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../../packages/hashtag-segmenter');
  const modelDir = path.resolve(root, String(args.model));
  await initBackend('wasm');
  const segmenter = await loadSegmenter(modelDir);
  const data = readGoldFile(path.resolve(root, String(args.data)));
  const prepared = prepareBatch(data.map((d) => d.hashtag));
  const probs = segmenter.model ? segmenter.boundaryProbabilities(prepared.latin) : null;
  const sources = readWordSources(DEFAULT_MIX.winkLimit);
  log(`tuning on ${data.length} hashtags from ${args.data}`);

  const score = (mode: DecodeMode, lexicon: Lexicon, params: DecodeParams) =>
    accuracy(decodePrepared(prepared, probs, mode, lexicon, params), data);

  let mix: LexiconMix = { ...DEFAULT_MIX };
  let lexicon = buildLexicon(sources, mix);
  const tuneParams = (mode: DecodeMode, start: DecodeParams): { params: DecodeParams; acc: number } => {
    let params = { ...start };
    let best = score(mode, lexicon, params);
    const moves: Partial<Record<keyof DecodeParams, number[]>> = { ...MOVES };
    if (mode === 'combined') moves.neuralWeight = [-0.5, -0.25, 0.25, 0.5];
    for (let round = 0; round < Number(args.rounds); round++) {
      let improved = false;
      for (const [key, deltas] of Object.entries(moves) as [keyof DecodeParams, number[]][]) {
        for (const d of deltas) {
          const trial = { ...params, [key]: Math.max(0, params[key] + d) };
          const acc = score(mode, lexicon, trial);
          if (acc > best) {
            best = acc;
            params = trial;
            improved = true;
          }
        }
      }
      log(`${mode} round ${round + 1}: ${(100 * best).toFixed(2)}%`);
      if (!improved) break;
    }
    return { params, acc: best };
  };

  // The lexicon mixture is tuned with the LM-only decoder, then both decoders on that lexicon.
  // Always from the defaults, so the result depends only on the network and the tuning set.
  let lm = tuneParams('lm', DEFAULT_DECODE_PARAMS);
  for (let round = 0; round < 2; round++) {
    let improved = false;
    for (const key of MIX_KEYS) {
      for (const factor of [0.5, 0.7, 1.4, 2]) {
        const trialMix = { ...mix, [key]: (mix[key] as number) * factor };
        const trialLexicon = buildLexicon(sources, trialMix);
        const acc = accuracy(decodePrepared(prepared, null, 'lm', trialLexicon, lm.params), data);
        if (acc > lm.acc) {
          lm = { params: lm.params, acc };
          mix = trialMix;
          lexicon = trialLexicon;
          improved = true;
        }
      }
    }
    log(`lexicon mix round ${round + 1}: ${(100 * lm.acc).toFixed(2)}% ${JSON.stringify(mix)}`);
    if (!improved) break;
  }
  lm = tuneParams('lm', lm.params);
  let combined = { params: segmenter.params, acc: 0 };
  if (segmenter.model) combined = tuneParams('combined', { ...lm.params, neuralWeight: DEFAULT_DECODE_PARAMS.neuralWeight });
  const neuralAcc = probs ? score('neural', lexicon, lm.params) : 0;
  log(`lm params ${JSON.stringify(lm.params)}`);
  if (segmenter.model) log(`combined params ${JSON.stringify(combined.params)}`);
  log(`tuning set: neural ${(100 * neuralAcc).toFixed(2)}%, lm ${(100 * lm.acc).toFixed(2)}%, combined ${(100 * combined.acc).toFixed(2)}%`);

  const metadata: JsonObject = {
    ...segmenter.metadata,
    tuning: {
      command: `npm run tune -- --data ${args.data} --rounds ${args.rounds}`,
      set: path.basename(String(args.data)),
      size: data.length,
      lexiconMix: { ...mix },
      accuracy: { neural: round(neuralAcc), lm: round(lm.acc), combined: round(combined.acc) },
    },
  };
  if (segmenter.model) await saveSegmenterModel(modelDir, segmenter.model, lexicon, combined.params, metadata, lm.params);
  else log('no boundary network in the model folder: nothing written');
  log(`wrote ${modelDir}`);
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

main().catch((err) => {
  process.stderr.write(`tune: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
