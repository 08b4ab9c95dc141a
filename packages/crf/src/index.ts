export { CRF, TRAINING_PENALTY, FORBIDDEN_SCORE } from './crf';
export type { CRFConfig, DecodeOptions, LogLikelihoodOptions } from './crf';
export { allowedTransitions, checkTransitionMask } from './constraints';
export type { TaggingScheme } from './constraints';
export type { MaskInput, Reduction, ScoredPath, TagsInput, TransitionMask } from './types';
