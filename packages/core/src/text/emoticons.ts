/**
 * ASCII emoticons the tokenizer keeps whole (`:)`, `:-(`, `;D`, `<3`, `^_^`, `-_-`, `xD`).
 *
 * The list is deliberately Western-face-centred and conservative: every emoticon here must also
 * pass context checks in the tokenizer (no word character right before it; none right after it
 * when it ends in a letter or digit), so `10:30`, `RT @x :Dallas` and `C:/dir` stay ordinary text.
 * Reversed faces (`(:`, `D:`) are left out because they collide with ordinary punctuation.
 */
const EMOTICON = new RegExp(
  [
    // brow? eyes, tear/nose?, mouth (mouths made of brackets or D/P may repeat: `:)))`, `:DD`)
    String.raw`>?[:;=]['\-^]?(?:\)+|\(+|\]+|\[+|D+|P+|p+|[/\\|*3Oo])`,
    String.raw`<\/?3+`,
    String.raw`\^_*\^`,
    String.raw`-_+-`,
    String.raw`[oO]_[oO]`,
    String.raw`T_T`,
    String.raw`;_;`,
    String.raw`[xX]D+`,
  ].join('|'),
  'y',
);

/**
 * Length of the emoticon starting exactly at `offset` in `text`, or 0 when none starts there.
 * Only the characters are matched here; the caller checks the surrounding context.
 */
export function emoticonLengthAt(text: string, offset: number): number {
  EMOTICON.lastIndex = offset;
  const match = EMOTICON.exec(text);
  return match === null ? 0 : match[0].length;
}
