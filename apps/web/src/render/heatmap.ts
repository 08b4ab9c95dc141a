import type { PostPrediction } from '@trimod/trimod';
import { el } from '../dom';

/**
 * Tokens × modalities: the fusion layer's weight of each modality for each token (they sum to 1
 * over the modalities a post has). Darker is more weight; the exact value is in the cell.
 */
export function renderHeatmap(prediction: PostPrediction): HTMLElement {
  const tokens = prediction.tokens;
  const head = el('tr', {}, [
    el('th', { scope: 'col' }, ['']),
    ...tokens.map((t) =>
      el('th', { scope: 'col', class: t.tag === 'O' ? 'token' : `token token-${t.tag.slice(2)}`, title: t.tag }, [t.text]),
    ),
  ]);
  const tagRow = el('tr', { class: 'tags' }, [
    el('th', { scope: 'row' }, ['tag']),
    ...tokens.map((t) => el('td', {}, [t.tag])),
  ]);
  // One row per modality the fusion weighs (the tokens' weights are keyed by modality name).
  const modalities = Object.keys(tokens[0]?.weights ?? {});
  const rows = modalities.map((m) =>
    el('tr', {}, [
      el('th', { scope: 'row' }, [m]),
      ...tokens.map((t) => {
        const w = t.weights[m];
        return el(
          'td',
          {
            // Dark cells get light text (CSS cannot branch on --w).
            class: w > 0.55 ? 'cell dark' : 'cell',
            style: `--w: ${w.toFixed(3)}`,
            title: `${t.text} · ${m} ${w.toFixed(3)}`,
            'data-token': t.text,
            'data-modality': m,
            'data-weight': w.toFixed(4),
          },
          [w.toFixed(2)],
        );
      }),
    ]),
  );
  return el('div', { class: 'heatmap-scroll' }, [
    el('table', { class: 'heatmap', id: 'heatmap-table' }, [el('thead', {}, [head]), el('tbody', {}, [tagRow, ...rows])]),
  ]);
}
