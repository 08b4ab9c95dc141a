/**
 * @trimod/hashtag-segmenter: neural hashtag segmentation with shipped weights, and hashtag
 * features for TriMod's fusion.
 *
 *   await segment('#NBAFinals2016')            // ['NBA', 'Finals', '2016'] (shipped model, loaded once)
 *   const s = await loadSegmenter();           // then synchronous: s.segment(...), s.segmentBatch(...)
 *
 * The network, decoder and lattice internals are not part of the public face; the training
 * workspace (training/segmenter) reaches them through the sources.
 */
export { segment, segmentBatch, loadSegmenter, setDefaultModelLocation } from './load';
export { saveSegmenter } from './save';
export { HashtagSegmenter, type DecodeMode, type SegmentOptions } from './segmenter';
export { Lexicon } from './lexicon';
export { HashtagEncoder, createHashtagEncoder, type HashtagEncoderConfig } from './hashtag-encoder';
