/**
 * @trimod/text-encoder: the TriMod text modality (a token embedder: pretrained word vectors +
 * character Bi-GRU or CNN + token shape, then a context encoder chosen by config: word Bi-GRU,
 * word CNN, Transformer or none), a lighter character-CNN encoder, streaming loaders for word2vec / GloVe /
 * wink vectors, and the fast masked Bi-GRU they are built on.
 */
export { TextEncoder, type TextEncoderOptions, type GruChoice, type ContextChoice } from './encoders/text-encoder';
export { TokenEmbedder, type EmbedderSettings } from './encoders/token-embedder';
export type { CharChoice } from './encoders/char-features';
export { registerContextEncoder, contextEncoderNames, type ContextEncoder, type ContextFactory, type ContextInput } from './context/context-encoder';
export type { ConfigReader } from './encoders/config-values';
export { TransformerContext, positionTable, MAX_TRANSFORMER_TOKENS, type TransformerSettings } from './context/transformer-context';
export { CharCnnEncoder, type CharCnnEncoderOptions } from './encoders/char-cnn-encoder';
export { buildVocabularies, type VocabularyOptions } from './encoders/vocabularies';

export {
  loadWord2VecText,
  loadWord2VecBinary,
  loadGloveText,
  loadJsonVectors,
  loadWinkEmbeddings,
  resolveWinkEmbeddingsFile,
  WINK_PACKAGE,
  type WordList,
} from './vectors/load-vectors';
export type { VectorLoadOptions } from './vectors/text-vectors';
export { readFrequentWords, type VectorFileFormat } from './vectors/frequent-words';
export type { VectorSource, ProgressCallback } from './vectors/byte-source';
export type { WordVectors } from './vectors/vector-collector';
export { VectorFileError } from './vectors/vector-file-error';
export { fillMissingRows } from './vectors/fill-missing';

export { BiGru, fastestImplementation, type GruImplementation } from './gru/bi-gru';
export { referenceBiGru } from './gru/reference-gru';
export { sequenceLayout, reversedPosition, type SequenceLayout } from './gru/sequence-layout';
export { gatherRows, moveRows, permuteRows } from './ops/gather-rows';
export { dense } from './ops/dense';

export { TOKEN_SHAPES, TOKEN_SHAPE_COUNT, tokenShape, tokenShapeId, type TokenShape } from './features/token-shape';
