import { kindOfToken, tokenize, tokenKinds } from '../src';

const POSTS = [
  'We are # 1 fans of #NBA and @nasa ! https://t.co/x 😀 :)',
  'Rain in ＃Tokyo today , ＠jo says 10,000 #2017 #NBA2017',
  'RT @user : #icecream at 9.30 ... www.example.com',
];

describe('tokenKinds', () => {
  it('gives a sigil and its body the hashtag or mention kind only where they make one', () => {
    expect(tokenKinds(['We', 'are', '#', '1', 'fans'])).toEqual(['word', 'word', 'punct', 'number', 'word']);
    expect(tokenKinds(['Rain', 'in', '＃', 'Tokyo'])).toEqual(['word', 'word', 'hashtag', 'hashtag']);
    expect(tokenKinds(['#', 'NBA', '@', 'nasa', '＠', 'jo'])).toEqual(['hashtag', 'hashtag', 'mention', 'mention', 'mention', 'mention']);
    expect(tokenKinds(['#', '#', 'NBA'])).toEqual(['punct', 'hashtag', 'hashtag']);
    expect(tokenKinds(['#NBA', 'https://t.co/x', '😀', ':)', '!'])).toEqual(['hashtag', 'url', 'emoji', 'emoticon', 'punct']);
    expect(tokenKinds([])).toEqual([]);
  });

  it("agrees with the tokenizer's kinds on raw text, whole or with hashtags and mentions split as the data files split them", () => {
    for (const text of POSTS) {
      const tokens = tokenize(text);
      expect(tokenKinds(tokens.map((t) => t.text))).toEqual(tokens.map((t) => t.kind));
      const split = tokens.flatMap((t) => ((t.kind === 'hashtag' || t.kind === 'mention') && t.text.length > 1 ? [{ ...t, text: t.text[0] }, { ...t, text: t.text.slice(1) }] : [t]));
      expect(tokenKinds(split.map((t) => t.text))).toEqual(split.map((t) => t.kind));
    }
  });

  it("kindOfToken: a token the tokenizer would split is a word; core's predicates name hashtags", () => {
    expect(kindOfToken('#1')).toBe('word');
    expect(kindOfToken('＃Tokyo')).toBe('hashtag');
    expect(kindOfToken('2015')).toBe('number');
  });
});
