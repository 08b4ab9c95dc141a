/**
 * @trimod/trimod: the multimodal tagger (TriMod), its predict pipeline, the modality registry,
 * the Twitter NER data reader, evaluation and training. What a user (and the trimod CLI) needs;
 * helpers below these (spans, metrics on tag lists, BIO repair steps, length limits, optimizer
 * presets) are internals, imported by the package's tests from their files.
 */
export { TriMod, type TriModLoadOptions, type Post, type PostBatch, type PostPrediction, type TriModParts, type AnyEncoder, type TokenEncoder, type VisualBatch, type VisualSampleLike, type VisualEncoderLike } from './model/trimod';
export { type PredictStreamOptions, type StreamProgress, type ImageDescriber } from './predict/stream';
export { DEFAULT_MAX_POST_LENGTH, type PostInput, type PostResult } from './predict/post-input';
export { registerModality, type ModalityInput } from './model/modalities';
export { CaptionMatchEncoder, type CaptionMatchInput, type CaptionMatchConfig } from './model/caption-match';
export type { Entity, ModalityWeights } from './model/entities';
export { modelTokens, type ModelToken } from './model/post-tokens';

export { parseTwitterNer, readTwitterNer, readCaptions, DataFormatError, type AnnotatedPost } from './data/twitter-reader';
export { checkKnownTags } from './data/check-labels';
export { applyBioPolicy, describeBioBreaks, type BioPolicy } from './data/bio';
export { evaluateModel, type EvaluateOptions } from './eval/evaluate';
export type { EvaluationResult, PRF } from './eval/metrics';

export { train, resumeTrain, type TrainOptions, type TrainEvent, type TrainResult } from './train/trainer';
export { buildTriMod, type BuildOptions, type Modality } from './train/build';
export { recoverRun } from './train/checkpoint';
export { labelsOf, tagIndices, toBatch } from './train/batches';
// The training step and optimizer `trimod train` uses, for `trimod bench --data` to time the same step.
export { trainStep } from './train/step';
export { makeOptimizer, optimizerSettings, setFusedAdam, type OptimizerPreset, type OptimizerSettings } from './train/optimizers';
export { FusedAdamOptimizer } from './train/fused-adam';
export { TriModEnsemble, DEFAULT_COMBINATION, type EnsembleCombination, type EnsembleOptions } from './ensemble/ensemble';
