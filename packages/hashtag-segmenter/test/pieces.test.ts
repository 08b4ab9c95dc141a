import { splitPieces, stripHashes } from '../src/decode/pieces';

const texts = (h: string) => splitPieces(h).map((p) => `${p.kind === 'latin' ? 'L' : 'O'}:${p.text}`);

describe('splitPieces', () => {
  it('strips every leading # and keeps Latin letters and digits together', () => {
    expect(texts('##NBAFinals2016')).toEqual(['L:NBAFinals2016']);
    expect(stripHashes('#＃#a#b')).toBe('a#b');
  });

  it('separates underscores, punctuation and emoji', () => {
    expect(texts('#film_club')).toEqual(['L:film', 'O:_', 'L:club']);
    expect(texts('#love😍you')).toEqual(['L:love', 'O:😍', 'L:you']);
    expect(texts('#a-b')).toEqual(['L:a', 'O:-', 'L:b']);
    expect(texts('#a--b')).toEqual(['L:a', 'O:-', 'O:-', 'L:b']);
  });

  it('keeps emoji sequences (ZWJ, skin tones, flags) whole and splits neighbouring emoji', () => {
    expect(texts('#👨‍👩‍👧')).toEqual(['O:👨‍👩‍👧']);
    expect(texts('#👍🏽👍')).toEqual(['O:👍🏽', 'O:👍']);
    expect(texts('#🇫🇷🇩🇪')).toEqual(['O:🇫🇷', 'O:🇩🇪']);
  });

  it('leaves other scripts whole, splitting cased scripts at lower→upper', () => {
    expect(texts('#東京')).toEqual(['O:東京']);
    expect(texts('#Москва')).toEqual(['O:Москва']);
    expect(texts('#МоскваСити')).toEqual(['O:Москва', 'O:Сити']);
    expect(texts('#TokyoЖ')).toEqual(['L:Tokyo', 'O:Ж']);
  });

  it('treats Latin letters with diacritics (and combining marks) as Latin', () => {
    expect(texts('#MálagaCF')).toEqual(['L:MálagaCF']);
    expect(texts('#Ma\u0301laga')).toEqual(['L:Ma\u0301laga']);
  });

  it('gives nothing for empty or #-only input', () => {
    expect(splitPieces('')).toEqual([]);
    expect(splitPieces('###')).toEqual([]);
  });
});
