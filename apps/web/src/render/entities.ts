import type { Entity } from '@trimod/trimod';
import { el } from '../dom';

/** Types with their own colour in style.css; any other type gets the neutral one. */
export const KNOWN_TYPES = ['PER', 'LOC', 'ORG', 'MISC'] as const;
const TYPE_NAMES: Record<string, string> = { PER: 'person', LOC: 'location', ORG: 'organisation', MISC: 'other' };

function typeClass(type: string): string {
  return (KNOWN_TYPES as readonly string[]).includes(type) ? `entity entity-${type}` : 'entity entity-other';
}

/** What the browser shows on hover: the type, the score and the modality weights. */
export function entityTitle(e: Entity): string {
  const weights = Object.entries(e.modalityWeights).map(([name, w]) => `${name} ${w.toFixed(2)}`);
  return `${e.type} · score ${e.score.toFixed(2)} · weights ${weights.join(', ')}`;
}

/** The post with each entity in a coloured <mark> (offsets are into `text`, non-overlapping). */
export function renderTaggedText(text: string, entities: readonly Entity[]): HTMLElement {
  const out = el('p', { class: 'tagged', id: 'tagged' });
  let at = 0;
  for (const e of [...entities].sort((a, b) => a.start - b.start)) {
    if (e.start < at) continue;
    out.append(text.slice(at, e.start));
    out.append(
      el(
        'mark',
        {
          class: typeClass(e.type),
          title: entityTitle(e),
          'data-entity-type': e.type,
          'data-entity-text': e.text,
          'data-start': e.start,
          'data-end': e.end,
          'data-score': e.score.toFixed(4),
        },
        [e.text, el('sup', { class: 'entity-label', 'aria-hidden': 'true' }, [e.type])],
      ),
    );
    at = e.end;
  }
  out.append(text.slice(at));
  if (entities.length === 0) out.append(el('span', { class: 'muted' }, [' — no entities found']));
  return out;
}

/** The colour key for the types the model knows. */
export function renderLegend(labels: readonly string[]): HTMLElement {
  const types = [...new Set(labels.filter((l) => l !== 'O').map((l) => l.replace(/^[BIES]-/, '')))];
  return el(
    'p',
    { class: 'legend' },
    types.map((t) => el('span', { class: typeClass(t) }, [`${t}${TYPE_NAMES[t] ? ` ${TYPE_NAMES[t]}` : ''}`])),
  );
}
