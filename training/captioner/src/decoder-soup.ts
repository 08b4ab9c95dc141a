/**
 * Averages the weights of several decoders fine-tuned from one starting decoder ("model soup",
 * Wortsman et al. 2022). Self-critical runs from the same decoder that differ only in their seed
 * stay in one basin of the loss, where the mean of their weights often decodes better than any one
 * of them (measured for the shipped decoder: README), at the cost of one decoder (an ensemble
 * would run every member at each step). scripts/average-decoders.ts applies it to decoder folders.
 */
import { CaptionDecoder } from '../../../packages/image-captioner/src/decoder/decoder';
import type { NamedArray } from '../../../packages/image-captioner/src/weights/io';

/**
 * A new decoder whose every weight is the mean of the given decoders' weights. They must share
 * configuration and vocabulary: averaging differently shaped or differently indexed weights
 * would be meaningless, so that is an error naming what differs.
 */
export async function averageDecoders(decoders: CaptionDecoder[]): Promise<CaptionDecoder> {
  if (decoders.length === 0) throw new Error('averageDecoders: no decoders given');
  const [first] = decoders;
  decoders.forEach((d, i) => {
    if (JSON.stringify(d.config) !== JSON.stringify(first.config)) {
      throw new Error(`averageDecoders: decoder ${i}'s config ${JSON.stringify(d.config)} differs from decoder 0's ${JSON.stringify(first.config)}`);
    }
    const at = d.vocab.words.findIndex((w, k) => w !== first.vocab.words[k]);
    if (d.vocab.size !== first.vocab.size || at >= 0) {
      throw new Error(`averageDecoders: decoder ${i}'s vocabulary differs from decoder 0's (size ${d.vocab.size} vs ${first.vocab.size}${at >= 0 ? `, word ${at}: ${JSON.stringify(d.vocab.words[at])} vs ${JSON.stringify(first.vocab.words[at])}` : ''})`);
    }
  });
  const all = await Promise.all(decoders.map((d) => d.toArrays()));
  const mean = new Map<string, NamedArray>();
  for (const a of all[0]) {
    const values = new Float32Array(a.values.length);
    for (const arrays of all) {
      const b = arrays.find((x) => x.name === a.name)!;
      for (let k = 0; k < values.length; k++) values[k] += b.values[k] / all.length;
    }
    mean.set(a.name, { name: a.name, shape: a.shape, values });
  }
  return new CaptionDecoder(first.config, first.vocab, mean, `mean of ${decoders.length} decoders`);
}
