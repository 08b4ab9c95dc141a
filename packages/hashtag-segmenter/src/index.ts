/**
 * @trimod/hashtag-segmenter: neural hashtag segmentation with shipped weights, and hashtag
 * features for TriMod's fusion.
 *
 *   await segment('#NBAFinals2016')            // ['NBA', 'Finals', '2016'] (shipped model, loaded once)
 *   const s = await loadSegmenter();           // then synchronous: s.segment(...), s.segmentBatch(...)
 */
export { segment, segmentBatch, loadSegmenter, setDefaultModelLocation } from './load';
export { HashtagSegmenter, prepareBatch, decodePrepared, type DecodeMode, type SegmentOptions, type PreparedBatch } from './segmenter';
export { Lexicon, LEXICON_HEADER } from './lexicon';
export { DEFAULT_DECODE_PARAMS, parseDecodeParams, decodeParamsToJson, type DecodeParams } from './decode/params';
export { splitPieces, stripHashes, type Piece } from './decode/pieces';
export { viterbiSegment, caseCosts } from './decode/lattice';
export {
  BoundaryModel,
  DEFAULT_BOUNDARY_CONFIG,
  parseBoundaryConfig,
  boundaryWeightShapes,
  type BoundaryModelConfig,
  type BoundaryOutput,
} from './neural/boundary-model';
/** The one hashtag predicate (core's): `#` or `＃` followed by word characters that include a letter. */
export { isHashtagToken } from '@trimod/core';
export { charBatch, type CharBatch } from './neural/char-batch';
export { ALPHABET_SIZE, charId, encodeChars } from './alphabet';
export {
  HashtagEncoder,
  createHashtagEncoder,
  hashWord,
  parseHashtagEncoderConfig,
  DEFAULT_HASHTAG_ENCODER_CONFIG,
  type HashtagEncoderConfig,
} from './hashtag-encoder';
export {
  SEGMENTER_FORMAT,
  SEGMENTER_FORMAT_VERSION,
  parseModelJson,
  encodeWeights,
  decodeWeights,
  type SegmenterModelJson,
} from './io/model-format';
