import * as tf from '@tensorflow/tfjs-core';
import { checkAtMost, MAX_LAYER_SIZE, newVariable, normalizeToken, registerClass, SeededRandom, type JsonObject, type ModalityEncoder, type TokenFeatures } from '@trimod/core';

/**
 * Per-token caption match states, the cue docs/method.md names for captions: image captions
 * often spell out what the post names ("the kentucky football player"), and on Twitter-2017
 * train a content word that also occurs in its post's caption is an entity 58 % of the time
 * against 28 % for content words overall.
 *
 *   0  padding, or a post without caption
 *   1  the post has a caption that does not contain this token
 *   2  the caption contains this token (a content word: 3+ characters, not a stop word)
 */
export const CAPTION_MATCH_STATES = 3;

// Words so common in captions and posts that a match says nothing about the token.
const STOP_WORDS = new Set(
  ('the and for with from that this are was were his her its their they them you your our has have had not but ' +
    'who what when where which while into onto over under near next than then there here some many one two three ' +
    'man men woman women people person group young old large small little big front background out off ' +
    'being been very can will just all any each other another such only own same too both more most').split(' '),
);

function contentWord(token: string): string | null {
  const word = normalizeToken(token);
  return word.length >= 3 && /\p{L}/u.test(word) && !STOP_WORDS.has(word) ? word : null;
}

/**
 * Match states [B][T] (T = the longest post) for tokens and each post's caption (null: none).
 * Caption words are compared after the same normalisation as the word vocabulary.
 */
export function captionMatchStates(tokens: readonly (readonly string[])[], captions: readonly (string | null | undefined)[]): number[][] {
  const T = Math.max(0, ...tokens.map((t) => t.length));
  return tokens.map((post, b) => {
    const row = new Array<number>(T).fill(0);
    const caption = captions[b];
    if (!caption) return row;
    const words = new Set(caption.split(/[^\p{L}\p{N}']+/u).map(contentWord).filter((w): w is string => w !== null));
    post.forEach((token, t) => {
      const word = contentWord(token);
      row[t] = word !== null && words.has(word) ? 2 : 1;
    });
    return row;
  });
}

/** What the caption-match modality reads: each post's tokens and its caption (null: none). */
export interface CaptionMatchInput {
  tokens: readonly (readonly string[])[];
  captions: readonly (string | null | undefined)[];
}

export interface CaptionMatchConfig {
  /** Size of the learned embedding of each match state. */
  dim: number;
  seed: number;
}

/**
 * The caption-match modality: each token's match state (above) as a learned embedding
 * [B, T, dim], zero on padding. Fusion joins it to the fused features rather than weighing it
 * (a `joined` modality): it is a small cue added to the text, not an alternative to it.
 */
export class CaptionMatchEncoder implements ModalityEncoder<CaptionMatchInput, TokenFeatures> {
  readonly className = 'CaptionMatchEncoder';
  readonly outputDim: number;
  private readonly embedding: tf.Variable;

  /** `initial`: the embedding's values [CAPTION_MATCH_STATES · dim] (TriMod draws them from its own generator); default seeded from `seed`. */
  constructor(readonly config: CaptionMatchConfig, initial?: Float32Array) {
    const { dim, seed } = config ?? ({} as CaptionMatchConfig);
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`CaptionMatchEncoder: "dim" must be a positive integer, got ${JSON.stringify(dim)}`);
    checkAtMost('CaptionMatchEncoder', 'dim', dim, MAX_LAYER_SIZE);
    if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new Error(`CaptionMatchEncoder: "seed" must be a number, got ${JSON.stringify(seed)}`);
    this.outputDim = dim;
    const values = initial ?? new SeededRandom(seed).uniformArray(CAPTION_MATCH_STATES * dim, 0.1);
    this.embedding = newVariable(values, [CAPTION_MATCH_STATES, dim]);
  }

  encode(input: CaptionMatchInput): TokenFeatures {
    const states = captionMatchStates(input.tokens, input.captions);
    const B = input.tokens.length;
    const T = states[0]?.length ?? 0;
    const mask = input.tokens.map((post) => Array.from({ length: T }, (_, t) => (t < post.length ? 1 : 0)));
    return tf.tidy(() => {
      const maskTensor = tf.tensor2d(mask.flat(), [B, T]);
      const features = tf.mul(tf.gather(this.embedding, tf.tensor2d(states.flat(), [B, T], 'int32')), tf.expandDims(maskTensor, 2)) as tf.Tensor3D;
      return { features, mask: maskTensor };
    });
  }

  trainableVariables(): tf.Variable[] {
    return [this.embedding];
  }

  /** `embedding`: saved as `captionMatch/embedding` in a TriMod, the name it always had. */
  namedWeights(): Record<string, tf.Variable> {
    return { embedding: this.embedding };
  }

  getConfig(): JsonObject {
    return { dim: this.config.dim, seed: this.config.seed };
  }

  dispose(): void {
    this.embedding.dispose();
  }
}

registerClass('CaptionMatchEncoder', (config) => new CaptionMatchEncoder(config as unknown as CaptionMatchConfig));
