import { tokenize, Vocabulary } from '@trimod/core';
import { buildVocabularies } from '../src';
import { tokenShape, TOKEN_SHAPES } from '../src/features/token-shape';
import { layoutTokens } from '../src/features/batch-tokens';
import { charIdsOf, wordIdOf } from '../src/features/token-ids';

describe('token shapes', () => {
  it.each([
    ['nba', 'lower'],
    ['NBA', 'upper'],
    ['Paris', 'title'],
    ['I', 'title'],
    ['iPhone', 'mixed'],
    ['2015', 'digit'],
    ['4ever', 'digit'],
    ['#NBA', 'hashtag'],
    ['@nasa', 'mention'],
    ['https://t.co/abc', 'url'],
    ['www.example.com', 'url'],
    ['!!!', 'punct'],
    ['🏀', 'other'],
    ['東京', 'other'],
    ['É', 'title'],
  ])('%s is %s', (token, shape) => {
    expect(tokenShape(token)).toBe(shape);
  });

  it('lists pad first so padding gets id 0', () => {
    expect(TOKEN_SHAPES[0]).toBe('pad');
  });
});

describe('token ids', () => {
  it('looks tokens up tweet-aware in a normalising and in a verbatim vocabulary', () => {
    const normalised = Vocabulary.build(['nba', 'Paris']);
    expect(wordIdOf(normalised, '#NBA')).toBe(normalised.indexOf('nba'));
    const verbatim = Vocabulary.build(['nba', 'NBA'], { normalize: false });
    expect(wordIdOf(verbatim, 'NBA')).toBe(verbatim.indexOf('NBA'));
    expect(wordIdOf(verbatim, '#NBA')).toBe(verbatim.indexOf('nba'));
    expect(wordIdOf(verbatim, 'unknown')).toBe(1);
  });

  it('reads characters as code points, cut to maxChars, an empty token as one <unk>', () => {
    const chars = Vocabulary.build(Array.from('ab🏀'), { normalize: false });
    const ids = charIdsOf(['ab🏀', '', 'abababab'], chars, 4);
    expect(ids.steps).toBe(4);
    expect(Array.from(ids.lengths)).toEqual([3, 1, 4]);
    expect(Array.from(ids.ids.subarray(0, 4))).toEqual([chars.indexOf('a'), chars.indexOf('b'), chars.indexOf('🏀'), 0]);
    expect(ids.ids[4]).toBe(1);
  });

  it('lays out a batch with distinct tokens listed once', () => {
    const posts = [tokenize('the NBA and the #NBA').map((t) => t.text), ['the']];
    const layout = layoutTokens(posts);
    expect(layout.steps).toBe(5);
    expect(layout.distinct).toEqual(['the', 'NBA', 'and', '#NBA']);
    expect(Array.from(layout.distinctIndex)).toEqual([0, 1, 2, 0, 3, 0, 4, 4, 4, 4]);
    expect(Array.from(layout.mask)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
  });
});

describe('buildVocabularies', () => {
  const posts = [['Messi', 'scores', '#NBA'], ['messi', 'again']];

  it('puts the posts\' words first, then extra words not already there, normalised and in order', () => {
    const { words, chars } = buildVocabularies(posts, { extraWords: ['the', 'NBA', 'Paris', 'the', '2019'] });
    expect(words.words().slice(2)).toEqual(['messi', 'again', 'nba', 'scores', 'the', 'paris', '0000']);
    expect(words.indexOf('Paris')).toBe(words.words().indexOf('paris'));
    // Characters come from the posts only.
    expect(chars.has('P')).toBe(false);
  });

  it('applies minCount to the posts\' words but keeps every extra word', () => {
    const { words } = buildVocabularies(posts, { minCount: 2, extraWords: ['rome'] });
    expect(words.words().slice(2)).toEqual(['messi', 'rome']);
  });
});
