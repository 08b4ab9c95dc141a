import { join } from 'node:path';
import { CharCnnEncoder, loadGloveText } from '../src';
import { describeEncoderContract } from '../../core/test/encoder-contract';
import { encodeToArrays, vocabularies, textContract } from './encoder-fixtures';
import { useCpuBackend } from './setup-backend';

beforeAll(useCpuBackend);

const small = (seed: number) => {
  const { words, chars } = vocabularies();
  return new CharCnnEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 4, charDim: 3, charFilters: 5, shapeDim: 2, hidden: 6, seed });
};

describeEncoderContract('CharCnnEncoder', textContract(small));

describe('CharCnnEncoder', () => {
  it('sees each token’s neighbours within the post only', () => {
    const encoder = small(1);
    try {
      const a = encodeToArrays(encoder, [['the', 'NBA', 'finals']]).features[0];
      const b = encodeToArrays(encoder, [['the', 'NBA', 'tonight']]).features[0];
      // A window of 3: the first token does not see the third; the second does.
      a[0].forEach((v, k) => expect(Math.abs(v - b[0][k])).toBeLessThan(1e-6));
      expect(a[1]).not.toEqual(b[1]);
    } finally {
      encoder.dispose();
    }
  });

  it('starts from pretrained vectors', async () => {
    const { words, chars } = vocabularies();
    const vectors = await loadGloveText(join(__dirname, 'fixtures', 'glove.txt'), words);
    const encoder = CharCnnEncoder.create({ wordVocabulary: words, charVocabulary: chars, vectors, hidden: 4, seed: 1 });
    try {
      const table = encoder.namedWeights().wordEmbedding.arraySync() as number[][];
      expect(table[words.indexOf('#NBA')]).toEqual([4, 5, 6]);
    } finally {
      encoder.dispose();
    }
  });

  it('rejects an even window', () => {
    const { words, chars } = vocabularies();
    expect(() => new CharCnnEncoder({ wordVocabulary: words, charVocabulary: chars, wordWindow: 4 })).toThrow('CharCnnEncoder: "wordWindow" must be odd, got 4');
  });
});
