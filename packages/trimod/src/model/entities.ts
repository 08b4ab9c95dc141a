import { spansFromTags } from '../eval/spans';
import type { ModelToken } from './post-tokens';

/** The fusion weight of each modality (by name: text, hashtag, visual, or any registered one). */
export type ModalityWeights = Record<string, number>;

/** A named entity found in a post, with character offsets into the post's text. */
export interface Entity {
  /** `text.slice(start, end)` of the post. */
  text: string;
  /** PER, LOC, ORG, MISC (or the label set the model was trained on). */
  type: string;
  start: number;
  end: number;
  /** Mean over the entity's tokens of the CRF marginal probability of the predicted tag, in 0..1. */
  score: number;
  /** Mean over the entity's tokens of the fusion weights of each modality. */
  modalityWeights: ModalityWeights;
}

/**
 * Turns predicted tags into entities with offsets into `text`.
 * `marginals[t][k]` and `weights[t]` are per token (only the real tokens of the post); `weights[t][m]`
 * is the weight of `modalities[m]`.
 */
export function entitiesFromTags(
  text: string,
  tokens: readonly ModelToken[],
  tags: readonly string[],
  tagIndex: readonly number[],
  marginals: ArrayLike<ArrayLike<number>>,
  weights: ArrayLike<ArrayLike<number>>,
  modalities: readonly string[],
): Entity[] {
  return spansFromTags(tags).map((span) => {
    let score = 0;
    const w = modalities.map(() => 0);
    for (let t = span.start; t < span.end; t++) {
      score += marginals[t][tagIndex[t]];
      for (let m = 0; m < w.length; m++) w[m] += weights[t][m];
    }
    const n = span.end - span.start;
    const start = tokens[span.start].start;
    const end = tokens[span.end - 1].end;
    return {
      text: text.slice(start, end),
      type: span.type,
      start,
      end,
      score: score / n,
      modalityWeights: Object.fromEntries(modalities.map((name, m) => [name, w[m] / n])),
    };
  });
}
