import type { Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import type { TokenKind } from './text/tokenizer';

/** A JSON value: configs are plain JSON so a saved model can be rebuilt from them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Features for an ordered sequence of tokens.
 * features: [B, T, D]; mask: [B, T], 1 for a real token, 0 for padding.
 */
export interface TokenFeatures {
  features: Tensor3D;
  mask: Tensor2D;
}

/**
 * Features for an unordered set (image regions, detected objects, caption words).
 * features: [B, N, D]; mask: [B, N], 1 for a real member, 0 for padding.
 */
export interface SetFeatures {
  features: Tensor3D;
  mask: Tensor2D;
}

export interface EncodeOptions {
  /** Training mode turns dropout on. */
  training: boolean;
  /**
   * Each token's kind by core's tokenizer ([B][T], aligned with the batch's posts and tokens;
   * see `tokenKinds`), so that every encoder sees one token view: a hashtag written as `#`,
   * `NBA` is a hashtag to all of them. An encoder that reads tokens may use it; absent, it reads
   * the tokens' text alone.
   */
  kinds?: readonly (readonly TokenKind[])[];
}

/**
 * Anything that holds weights and can be rebuilt from its class name and JSON config.
 * `namedWeights()` gives stable names (e.g. `charGru/fw/kernel`) used in the weight manifest.
 */
export interface Saveable {
  /** The name the class is registered under (see `registerClass`). */
  readonly className: string;
  getConfig(): JsonObject;
  namedWeights(): Record<string, Variable>;
}

/**
 * A modality encoder: text, hashtags or image in, features out.
 * Any object of this shape can replace a built-in encoder ("pluggable encoders").
 */
export interface ModalityEncoder<I, O extends TokenFeatures | SetFeatures = TokenFeatures> extends Saveable {
  /** D of the output features. */
  readonly outputDim: number;
  encode(batch: I, opts: EncodeOptions): O;
  trainableVariables(): Variable[];
}

/**
 * Something that draws random numbers while training (dropout masks) and can say where its
 * generators stand, so a checkpoint can store it and a resumed run continues the same sequence.
 * Optional for encoders: one without it restarts its generators when a run resumes.
 */
export interface RandomStateful {
  randomState(): JsonObject;
  setRandomState(state: JsonObject): void;
}

/**
 * The files a saved module was written with besides its weights (see `HasAssets`), read back
 * when it loads. Names are the module's own; a composite hands each part a view of its own files.
 */
export interface AssetFiles {
  /** The model folder or URL, for messages. */
  readonly location: string;
  has(name: string): boolean;
  readText(name: string): Promise<string>;
  readBytes(name: string): Promise<Uint8Array>;
}

/**
 * A module that needs files besides its weights to work as saved (a word lexicon, a label list).
 * saveModule writes `assets()` beside the weights and loadModule hands them back to
 * `restoreAssets` once the weights are in, so a loader needs no special case per class.
 */
export interface HasAssets {
  /** Files to save: plain names (no folders), content as text or bytes. */
  assets(): Record<string, string | Uint8Array>;
  /** Reads back what `assets()` saved; `files` may lack them for a folder saved before the module had assets. */
  restoreAssets(files: AssetFiles): Promise<void>;
}

export function hasAssets(x: unknown): x is HasAssets {
  return typeof (x as HasAssets | null)?.assets === 'function' && typeof (x as HasAssets).restoreAssets === 'function';
}

/** Whether `x` can save and restore its random state. */
export function hasRandomState(x: unknown): x is RandomStateful {
  return typeof (x as RandomStateful | null)?.randomState === 'function' && typeof (x as RandomStateful).setRandomState === 'function';
}
