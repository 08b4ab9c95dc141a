import { createHash } from 'node:crypto';
import { loadSegmenter } from '../src/load';
import type { HashtagSegmenter } from '../src/segmenter';
import { useWasm } from './wasm-backend';

// The shipped model was converted from the segmenter's own format to core's artifacts (issue 18).
// These outputs were recorded with the shipped model and the loader from before the conversion:
// the weights must load bit for bit, and segmentations and probabilities must not move.

const TAGS = ['#NBAFinals2016', '#TBT', '#iloveyoutoo', '#ThrowbackThursday', '#MakeAmericaGreatAgain', '#bigdata4life', '#東京2020'];

let s: HashtagSegmenter;

beforeAll(async () => {
  await useWasm();
  s = await loadSegmenter();
});

afterAll(() => s?.dispose());

describe('the shipped segmenter, as before the conversion to core artifacts', () => {
  it('holds the same network weights, bit for bit, and the same lexicon', () => {
    const h = createHash('sha256');
    for (const [name, v] of Object.entries(s.model!.namedWeights())) {
      h.update(name);
      h.update(Buffer.from((v.dataSync() as Float32Array).buffer));
    }
    expect(h.digest('hex')).toBe('852f9e78d1a4357053b15cb6925d61d7be73ce56168cac72b5f3384ff3fbba4f');
    expect(s.lexicon!.size).toBe(234661);
  });

  it('segments as before in every mode', () => {
    expect(s.segmentBatch(TAGS)).toEqual([
      ['NBA', 'Finals', '2016'], ['TBT'], ['i', 'love', 'you', 'too'], ['Throwback', 'Thursday'],
      ['Make', 'America', 'Great', 'Again'], ['big', 'data', '4', 'life'], ['東京', '2020'],
    ]);
    expect(s.segmentBatch(TAGS, { mode: 'lm' })[2]).toEqual(['iloveyou', 'too']);
    expect(s.segmentBatch(TAGS, { mode: 'neural' })[5]).toEqual(['bigdata', '4', 'life']);
  });

  it('gives the same boundary probabilities', () => {
    const [nba] = s.boundaryProbabilities([[...'NBAFinals2016']]);
    const before = [
      0.00018527168140280992, 0.0002402226673439145, 0.9997945427894592, 0.0008145261090248823, 0.000608951726462692,
      0.000611509894952178, 0.00045216947910375893, 0.00020029264851473272, 0.9992403388023376, 0.00036044348962605,
      0.006498442031443119, 0.000973612884990871, 0.9892007112503052,
    ];
    // Same weights and backend give the same numbers; wasm's float32 sums leave no room to differ.
    expect(Array.from(nba)).toEqual(before.map(Math.fround));
  });
});
