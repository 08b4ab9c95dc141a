import { HashtagEncoder } from '../src';
import { describeEncoderContract } from '../../core/test/encoder-contract';
import { useWasm } from './wasm-backend';

beforeAll(useWasm);

// Posts as the hashtag encoder reads them (TriMod's hashtag view): a hashtag is one token.
const posts = [
  ['Watching', 'the', '#NBAFinals', 'tonight'],
  ['no', 'hashtags'],
  ['#icecream', '#', '#東京', '#IceCream'],
];

// Core's contract for every modality encoder: shapes, mask, zeros off hashtags, gradients,
// determinism, no tensor leak, dispose, config rebuild and save/load round trip. The encoder
// segments with its network alone here (no lexicon), which is all a saved encoder carries.
describeEncoderContract('HashtagEncoder', {
  make: (seed) =>
    new HashtagEncoder({
      outputDim: 8,
      wordDim: 4,
      hashBuckets: 64,
      dropout: 0.2,
      seed,
      boundaryModel: { charDim: 4, convWidth: 3, convFilters: 5, hidden: 6, decoderDim: 4, seed: seed + 1, alphabetSize: 75 },
    }),
  batch: posts,
  mask: [
    [0, 0, 1, 0],
    [0, 0, 0, 0],
    [1, 0, 1, 1],
  ],
  post: (b) => [posts[b]],
  emptyPosts: [[], []],
  dropout: true,
});
