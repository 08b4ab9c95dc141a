import { TextEncoder, buildVocabularies } from '@trimod/text-encoder';
import * as path from 'node:path';
import { labelsOf, parseTwitterNer, train, TriMod } from '../src';

/** Four annotated posts: a training set small enough for whole `train` runs in a test. */
export const tinyPosts = parseTwitterNer(
  [
    'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\nin\tO\nToronto\tB-LOC',
    'IMGID:2\nDrake\tB-PER\ncheers\tO\nfor\tO\nthe\tO\nRaptors\tB-ORG',
    'IMGID:3\nLeonard\tB-PER\nloves\tO\nToronto\tB-LOC\n!\tO',
    'IMGID:4\nThe\tO\nNBA\tB-ORG\nin\tO\nOakland\tB-LOC',
  ].join('\n\n'),
  'fixture.txt',
);

/** A tiny text-only TriMod for tinyPosts, the same weights on every call. */
export function tinyTextModel(): TriMod {
  const { words, chars } = buildVocabularies(tinyPosts.map((p) => p.tokens));
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed: 2 });
  return TriMod.create({ labels: labelsOf(tinyPosts), text, fusion: { outputDim: 6, attentionDim: 3 }, seed: 2 });
}

type TrainResult = Awaited<ReturnType<typeof train>>;

/**
 * Three epochs of `train` on tinyPosts (batch 2, dropout as configured), once with a switch off
 * and once on (the setting before is restored): for tests that a switch changes no bit.
 */
export async function trainBothWays(toggle: (on: boolean) => boolean, root: string): Promise<{ off: TrainResult; on: TrainResult }> {
  const common = { train: tinyPosts, dev: tinyPosts, batchSize: 2, learningRate: 0.05, seed: 5, epochs: 3 };
  const before = toggle(false);
  try {
    const off = await train(tinyTextModel(), { ...common, outDir: path.join(root, 'off') });
    toggle(true);
    const on = await train(tinyTextModel(), { ...common, outDir: path.join(root, 'on') });
    return { off, on };
  } finally {
    toggle(before);
  }
}

/** Every weight of a trained model by name, zeros of either sign alike. */
export function trainedWeights(r: TrainResult): Array<[string, number[]]> {
  return Object.entries(r.model.namedWeights()).map(([name, t]) => [name, Array.from(t.dataSync(), (v) => v + 0)]);
}
