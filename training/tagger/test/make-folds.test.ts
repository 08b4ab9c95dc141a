import { dealFolds, readPostBlocks } from '../scripts/make-folds';

const post = (i: number) => `IMGID:${i}\nword${i}\tO\nName${i}\tB-PER`;

describe('make-folds', () => {
  it('reads posts as blocks, whatever blank lines separate them', () => {
    expect(readPostBlocks(`${post(1)}\n\n\n${post(2)}\r\n\r\n${post(3)}\n`)).toEqual([post(1), post(2), post(3)]);
  });

  it('deals every post into exactly one fold, in folds of equal size (±1), the same way for the same seed', () => {
    const posts = Array.from({ length: 23 }, (_, i) => post(i));
    const folds = dealFolds(posts, 5, 7);
    expect(folds.map((f) => f.length).sort()).toEqual([4, 4, 5, 5, 5]);
    expect(folds.flat().sort()).toEqual([...posts].sort());
    expect(dealFolds(posts, 5, 7)).toEqual(folds);
    expect(dealFolds(posts, 5, 8)).not.toEqual(folds);
  });
});
