import { groupOf, meanStd } from '../scripts/summarise-runs';

describe('summarise-runs', () => {
  it('groups seeds and folds of the same setting', () => {
    expect(groupOf('tm-s2')).toBe('tm');
    expect(groupOf('all-md-s1')).toBe('all-md');
    expect(groupOf('cv3-tm')).toBe('cv-tm');
    expect(groupOf('ref-cv4')).toBe('cv-ref');
    expect(groupOf('ref-s1')).toBe('ref');
  });

  it('gives the mean and the sample standard deviation', () => {
    const { mean, std } = meanStd([80, 81, 82]);
    expect(mean).toBeCloseTo(81, 10);
    expect(std).toBeCloseTo(1, 10);
    expect(meanStd([79.5])).toEqual({ mean: 79.5, std: 0 });
  });
});
