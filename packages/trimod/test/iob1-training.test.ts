import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { DataFormatError, parseTwitterNer, toBatch, train, type TrainEvent } from '../src';
import { tinyTrainee, twitterText } from './toy/tiny-posts';

// Posts written for this test; half their entities start with I- (IOB1 leftovers), as in
// annotated Twitter sets. The BIO-constrained CRF cannot give those gold paths any probability.
const DATA = twitterText([
  ['IMGID:1', 'Kawhi\tI-PER', 'Leonard\tI-PER', 'wins\tO', 'in\tO', 'Toronto\tI-LOC'],
  ['IMGID:2', '#\tO', 'NBA\tB-ORG', 'finals\tO', 'tonight\tO'],
  ['IMGID:3', 'Leonard\tB-PER', 'loves\tO', 'Toronto\tI-LOC', '!\tO'],
  ['IMGID:4', 'The\tO', 'NBA\tI-ORG', 'in\tO', 'Toronto\tB-LOC'],
  ['IMGID:5', 'Raptors\tI-ORG', 'fans\tO', 'love\tO', 'Kawhi\tB-PER'],
  ['IMGID:6', 'Toronto\tB-LOC', 'Raptors\tI-ORG', 'win\tO'],
]);
const posts = parseTwitterNer(DATA, 'iob1.txt');

const tiny = () => tinyTrainee(posts);

beforeAll(async () => {
  await initBackend('wasm');
});

describe('training on IOB1 leftovers with the BIO-constrained CRF', () => {
  it('repairs them by default: the printed loss is a real per-post NLL and falls', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-iob1-')), 'run');
    const events: TrainEvent[] = [];
    const model = tiny();
    const { state } = await train(model, { train: posts, dev: posts, outDir, epochs: 8, patience: 8, batchSize: 3, learningRate: 0.05, seed: 3, onEvent: (e) => events.push(e) });
    const losses = state.history.map((h) => h.loss);
    // A post of 3-5 tokens over 9 tags has an NLL of at most a few tens at any sane weights;
    // an impossible gold path alone would cost about 1e4.
    for (const e of events) if (e.kind === 'batch' || e.kind === 'epoch') expect(e.loss).toBeLessThan(30);
    for (const l of losses) expect(l).toBeGreaterThan(0);
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    model.dispose();
  });

  it('refuses them with bio: "refuse", naming the line', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-iob1-')), 'run');
    const model = tiny();
    const err = await train(model, { train: posts, dev: posts, outDir, epochs: 1, bio: 'refuse' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as Error).message).toMatch(/:2: 6 I- tags continue no entity .*:2 \(post start → I-PER\)/);
    model.dispose();
  });

  it('TriMod.loss refuses a gold path the constraints forbid instead of returning a 1e4 constant', () => {
    const model = tiny();
    const index = (t: string) => model.labels.indexOf(t);
    const batch = toBatch(posts.slice(0, 1));
    expect(() => model.loss(batch, [posts[0].tags.map(index)])).toThrow(/post 0 of the batch go post start → I-PER at token 0, which the BIO constraints forbid/);
    const ok = model.loss(batch, [['B-PER', 'I-PER', 'O', 'O', 'B-LOC'].map(index)]);
    const value = ok.dataSync()[0];
    ok.dispose();
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(5 * Math.log(model.labels.length) + 5);
    model.dispose();
  });
});
