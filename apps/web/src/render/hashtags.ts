import { el } from '../dom';

/** Each hashtag of the post with the words the segmenter found in it. */
export function renderHashtags(hashtags: ReadonlyArray<{ hashtag: string; words: string[] }>): HTMLElement {
  if (hashtags.length === 0) return el('p', { class: 'muted', id: 'hashtags' }, ['no hashtags in this post']);
  return el(
    'ul',
    { class: 'hashtags', id: 'hashtags' },
    hashtags.map((h) =>
      el('li', { 'data-hashtag': h.hashtag, 'data-words': h.words.join(' ') }, [
        el('code', {}, [h.hashtag]),
        ' → ',
        ...h.words.flatMap((w, i) => [i > 0 ? ' · ' : '', el('span', { class: 'word' }, [w])]),
      ]),
    ),
  );
}
