import type { ImageAnalysis } from '../analyse';
import { el, formatMs } from '../dom';

/** The caption the captioner wrote, whether the model reads it, and the detected objects. */
export function renderImageResult(image: ImageAnalysis): HTMLElement {
  const objects = image.objects;
  const objectList = objects.ok
    ? objects.detections.length
      ? el(
          'ul',
          { class: 'objects', id: 'objects', 'data-state': 'done', 'data-count': objects.detections.length },
          objects.detections.map((d) =>
            el('li', { 'data-object': d.label, title: `box x ${d.box[0].toFixed(2)} y ${d.box[1].toFixed(2)} w ${d.box[2].toFixed(2)} h ${d.box[3].toFixed(2)}` }, [
              `${d.label} `,
              el('span', { class: 'muted' }, [d.score.toFixed(2)]),
            ]),
          ),
        )
      : el('p', { class: 'objects muted', id: 'objects', 'data-state': 'done', 'data-count': 0 }, ['no COCO object scored above 0.2'])
    : el('p', { class: 'objects error', id: 'objects', 'data-state': 'unavailable' }, [`objects unavailable here: ${objects.reason}`]);
  return el('div', { class: 'image-result' }, [
    el('p', {}, [
      el('strong', {}, ['Caption: ']),
      el('q', { id: 'caption', 'data-caption': image.caption }, [image.caption]),
    ]),
    el('p', { class: 'muted', id: 'caption-use' }, [
      image.captionUsed
        ? 'The model read this caption through its visual encoder.'
        : 'This model reads neither images nor captions (text only), so the caption does not change its tags.',
    ]),
    el('p', {}, [el('strong', {}, ['Objects (CenterNet, COCO): '])]),
    objectList,
    el('p', { class: 'muted' }, [
      `captioner loaded in ${formatMs(image.ms.load)} · caption ${formatMs(image.ms.caption)} · objects ${formatMs(image.ms.objects)}`,
    ]),
  ]);
}
