import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { loadCaptioner } from '@trimod/image-captioner';
import { labelsOf, parseTwitterNer, TriMod } from '@trimod/trimod';
import { createProcessor, lazy } from '../src/queue/processor';
import { tinyTagger } from './helpers/tiny-tagger';

// The worker's job processor in-process, with the real bundled captioner: images are captioned
// only for models that read captions, the captioner is loaded once and only when needed, and an
// unreadable image fails the job before anything is loaded.
const image = path.join(__dirname, '..', '..', '..', 'docs', 'web-demo.png');
const DATA = 'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\n#\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\n';

function tinyModel(captionMatchDim: number): TriMod {
  const posts = parseTwitterNer(DATA, 'tiny.txt');
  return tinyTagger(posts.map((p) => p.tokens), labelsOf(posts), { captionMatchDim: captionMatchDim, seed: 1 });
}

let loads = 0;
const captioner = lazy(() => {
  loads++;
  return loadCaptioner();
});

beforeAll(() => initBackend('wasm'));
afterAll(async () => (await captioner.loaded())?.dispose());

describe('the queue job processor', () => {
  it('captions an image for a model that reads captions, loading the captioner once', async () => {
    const model = tinyModel(2);
    const process = createProcessor(model, captioner.get);
    const records = [
      { id: 1, text: 'Kawhi Leonard wins in Toronto', image },
      { id: 2, text: 'NBA wins' },
      { id: 3, text: 'Kawhi in Toronto', caption: 'a man on a court', image }, // a caption given wins
      { id: 4, caption: 'no text at all' },
    ];
    const first = await process({ index: 0, records });
    expect(loads).toBe(1);
    // The second job reuses the loaded captioner, and describes only the image without a caption.
    const describe = jest.spyOn(await captioner.get(), 'describe');
    const again = await process({ index: 1, records });
    expect(loads).toBe(1);
    expect(describe).toHaveBeenCalledTimes(1);
    expect(describe.mock.calls[0][1]).toBe(image);
    const caption = (await describe.mock.results[0].value).caption as string;
    expect(caption.split(' ').length).toBeGreaterThan(1);
    describe.mockRestore();

    const expected = await model.predict([
      { text: records[0].text!, caption },
      { text: 'NBA wins', caption: null },
      { text: 'Kawhi in Toronto', caption: 'a man on a court' },
    ]);
    expect(again).toEqual({
      index: 1,
      results: [
        { id: 1, text: records[0].text, entities: expected[0].entities },
        { id: 2, text: 'NBA wins', entities: expected[1].entities },
        { id: 3, text: 'Kawhi in Toronto', entities: expected[2].entities },
        { id: 4, text: null, error: 'the record has no "text" string (got none)' },
      ],
    });
    expect(first.results).toEqual(again.results);
    model.dispose();
  });

  it('never loads the captioner for a model that reads no captions', async () => {
    const model = tinyModel(0);
    let asked = 0;
    const process = createProcessor(model, async () => {
      asked++;
      throw new Error('the captioner should not be needed');
    });
    const r = await process({ index: 0, records: [{ id: 'a', text: 'Kawhi in Toronto', image }] });
    expect(asked).toBe(0);
    expect(r.results).toEqual([{ id: 'a', text: 'Kawhi in Toronto', entities: (await model.predict(['Kawhi in Toronto']))[0].entities }]);
    model.dispose();
  });

  it('fails a job with an unreadable image before loading anything, and malformed job data as unrecoverable', async () => {
    const model = tinyModel(2);
    let asked = 0;
    const process = createProcessor(model, async () => {
      asked++;
      return captioner.get();
    });
    const missing = path.join(__dirname, 'no-such-image.jpg');
    await expect(process({ index: 0, records: [{ id: 'x', text: 'hello', image: missing }] })).rejects.toThrow(`record "x": cannot read image ${missing}: ENOENT`);
    expect(asked).toBe(0);
    await expect(process({ index: -1, records: [] })).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/"index" must be a whole number/) });
    await expect(process('nonsense')).rejects.toMatchObject({ name: 'UnrecoverableError' });
    model.dispose();
  });
});
