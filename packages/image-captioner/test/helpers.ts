import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'node:path';
import { CaptionDecoder } from '../src/decoder/decoder';
import { CaptionVocab, END } from '../src/decoder/vocab';
import type { DecoderConfig } from '../src/decoder/config';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

export const TINY_WORDS = ['<pad>', '<unk>', '<start>', '<end>', 'a', 'dog', 'runs', 'on', 'the', 'grass', 'man', 'red'];

export function tinyConfig(over: Partial<DecoderConfig> = {}): DecoderConfig {
  return { regionDim: 6, embedDim: 5, contextDim: 7, hiddenDim: 8, attentionDim: 4, maxWords: 6, dropout: 0.5, seed: 3, ...over };
}

export function tinyDecoder(over: Partial<DecoderConfig> = {}): CaptionDecoder {
  return new CaptionDecoder(tinyConfig(over), new CaptionVocab(TINY_WORDS));
}

/** A random decoder mostly ends at once; a bias against <end> makes it write a few words. */
export function talkative(dec: CaptionDecoder): CaptionDecoder {
  const bias = dec.namedWeights()['out/bias'];
  const values = Float32Array.from(bias.dataSync());
  values[END] = -2;
  bias.assign(tf.tensor1d(values));
  return dec;
}

/** Seeded pseudo-random regions [B, R, D] in [0, 1). */
export function tinyRegions(b: number, r: number, d: number, seed = 1): tf.Tensor3D {
  let s = seed;
  const v = new Float32Array(b * r * d).map(() => {
    s = (s * 16807) % 2147483647;
    return (s % 1000) / 1000;
  });
  return tf.tensor3d(v, [b, r, d]);
}

/** The wasm backend (much faster than cpu for convolutions), as the preamble describes for tests. */
export async function useWasm(): Promise<void> {
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  await tf.setBackend('wasm');
  await tf.ready();
}
