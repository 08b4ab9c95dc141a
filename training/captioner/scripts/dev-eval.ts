/** BLEU-1..4 and CIDEr-D of a decoder on the Flickr8k dev images (greedy or beam), with example captions. */
import { corpusBleu, type BleuScores } from '../../../packages/image-captioner/src/bleu';
import { CiderD } from '../../../packages/image-captioner/src/cider';
import type { StepDecoder } from '../../../packages/image-captioner/src/decoder/step-decoder';
import { beamSearch, greedyDecode } from '../../../packages/image-captioner/src/decoder/search';
import { captionWords } from '../../../packages/image-captioner/src/decoder/vocab';
import { regionsOf, type FeatureInfo } from './train-data';

export interface DevResult {
  scores: BleuScores;
  /** CIDEr-D with document frequencies from these images' references, as coco-caption computes it. */
  cider: number;
  captions: Map<string, string>;
  seconds: number;
}

export async function evaluateDev(
  decoder: StepDecoder,
  ids: string[],
  captions: Map<string, string[]>,
  features: Map<string, Uint16Array>,
  info: FeatureInfo,
  opts: { beamWidth?: number; lengthPenalty?: number; batch?: number } = {},
): Promise<DevResult> {
  const start = Date.now();
  const batch = opts.batch ?? 50;
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += batch) {
    const chunk = ids.slice(i, i + batch);
    const regions = regionsOf(chunk, features, info);
    const hyps =
      (opts.beamWidth ?? 1) > 1
        ? (await beamSearch(decoder, regions, { beamWidth: opts.beamWidth, lengthPenalty: opts.lengthPenalty })).map((b) => b[0])
        : await greedyDecode(decoder, regions);
    regions.dispose();
    chunk.forEach((id, k) => out.set(id, decoder.vocab.decode(hyps[k].ids)));
  }
  const cands = ids.map((id) => captionWords(out.get(id)!));
  const refs = ids.map((id) => captions.get(id)!.map(captionWords));
  return { scores: corpusBleu(cands, refs), cider: new CiderD(refs).corpusScore(cands, refs), captions: out, seconds: (Date.now() - start) / 1000 };
}

export function formatBleu(s: BleuScores): string {
  return s.bleu.map((b, i) => `BLEU-${i + 1} ${b.toFixed(4)}`).join(" · ") + ` (BP ${s.brevityPenalty.toFixed(3)}, ${s.candidateLength} / ${s.referenceLength} words)`;
}
