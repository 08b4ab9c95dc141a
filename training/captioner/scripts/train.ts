/**
 * Trains the attention GRU caption decoder on cached Flickr8k features (teacher-forced
 * next-word cross-entropy, Adam, gradient clipping), resumable.
 *
 *   npx tsx scripts/train.ts --data ../../../shared/data/flickr8k --features $CACHE/flickr8k-features \
 *     --ckpt $CACHE/captioner-ckpt [--epochs 20] [--backend wasm]
 *     [--hidden 256 --embed 128 --context 256 --attention 128 --dropout 0.5]   (sizes of a new run)
 *     [--standardize]   (a new run standardises region features with the training set's statistics)
 *     [--deep-output]   (a new run's word classifier also reads the attended context and the input word)
 *     [--input-dropout 0.3]   (a new run drops input word embeddings while training)
 *     [--ema 0.998]   (evaluate and save a moving average of the weights)
 *     [--init DIR]   (a new run starts from the trained decoder in DIR instead of random weights)
 *     [--reward cider|bleu --samples 5 --temperature 1 --xe-weight 0]   (self-critical training of the policy
 *        at that temperature, optionally mixed with the human captions at this weight: see self-critical.ts)
 *     [--eval-every N]   (also evaluate on dev every N batches, keeping the best)
 *     [--seed 17]   (batch order, dropout and self-critical samples of a new run)
 *
 * The learning rate is halved after every epoch whose dev BLEU-4 (greedy) is not a new best;
 * training stops after --patience such epochs in a row.
 *
 * Checkpoints (atomic: written to a temporary folder, then renamed):
 *   <ckpt>/last  weights + Adam state (float32) + position, every --save-every steps and at each epoch end;
 *   <ckpt>/best  float16 decoder with the best dev BLEU-4 so far (what the package ships).
 * Restarting the same command resumes from <ckpt>/last at the batch where it stopped.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JsonObject } from '@trimod/core';
import { arg, formatDuration, useBackend } from './backend';
import { FLICKR8K_TRAINING_DATA, readFlickr8k } from './flickr8k';
import { evaluateDev, formatBleu, type DevResult } from './dev-eval';
import { epochOrder, loadFeatures, makeBatch, readFeatureInfo, regionsOf, regionStatistics } from './train-data';
import { DEFAULT_DECODER_CONFIG, type DecoderConfig } from '../../../packages/image-captioner/src/decoder/config';
import { CaptionDecoder } from '../../../packages/image-captioner/src/decoder/decoder';
import { DECODER_CLASS, loadDecoder, saveDecoder } from '../../../packages/image-captioner/src/decoder/io';
import { teacherForcedLoss, type CaptionBatch } from '../../../packages/image-captioner/src/decoder/teacher-forcing';
import { CaptionVocab, captionWords } from '../../../packages/image-captioner/src/decoder/vocab';
import type { NamedArray } from '../../../packages/image-captioner/src/weights/io';
import { loadWeights } from '../../../packages/image-captioner/src/weights/io';
import { WeightAverage } from '../src/weight-average';
import { makeReward, selfCriticalBatch, type RewardKind } from '../src/self-critical';

interface TrainState {
  /** Epoch in progress (0-based) and the next batch of it. */
  epoch: number;
  batch: number;
  step: number;
  history: JsonObject[];
  bestBleu4: number;
  bestEpoch: number;
  trainSeconds: number;
  /** Current Adam learning rate: halved after each epoch without a better dev BLEU-4. */
  lr?: number;
  /** Decay of the weight average (--ema); 0 or absent: none. */
  emaDecay?: number;
  /** Self-critical training's reward (--reward); absent: teacher-forced cross-entropy. */
  reward?: RewardKind;
  /** Whether a dev check of the current epoch (mid-epoch or final) gave a new best. */
  improvedThisEpoch?: boolean;
  /** Seed of the batch order, dropout and caption samples (--seed); absent: 17, the seed of the shipped runs. */
  seed?: number;
}

const DEFAULT_SEED = 17;

async function main(): Promise<void> {
  const dataDir = arg('data');
  const featDir = arg('features');
  const ckpt = arg('ckpt');
  const epochs = Number(arg('epochs', '20'));
  const imagesPerBatch = Number(arg('batch-images', '16'));
  const lr = Number(arg('lr', '0.001'));
  const clip = Number(arg('clip', '5'));
  const saveEvery = Number(arg('save-every', '50'));
  const patience = Number(arg('patience', '4'));
  // --seed N: runs that differ only in their seed give independent fine-tunes to average (scripts/average-decoders.ts).
  const seedArg = Number(arg('seed', String(DEFAULT_SEED)));
  const backend = await useBackend(arg('backend', 'wasm'));

  const data = readFlickr8k(dataDir);
  const info = readFeatureInfo(featDir);
  const lastDir = path.join(ckpt, 'last');
  const bestDir = path.join(ckpt, 'best');
  fs.mkdirSync(ckpt, { recursive: true });

  let decoder: CaptionDecoder;
  let state: TrainState = { epoch: 0, batch: 0, step: 0, history: [], bestBleu4: 0, bestEpoch: -1, trainSeconds: 0 };
  let optimizerState: NamedArray[] = [];
  let averageState: NamedArray[] = [];
  if (fs.existsSync(path.join(lastDir, 'model.json'))) {
    const loaded = await loadDecoder(lastDir);
    decoder = loaded.decoder;
    state = loaded.description.training as unknown as TrainState;
    const { weights } = await loadWeights(lastDir, DECODER_CLASS);
    optimizerState = [...weights.values()].filter((w) => w.name.startsWith('adam:'));
    averageState = [...weights.values()].filter((w) => w.name.startsWith('ema:'));
    console.log(`resuming from ${lastDir}: epoch ${state.epoch + 1}, batch ${state.batch}, step ${state.step}, best BLEU-4 ${state.bestBleu4.toFixed(4)}`);
  } else if (process.argv.includes('--init')) {
    const init = arg('init');
    decoder = (await loadDecoder(init)).decoder;
    state.reward = process.argv.includes('--reward') ? (arg('reward') as RewardKind) : undefined;
    console.log(`new run from the decoder in ${init}: vocabulary ${decoder.vocab.size} words, config ${JSON.stringify(decoder.config)}`);
  } else {
    const trainCaptions = data.train.flatMap((id) => data.captions.get(id)!);
    const vocab = CaptionVocab.build(trainCaptions, Number(arg('min-count', '5')));
    // Sizes from the command line (--hidden 512 --embed 256 ...) for a new run; a resumed run keeps its own.
    const size = (name: string, fallback: number) => Number(arg(name, String(fallback)));
    const d = DEFAULT_DECODER_CONFIG;
    const config: DecoderConfig = {
      ...d,
      embedDim: size('embed', d.embedDim),
      contextDim: size('context', d.contextDim),
      hiddenDim: size('hidden', d.hiddenDim),
      attentionDim: size('attention', d.attentionDim),
      dropout: Number(arg('dropout', String(d.dropout))),
      standardizeRegions: process.argv.includes('--standardize'),
      deepOutput: process.argv.includes('--deep-output'),
      inputDropout: Number(arg('input-dropout', '0')),
      regionDim: info.dim,
      seed: seedArg,
    };
    decoder = new CaptionDecoder(config, vocab);
    state.reward = process.argv.includes('--reward') ? (arg('reward') as RewardKind) : undefined;
    console.log(`new decoder: vocabulary ${vocab.size} words, config ${JSON.stringify(config)}`);
  }
  state.seed = state.seed ?? seedArg; // a resumed run keeps its own
  const seed = state.seed;
  const variables = decoder.trainableVariables();
  // --ema D: evaluate and save the moving average of the weights (a resumed run keeps its own choice).
  state.emaDecay = Number(arg('ema', String(state.emaDecay ?? 0)));
  const emaDecay = state.emaDecay;
  const average = emaDecay > 0 ? new WeightAverage(decoder.namedWeights(), emaDecay, averageState) : null;
  if (average) console.log(`weight averaging on (decay ${emaDecay})`);
  const params = variables.reduce((n, v) => n + v.size, 0);
  console.log(`${params} parameters; backend ${backend}; ${data.train.length} train / ${data.dev.length} dev images`);

  state.lr = state.lr ?? lr;
  const optimizer = tf.train.adam(state.lr);
  const setLearningRate = (value: number): void => {
    (optimizer as unknown as { learningRate: number }).learningRate = value;
  };
  console.log(`learning rate ${state.lr}`);
  if (optimizerState.length > 0) {
    // Adam's slots are named after the variables; map our stable names onto this run's names.
    const byName = decoder.namedWeights();
    const named = optimizerState.map((w) => {
      const [, kind, ...rest] = w.name.split(':');
      const name = rest.join(':');
      const tensorName = kind === 'iter' ? 'iter' : `${byName[name].name}/${kind}`;
      return { name: tensorName, tensor: tf.tensor(w.values, w.shape) };
    });
    await optimizer.setWeights(named);
  }

  const t0 = Date.now();
  console.log('loading cached features...');
  const features = loadFeatures(featDir, [...data.train, ...data.dev], info);
  console.log(`loaded ${features.size} feature files in ${formatDuration((Date.now() - t0) / 1000)}`);
  if (decoder.config.standardizeRegions && state.step === 0 && !process.argv.includes('--init')) {
    const { mean, invStd } = regionStatistics(data.train.map((id) => features.get(id)!), info.dim);
    decoder.setRegionStatistics(mean, invStd);
    console.log('region statistics set from the training features');
  }

  const saveLast = async (): Promise<void> => {
    const slots = await optimizer.getWeights();
    const nameOf = new Map(Object.entries(decoder.namedWeights()).map(([k, v]) => [v.name, k]));
    const arrays: NamedArray[] = [];
    for (const s of slots) {
      let stable: string;
      if (s.name === 'iter') stable = 'adam:iter:';
      else {
        const cut = s.name.lastIndexOf('/');
        stable = `adam:${s.name.slice(cut + 1)}:${nameOf.get(s.name.slice(0, cut))}`;
      }
      const values = await s.tensor.data();
      if (s.name === 'iter') s.tensor.dispose(); // a fresh scalar; the moments are Adam's own variables
      arrays.push({ name: stable, shape: s.tensor.shape, values: values instanceof Int32Array ? values : new Float32Array(values) });
    }
    if (average) arrays.push(...(await average.toArrays()));
    await saveDecoder(decoder, lastDir, { backbone: info.kind ?? 'mobilenetv2', dtype: 'float32', training: state as unknown as JsonObject, extraArrays: arrays });
  };

  const samples = Number(arg('samples', '5'));
  const evalEvery = Number(arg('eval-every', '0'));
  const xeWeight = Number(arg('xe-weight', '0'));
  const temperature = Number(arg('temperature', '1'));
  const referenceWords = new Map(data.train.map((id) => [id, data.captions.get(id)!.map(captionWords)]));
  const reward = state.reward ? makeReward(state.reward, [...referenceWords.values()]) : null;
  if (reward) console.log(`self-critical training: reward ${state.reward}, ${samples} samples per image at temperature ${temperature}${xeWeight > 0 ? `, human captions at weight ${xeWeight}` : ''}`);

  /** Dev BLEU (greedy) of the current (or averaged) weights; a new best BLEU-4 is saved to <ckpt>/best. */
  const checkDev = async (): Promise<{ dev: DevResult; improved: boolean }> => {
    average?.swapIn();
    const dev = await evaluateDev(decoder, data.dev, data.captions, features, info);
    const bleu4 = dev.scores.bleu[3];
    const improved = bleu4 > state.bestBleu4;
    if (improved) {
      state.bestBleu4 = bleu4;
      state.bestEpoch = state.epoch;
      state.improvedThisEpoch = true;
      await saveDecoder(decoder, bestDir, {
        backbone: info.kind ?? 'mobilenetv2',
        dtype: 'float16',
        training: {
          data: FLICKR8K_TRAINING_DATA,
          epoch: state.epoch + 1,
          batch: state.batch,
          devBleuGreedy: dev.scores.bleu,
          // The command as given (a resumed run records its own command line).
          command: `npx tsx scripts/train.ts ${process.argv.slice(2).join(' ')}`,
        },
      });
    }
    average?.swapOut();
    return { dev, improved };
  };

  const maxWords = decoder.config.maxWords;
  const batchesPerEpoch = Math.ceil(data.train.length / imagesPerBatch);
  let bad = state.history.length - 1 - state.bestEpoch;
  for (; state.epoch < epochs; state.epoch++, state.batch = 0) {
    if (bad >= patience) {
      console.log(`early stop: dev BLEU-4 has not improved for ${patience} epochs (best ${state.bestBleu4.toFixed(4)} at epoch ${state.bestEpoch + 1})`);
      break;
    }
    const order = epochOrder(data.train, seed, state.epoch);
    const epochStart = Date.now();
    const startBatch = state.batch;
    let lossSum = 0;
    let lossCount = 0;
    let rewardSum = 0;
    for (let b = state.batch; b < batchesPerEpoch; b++) {
      const stepStart = Date.now();
      const ids = order.slice(b * imagesPerBatch, (b + 1) * imagesPerBatch);
      const dropoutSeed = seed * 7919 + state.step * 101;
      let batch: CaptionBatch;
      if (reward) {
        const sc = await selfCriticalBatch(decoder, regionsOf(ids, features, info), ids.map((id) => referenceWords.get(id)!), reward, {
          samples,
          seed: dropoutSeed,
          temperature,
          ...(xeWeight > 0 ? { humanCaptions: ids.map((id) => data.captions.get(id)!.map((c) => decoder.vocab.encode(c, maxWords))), humanWeight: xeWeight } : {}),
        });
        batch = sc.batch;
        rewardSum += sc.meanReward;
      } else {
        batch = makeBatch(ids, data.captions, decoder.vocab, maxWords, features, info);
      }
      const lossValue = tf.tidy(() => {
        // Self-critical batches train without dropout: the samples came from the whole network.
        const { value, grads } = tf.variableGrads(() => teacherForcedLoss(decoder, batch, reward ? undefined : dropoutSeed), variables);
        const names = Object.keys(grads);
        const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
        const scale = tf.div(clip, tf.maximum(norm, clip));
        const clipped: Record<string, tf.Tensor> = {};
        for (const n of names) clipped[n] = tf.mul(grads[n], scale);
        optimizer.applyGradients(clipped as unknown as Parameters<typeof optimizer.applyGradients>[0]);
        average?.update();
        return value;
      });
      batch.regions.dispose();
      const loss = (await lossValue.data())[0];
      lossValue.dispose();
      lossSum += loss;
      lossCount++;
      state.step++;
      state.batch = b + 1;
      state.trainSeconds += (Date.now() - stepStart) / 1000;
      if (state.batch % 10 === 0 || state.batch === batchesPerEpoch) {
        const secs = (Date.now() - epochStart) / 1000;
        const perBatch = secs / (state.batch - startBatch);
        const rewardNote = reward ? `, mean sample reward ${(rewardSum / lossCount).toFixed(3)}` : '';
        console.log(
          `epoch ${state.epoch + 1}/${epochs} batch ${state.batch}/${batchesPerEpoch} loss ${loss.toFixed(3)} (avg ${(lossSum / lossCount).toFixed(3)}${rewardNote}) ` +
            `${perBatch.toFixed(2)} s/batch, epoch eta ${formatDuration(perBatch * (batchesPerEpoch - state.batch))}, tensors ${tf.memory().numTensors}`,
        );
      }
      if (evalEvery > 0 && state.batch % evalEvery === 0 && state.batch < batchesPerEpoch) {
        const { dev, improved } = await checkDev();
        console.log(`  dev check at batch ${state.batch} (greedy): ${formatBleu(dev.scores)}, CIDEr-D ${dev.cider.toFixed(3)}${improved ? `: new best, saved ${bestDir}` : ''}`);
        await saveLast();
      } else if (state.batch % saveEvery === 0 && state.batch < batchesPerEpoch) await saveLast();
    }
    const epochSeconds = (Date.now() - epochStart) / 1000;
    const { dev, improved } = await checkDev();
    state.history.push({
      epoch: state.epoch + 1,
      trainLoss: lossSum / Math.max(1, lossCount),
      ...(reward ? { meanSampleReward: rewardSum / Math.max(1, lossCount) } : {}),
      epochSeconds,
      batchesThisRun: lossCount,
      devBleu: dev.scores.bleu,
      devBrevityPenalty: dev.scores.brevityPenalty,
      devCider: dev.cider,
      evalSeconds: dev.seconds,
    });
    console.log(`epoch ${state.epoch + 1} done in ${formatDuration(epochSeconds)}: train loss ${(lossSum / Math.max(1, lossCount)).toFixed(3)}; dev (greedy) ${formatBleu(dev.scores)}, CIDEr-D ${dev.cider.toFixed(3)} [${formatDuration(dev.seconds)}]`);
    for (const id of data.dev.slice(0, 3)) console.log(`  ${id}: ${dev.captions.get(id)}`);
    if (improved) console.log(`  new best dev BLEU-4 ${state.bestBleu4.toFixed(4)}: saved ${bestDir}`);
    // An epoch counts as better when any of its dev checks (mid-epoch or final) set a new best.
    if (state.improvedThisEpoch) {
      bad = 0;
    } else {
      bad++;
      state.lr = (state.lr ?? lr) * 0.5;
      setLearningRate(state.lr);
      console.log(`  no improvement: learning rate halved to ${state.lr}`);
    }
    state.improvedThisEpoch = false;
    state.epoch++;
    state.batch = 0;
    await saveLast();
    state.epoch--; // the loop header increments it again
  }
  console.log(`training finished: best dev BLEU-4 ${state.bestBleu4.toFixed(4)} at epoch ${state.bestEpoch + 1}; train time ${formatDuration(state.trainSeconds)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
