import { VisualEncoder, type VisualSample } from '../src';
import { describeEncoderContract } from '../../core/test/encoder-contract';
import { TINY_WORDS, useCpu } from './helpers';

beforeAll(useCpu);

/** count × dim region features with varied values (a constant row would hide a mix-up). */
const regions = (count: number, dim: number, phase: number) => ({ values: Float32Array.from({ length: count * dim }, (_, i) => Math.sin(i + phase)), count, dim });

// A post with regions and a caption, one without anything visual, one with an object and a caption.
const batch: (VisualSample | null)[] = [
  { regions: regions(3, 6, 0), caption: 'A dog runs on the grass today' },
  null,
  { caption: 'red man', objects: [{ label: 'dog', score: 0.9, box: [0, 0, 1, 1], feature: regions(1, 6, 7).values }] },
];

// Core's contract for every modality encoder (a set per post [B, N, D] here): shapes, mask,
// zeros on padding, gradients, determinism (no dropout), no tensor leak, dispose, config
// rebuild and save/load round trip.
describeEncoderContract('VisualEncoder', {
  make: (seed) => new VisualEncoder({ outputDim: 4, regionDim: 6, embedDim: 5, vocab: TINY_WORDS, maxCaptionWords: 5, seed }),
  batch,
  mask: [
    [1, 1, 1, 1, 1, 1, 1, 1],
    [0, 0, 0, 0, 0, 0, 0, 0],
    [1, 1, 1, 1, 0, 0, 0, 0],
  ],
  post: (b) => [batch[b]],
  dropout: false,
});
