/** Training data for the decoder: cached backbone features and encoded captions, batched by image. */
import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SeededRandom } from '@trimod/core';
import type { CaptionBatch } from '../../../packages/image-captioner/src/decoder/teacher-forcing';
import type { CaptionVocab } from '../../../packages/image-captioner/src/decoder/vocab';
import type { BackboneKind } from '../../../packages/image-captioner/src/decoder/io';
import { decodeFloat16 } from '@trimod/core/artifacts';

export interface FeatureInfo {
  regions: number;
  dim: number;
  /** The backbone that made them (absent: the MobileNetV2 alone). */
  kind?: BackboneKind;
}

export function readFeatureInfo(dir: string): FeatureInfo {
  const file = path.join(dir, 'features.json');
  if (!fs.existsSync(file)) throw new Error(`${dir}: no features.json; run scripts/cache-features.ts first (it writes it when done)`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureInfo;
}

/** Loads the float16 features of `ids` into memory (≈125 KB each). */
export function loadFeatures(dir: string, ids: string[], info: FeatureInfo): Map<string, Uint16Array> {
  const out = new Map<string, Uint16Array>();
  const size = info.regions * info.dim;
  for (const id of ids) {
    const buf = fs.readFileSync(path.join(dir, `${id}.f16`));
    if (buf.byteLength !== size * 2) throw new Error(`${dir}/${id}.f16: ${buf.byteLength} bytes, expected ${size * 2}`);
    out.set(id, new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)));
  }
  return out;
}

/** Regions of some images as one tensor [I, R, D]. */
export function regionsOf(ids: string[], features: Map<string, Uint16Array>, info: FeatureInfo): tf.Tensor3D {
  const size = info.regions * info.dim;
  const all = new Uint16Array(ids.length * size);
  ids.forEach((id, i) => all.set(features.get(id)!, i * size));
  return tf.tensor3d(decodeFloat16(all), [ids.length, info.regions, info.dim]);
}

/** The image order of one epoch: a shuffle seeded by (seed, epoch), so a resumed run sees the same order. */
export function epochOrder(ids: string[], seed: number, epoch: number): string[] {
  return new SeededRandom(seed * 1000 + epoch).shuffle(ids);
}

/** A batch of `ids` images with all their captions, longest first (regions tensor owned by the caller). */
export function makeBatch(ids: string[], captions: Map<string, string[]>, vocab: CaptionVocab, maxWords: number, features: Map<string, Uint16Array>, info: FeatureInfo): CaptionBatch {
  const rows: { image: number; ids: number[] }[] = [];
  ids.forEach((id, i) => {
    for (const c of captions.get(id)!) rows.push({ image: i, ids: vocab.encode(c, maxWords) });
  });
  rows.sort((a, b) => b.ids.length - a.ids.length);
  return { regions: regionsOf(ids, features, info), imageOf: rows.map((r) => r.image), captions: rows.map((r) => r.ids) };
}

/**
 * Per-feature mean and 1 / sqrt(variance + 0.01) over every region of the given images. The
 * 0.01 keeps features that are almost always zero (most of MobileNetV2's) from being blown up.
 */
export function regionStatistics(images: Uint16Array[], dim: number): { mean: Float32Array; invStd: Float32Array } {
  const sum = new Float64Array(dim);
  const sq = new Float64Array(dim);
  let rows = 0;
  for (const half of images) {
    const v = decodeFloat16(half);
    for (let r = 0; r < v.length; r += dim) {
      for (let j = 0; j < dim; j++) {
        const x = v[r + j];
        sum[j] += x;
        sq[j] += x * x;
      }
      rows++;
    }
  }
  const mean = new Float32Array(dim);
  const invStd = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    mean[j] = sum[j] / rows;
    invStd[j] = 1 / Math.sqrt(Math.max(0, sq[j] / rows - mean[j] * mean[j]) + 0.01);
  }
  return { mean, invStd };
}
