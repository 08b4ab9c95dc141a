import type * as tf from '@tensorflow/tfjs-core';
import type { JsonObject, SeededRandom } from '@trimod/core';
import type { GruImplementation, TableRows } from '../gru/bi-gru';
import type { ConfigReader } from '../encoders/config-values';

/** What a context encoder needs to know about the padded batch beside its input. */
export interface ContextInput {
  /** x [B, T, inputDim]: the token embedder's features (made when first read). */
  readonly x: tf.Tensor3D;
  /**
   * x as rows of a table where the embedder gave them (inference: one row per distinct token
   * of the batch), so a per-token layer can run once per row (see TokenEmbedder.embedRows).
   */
  rows?: TableRows;
  /** Real length of each post, [B]. */
  lengths: Int32Array;
  /** [B·T], 1 on real tokens. */
  mask: Float32Array;
  training: boolean;
  /** Recurrence the Bi-GRU context uses (others ignore it). */
  impl: GruImplementation;
}

/**
 * The part of a text encoder that mixes each token with its post: [B, T, inputDim] →
 * [B, T, outputDim], zero on padding, and padding never changes the outputs of real tokens.
 */
export interface ContextEncoder {
  readonly outputDim: number;
  apply(input: ContextInput): tf.Tensor3D;
  /** Weights by stable names; they are saved under these names, so they must never change. */
  namedWeights(): Record<string, tf.Variable>;
  /** Its own settings, merged into the text encoder's config (and read back by its factory). */
  getConfig(): JsonObject;
}

/**
 * Builds a context encoder for `inputDim` features per token. It reads its settings from the
 * text encoder's flat config through `read` (which names the encoder and key on a bad value)
 * and draws initial weights from `rng`.
 */
export type ContextFactory = (inputDim: number, read: ConfigReader, rng: SeededRandom) => ContextEncoder;

const FACTORIES = new Map<string, ContextFactory>();

/** Makes `context: name` available to TextEncoder configs (built in: bigru, cnn, transformer, none). */
export function registerContextEncoder(name: string, factory: ContextFactory): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`registerContextEncoder: name must be lower-case letters, digits and '-', got ${JSON.stringify(name)}`);
  FACTORIES.set(name, factory);
}

/** Names registered so far, in registration order. */
export function contextEncoderNames(): string[] {
  return [...FACTORIES.keys()];
}

export function createContextEncoder(name: string, inputDim: number, read: ConfigReader, rng: SeededRandom): ContextEncoder {
  const factory = FACTORIES.get(name);
  if (!factory) throw new Error(`${read.owner}: "context" must be one of ${contextEncoderNames().map((n) => JSON.stringify(n)).join(', ')}, got ${JSON.stringify(name)}`);
  return factory(inputDim, read, rng);
}
