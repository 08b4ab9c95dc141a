/** Reading the Flickr8k folder (layout: images/, captions.txt and the split files; see the data set's README.md): splits and captions. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Flickr8k {
  /** image file name → its (usually five) captions, as written. */
  captions: Map<string, string[]>;
  train: string[];
  dev: string[];
  imageDir: string;
}

function readIds(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** What decoders trained on this split record as their data (model.json's training.data). */
export const FLICKR8K_TRAINING_DATA = 'Flickr8k train split (6,000 images x 5 captions)';

export function readFlickr8k(dir: string): Flickr8k {
  const captions = new Map<string, string[]>();
  const lines = fs.readFileSync(path.join(dir, 'captions.txt'), 'utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === '') return; // header `image,caption`
    const comma = line.indexOf(',');
    if (comma < 0) throw new Error(`${dir}/captions.txt line ${i + 1}: no comma`);
    const image = line.slice(0, comma);
    let caption = line.slice(comma + 1);
    if (caption.startsWith('"') && caption.endsWith('"')) caption = caption.slice(1, -1).replace(/""/g, '"');
    const list = captions.get(image) ?? [];
    list.push(caption);
    captions.set(image, list);
  });
  const keep = (ids: string[]): string[] => ids.filter((id) => captions.has(id));
  return {
    captions,
    train: keep(readIds(path.join(dir, 'Flickr_8k.trainImages.txt'))),
    dev: keep(readIds(path.join(dir, 'Flickr_8k.devImages.txt'))),
    imageDir: path.join(dir, 'images'),
  };
}
