/**
 * @trimod/text-encoder: the TriMod text modality (a token embedder: pretrained word vectors +
 * character Bi-GRU or CNN + token shape, then a context encoder chosen by config: word Bi-GRU,
 * word CNN, Transformer or none), a lighter character-CNN encoder, and streaming loaders for
 * word2vec / GloVe / wink vectors. What a user needs and nothing more: the Bi-GRU, row ops and
 * token features it is built on are internals.
 */
export { TextEncoder, type TextEncoderOptions, type GruChoice, type ContextChoice } from './encoders/text-encoder';
export { CharCnnEncoder, type CharCnnEncoderOptions } from './encoders/char-cnn-encoder';
export type { CharChoice } from './encoders/char-features';
export { buildVocabularies, type VocabularyOptions } from './encoders/vocabularies';

// A context encoder of one's own: one registerContextEncoder call, then `context: '<name>'`.
export { registerContextEncoder, type ContextEncoder, type ContextFactory, type ContextInput } from './context/context-encoder';
export type { ConfigReader } from './encoders/config-values';
export { MAX_TRANSFORMER_TOKENS } from './context/transformer-context';

export { loadWord2VecText, loadWord2VecBinary, loadGloveText, loadJsonVectors, loadWinkEmbeddings, resolveWinkEmbeddingsFile, type WordList } from './vectors/load-vectors';
export type { VectorLoadOptions } from './vectors/text-vectors';
export { readFrequentWords, type VectorFileFormat } from './vectors/frequent-words';
export type { VectorSource, ProgressCallback } from './vectors/byte-source';
export type { WordVectors } from './vectors/vector-collector';
export { VectorFileError } from './vectors/vector-file-error';
