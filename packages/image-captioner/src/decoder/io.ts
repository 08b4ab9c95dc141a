import type { JsonObject } from '@trimod/core';
import type { StorageType } from '@trimod/core/artifacts';
import { loadWeights, saveWeights } from '../weights/io';
import type { DecoderConfig } from './config';
import { CaptionDecoder } from './decoder';
import { DecoderEnsemble } from './ensemble';

export type BackboneKind = 'mobilenetv2' | 'mobilenetv2+centernet';

/** The class name a decoder folder's model.json holds: its config is the description below without `training`, which is metadata. */
export const DECODER_CLASS = 'CaptionDecoder';

/** What a decoder folder's model.json describes besides the weights. */
export interface DecoderDescription {
  kind: 'caption-decoder';
  config: DecoderConfig;
  vocab: string[];
  /**
   * Which backbone's regions the decoder was trained on: 'mobilenetv2' (the shipped MobileNetV2
   * alone; assumed when absent) or 'mobilenetv2+centernet' (`StackedBackbone`).
   */
  backbone?: BackboneKind;
  /**
   * How this decoder decodes best, as measured on dev: the Captioner's default when the user
   * does not choose. Absent: beam 3. A decoder trained on cross-entropy gains from beam search;
   * one fine-tuned on its own greedy and sampled captions (self-critical) does better greedily.
   */
  decoding?: { beamWidth: number };
  /**
   * Folders of further decoders, relative to this one's folder (e.g. `"../decoder-2"`), trained
   * apart on the same regions and vocabulary: `loadCaptionModel` decodes with the mean of all
   * their next-word distributions (`DecoderEnsemble`). Absent: this decoder alone.
   */
  ensemble?: string[];
  /** Free-form facts about training (data, epochs, scores), for the record. */
  training?: JsonObject;
}

export async function loadDecoder(location: string): Promise<{ decoder: CaptionDecoder; description: DecoderDescription }> {
  const { config, metadata, weights } = await loadWeights(location, DECODER_CLASS);
  const description = { ...config, ...(metadata.training === undefined ? {} : { training: metadata.training }) } as unknown as DecoderDescription;
  if (description.kind !== 'caption-decoder' || !Array.isArray(description.vocab)) {
    throw new Error(`${location}: model.json does not describe a caption decoder (kind ${JSON.stringify(description.kind)})`);
  }
  const width = description.decoding?.beamWidth;
  if (width !== undefined && !(Number.isInteger(width) && width >= 1)) {
    throw new Error(`${location}: model.json's decoding.beamWidth must be a positive integer, got ${JSON.stringify(width)}`);
  }
  return { decoder: new CaptionDecoder(description.config, description.vocab, weights, location), description };
}

/** `base` + a relative folder, for paths and URLs alike ("a/decoder" + "../decoder-2" → "a/decoder/../decoder-2"). */
function relativeTo(base: string, part: string): string {
  return base.endsWith('/') ? base + part : `${base}/${part}`;
}

/**
 * Loads a decoder folder and, when its model.json names an `ensemble`, the other members too:
 * `model` is what decoding should use (the decoder itself or a `DecoderEnsemble`), `decoder`
 * the folder's own decoder (its word embeddings serve `VisualEncoder`).
 */
export async function loadCaptionModel(location: string): Promise<{ decoder: CaptionDecoder; model: CaptionDecoder | DecoderEnsemble; description: DecoderDescription }> {
  const { decoder, description } = await loadDecoder(location);
  const others = description.ensemble;
  if (others === undefined || others.length === 0) return { decoder, model: decoder, description };
  const members = [decoder];
  try {
    if (!Array.isArray(others) || others.some((o) => typeof o !== 'string')) {
      throw new Error(`${location}: model.json's ensemble must be a list of folder names, got ${JSON.stringify(others)}`);
    }
    for (const other of others) {
      const member = await loadDecoder(relativeTo(location, other));
      members.push(member.decoder);
      if (member.description.backbone !== description.backbone) {
        throw new Error(`${location}: ensemble member ${other} was trained on ${member.description.backbone ?? 'mobilenetv2'} regions, this decoder on ${description.backbone ?? 'mobilenetv2'}`);
      }
    }
    return { decoder, model: new DecoderEnsemble(members), description };
  } catch (err) {
    for (const m of members) m.dispose();
    throw err;
  }
}

/** Saves atomically (Node only). float16 halves the size, uint8 quarters it; training checkpoints use float32. */
export async function saveDecoder(
  decoder: CaptionDecoder,
  dir: string,
  opts: {
    training?: JsonObject;
    backbone?: BackboneKind;
    decoding?: DecoderDescription['decoding'];
    ensemble?: string[];
    /** float16 (default), float32 (checkpoints) or uint8 (8-bit codes per column: half of float16; core's storage types). */
    dtype?: StorageType;
    extraArrays?: Awaited<ReturnType<CaptionDecoder['toArrays']>>;
  } = {},
): Promise<void> {
  const description: DecoderDescription = { kind: 'caption-decoder', config: decoder.config, vocab: [...decoder.vocab.words] };
  if (opts.backbone) description.backbone = opts.backbone;
  if (opts.decoding) description.decoding = opts.decoding;
  if (opts.ensemble) description.ensemble = opts.ensemble;
  const arrays = [...(await decoder.toArrays()), ...(opts.extraArrays ?? [])];
  await saveWeights(dir, DECODER_CLASS, description as unknown as JsonObject, arrays, {
    storage: opts.dtype ?? 'float16',
    ...(opts.training ? { metadata: { training: opts.training } } : {}),
  });
}
