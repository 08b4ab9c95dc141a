/**
 * The defaults of `trimod train`: the best recipe measured on Twitter-2017 (README, "The default
 * model"): text only, the caption-match feature, GloVe plus its 50,000 most frequent words, up
 * to 40 epochs with patience 6. In the ablation, hashtags and the caption encoder gave no gain
 * we could tell from seed noise and cost time, so they are opt-in (--modalities).
 */
export const TRAIN_DEFAULTS = {
  modalities: 'text',
  epochs: '40',
  patience: '6',
  pretrainedWords: 50000,
  captionMatchDim: 16,
} as const;

/**
 * How many of the vectors' frequent words join the vocabulary: as given, else the default where
 * the vectors' word list can be read (not with `--embeddings none`, nor a binary word2vec file).
 */
export function pretrainedWordsFor(given: string | undefined, embeddings: string): number {
  if (given !== undefined) return Number(given);
  return embeddings === 'none' || embeddings.endsWith('.bin') ? 0 : TRAIN_DEFAULTS.pretrainedWords;
}

/**
 * The caption-match size: on by default when the run has captions. Without captions every
 * training token is in match state 0 ("no caption"), so the embeddings of states 1 and 2 would
 * keep their random start values, and a caption given at prediction time would add noise, not
 * a learned cue; so by default such a run leaves the feature out (said in one line) and the
 * model reads no captions. `--caption-match` asks for it anyway, `--no-caption-match` never.
 */
export function captionMatchFor(flag: boolean | undefined, hasCaptions: boolean, say: (m: string) => void): number {
  if (flag === false) return 0;
  if (flag === true) {
    if (!hasCaptions) say('--caption-match without --captions: training never sees a caption, so the feature learns nothing about matches');
    return TRAIN_DEFAULTS.captionMatchDim;
  }
  if (!hasCaptions) {
    say('caption match: off (no --captions to learn it from)');
    return 0;
  }
  return TRAIN_DEFAULTS.captionMatchDim;
}
