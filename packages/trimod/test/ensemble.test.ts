import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { evaluateModel, TriMod, TriModEnsemble, type EnsembleCombination, type PostPrediction } from '../src';
import { tinyPosts } from './toy/tiny-posts';

// Tiny untrained taggers (seeded, so each seed is a different model) written by the test.
const LABELS = ['O', 'B-LOC', 'B-ORG', 'B-PER', 'I-LOC', 'I-ORG', 'I-PER'];
const WORDS = [['Kawhi', 'Leonard', 'wins', 'in', 'Toronto', 'NBA', 'finals', 'tonight', '#', 'loves', 'The']];
const TEXTS = [
  'Kawhi Leonard wins in Toronto',
  'NBA finals tonight in Toronto , Leonard loves it',
  '#NBA The finals',
  'Leonard',
  'Toronto loves Kawhi Leonard and the NBA finals tonight',
];

function tinyModel(seed: number, labels = LABELS, captionMatchDim = 0): TriMod {
  const { words, chars } = buildVocabularies(WORDS);
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 6, charDim: 4, charHidden: 3, wordHidden: 5, shapeDim: 2, seed });
  return TriMod.create({ labels, text, fusion: { outputDim: 6, attentionDim: 3 }, captionMatchDim, seed });
}

const dir = mkdtempSync(path.join(tmpdir(), 'trimod-ensemble-'));
const folders: string[] = [];
beforeAll(async () => {
  await initBackend('wasm');
  for (const seed of [1, 2, 3]) {
    const m = tinyModel(seed, LABELS, seed === 3 ? 4 : 0);
    const folder = path.join(dir, `m${seed}`);
    await m.save(folder);
    m.dispose();
    folders.push(folder);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tagsOf = (p: PostPrediction[]) => p.map((x) => x.tokens.map((t) => t.tag));

describe('TriModEnsemble', () => {
  it('of one model, combining scores, gives exactly that model\'s tags, entities, scores and weights', async () => {
    const model = await TriMod.load(folders[0]);
    const ensemble = await TriModEnsemble.load([folders[0]], { combine: 'scores' });
    try {
      const expected = await model.predict(TEXTS, { batchSize: 2 });
      expect(expected.some((p) => p.entities.length > 0)).toBe(true); // the comparison is not of empty lists
      expect(await ensemble.predict(TEXTS, { batchSize: 2 })).toEqual(expected);
      const posts = tinyPosts();
      expect(await evaluateModel(ensemble, posts)).toEqual({ ...(await evaluateModel(model, posts)), seconds: expect.any(Number) });
    } finally {
      model.dispose();
      ensemble.dispose();
    }
  });

  it('of one model, combining marginals, tags the valid path with the highest product of that model\'s posteriors', async () => {
    const model = await TriMod.load(folders[1]);
    const ensemble = TriModEnsemble.fromModels([model], { combine: 'marginals' });
    try {
      const got = await ensemble.predict(TEXTS);
      const short = TEXTS.map((_, i) => i).filter((i) => got[i].tokens.length <= 6); // brute force: 7^T paths
      expect(short.length).toBeGreaterThanOrEqual(3);
      for (const i of short) {
        const tokens = got[i].tokens.map((t) => t.text);
        const { emissions, mask, weights } = model.forward({ tokens: [tokens] }, false);
        const probs = tf.tidy(() => model.crf.marginals(emissions, [tokens.map(() => 1)]).arraySync()[0]);
        tf.dispose([emissions, mask, weights]);
        const best = bestValidPath(probs, LABELS, (p, t, k) => Math.log(p[t][k]));
        expect(got[i].tokens.map((t) => t.tag)).toEqual(best.map((k) => LABELS[k]));
        // An entity's score is the mean posterior of its tags.
        for (const e of got[i].entities) {
          const idx = got[i].tokens.flatMap((t, k) => (t.start >= e.start && t.end <= e.end ? [k] : []));
          const mean = idx.reduce((s, k) => s + probs[k][best[k]], 0) / idx.length;
          expect(e.score).toBeCloseTo(mean, 5);
        }
      }
    } finally {
      ensemble.dispose();
    }
  });

  it.each<EnsembleCombination>(['marginals', 'scores'])('of two identical models gives exactly what one gives (%s)', async (combine) => {
    const one = await TriModEnsemble.load([folders[0]], { combine });
    const two = await TriModEnsemble.load([folders[0], folders[0]], { combine });
    try {
      const a = await one.predict(TEXTS);
      expect(a.some((p) => p.entities.length > 0)).toBe(true);
      expect(await two.predict(TEXTS)).toEqual(a);
    } finally {
      one.dispose();
      two.dispose();
    }
  });

  it.each<EnsembleCombination>(['marginals', 'scores'])('of three different models differs from each member and gives one result per post, whatever the batching (%s)', async (combine) => {
    const ensemble = await TriModEnsemble.load(folders, { combine });
    try {
      const whole = await ensemble.predict(TEXTS, { batchSize: 32 });
      expect(await ensemble.predict(TEXTS, { batchSize: 1 })).toEqual(whole);
      const memberTags = await Promise.all(ensemble.members.map(async (m) => tagsOf(await m.predict(TEXTS))));
      expect(memberTags.some((t) => JSON.stringify(t) !== JSON.stringify(tagsOf(whole)))).toBe(true);
      // The third model reads captions (caption match), so the ensemble does, and the weights of
      // every member's modalities are averaged into one record per token.
      expect(ensemble.readsCaptions).toBe(true);
      for (const p of whole) for (const t of p.tokens) expect(Object.keys(t.weights)).toEqual(['text']);
      const streamed: string[][] = [];
      for await (const r of ensemble.predictStream(TEXTS.map((text, id) => ({ id, text })), { batchSize: 2 })) streamed.push(r.entities.map((e) => `${e.type}:${e.text}`));
      expect(streamed).toEqual(whole.map((p) => p.entities.map((e) => `${e.type}:${e.text}`)));
    } finally {
      ensemble.dispose();
    }
  });

  it('leaves no tensors behind across calls', async () => {
    const ensemble = await TriModEnsemble.load(folders, { combine: 'marginals' });
    const scores = await TriModEnsemble.load(folders, { combine: 'scores' });
    try {
      await ensemble.predict(TEXTS);
      await scores.predict(TEXTS);
      const before = tf.memory().numTensors;
      await ensemble.predict(TEXTS);
      await scores.predict(TEXTS);
      await evaluateModel(ensemble, tinyPosts());
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      ensemble.dispose();
      scores.dispose();
    }
  });

  it('refuses models with another label set, naming the model', async () => {
    const other = tinyModel(5, ['O', 'B-PER', 'I-PER']);
    const first = await TriMod.load(folders[0]);
    expect(() => TriModEnsemble.fromModels([first, other], { names: ['a', 'b'] })).toThrow(/model 2 \(b\) tags \["O","B-PER","I-PER"\], not the label set of model 1 \(a\)/);
    first.dispose();
    other.dispose();
    await expect(TriModEnsemble.load([folders[0], path.join(dir, 'nope')])).rejects.toThrow(/model 2 \(.*nope\)/);
    expect(() => TriModEnsemble.fromModels([])).toThrow(/at least one model/);
    const m = tinyModel(1);
    expect(() => TriModEnsemble.fromModels([m], { combine: 'mean' as EnsembleCombination })).toThrow(/combine must be one of marginals, scores/);
    m.dispose();
  });

  it.each<EnsembleCombination>(['marginals', 'scores'])('takes a model with the same labels in another order: the answer does not depend on which order leads (%s)', async (combine) => {
    const reordered = ['O', 'I-PER', 'B-PER', 'I-ORG', 'B-ORG', 'I-LOC', 'B-LOC'];
    const make = () => [tinyModel(1), tinyModel(2, reordered)];
    const [a1, b1] = make();
    const [a2, b2] = make();
    const ab = TriModEnsemble.fromModels([a1, b1], { combine });
    const ba = TriModEnsemble.fromModels([b2, a2], { combine });
    try {
      expect(ab.labels).toEqual(LABELS);
      expect(ba.labels).toEqual(reordered);
      const x = await ab.predict(TEXTS);
      const y = await ba.predict(TEXTS);
      expect(x.some((p) => p.entities.length > 0)).toBe(true);
      expect(tagsOf(y)).toEqual(tagsOf(x));
      x.forEach((p, i) => p.entities.forEach((e, k) => expect(y[i].entities[k].score).toBeCloseTo(e.score, 5)));
    } finally {
      ab.dispose();
      ba.dispose();
    }
  });
});

/** Brute force: the BIO-valid tag sequence maximising Σ_t score(t, k_t) (every sequence tried). */
function bestValidPath(p: number[][], labels: string[], score: (p: number[][], t: number, k: number) => number): number[] {
  const T = p.length;
  const K = labels.length;
  let best: number[] = [];
  let top = -Infinity;
  const path = new Array<number>(T).fill(0);
  const valid = (seq: number[]) =>
    seq.every((k, t) => {
      const [prefix, type] = labels[k].split('-');
      if (prefix !== 'I') return true;
      if (t === 0) return false;
      const prev = labels[seq[t - 1]];
      return prev === `B-${type}` || prev === `I-${type}`;
    });
  for (let n = 0; n < K ** T; n++) {
    let x = n;
    for (let t = 0; t < T; t++) {
      path[t] = x % K;
      x = Math.floor(x / K);
    }
    if (!valid(path)) continue;
    const s = path.reduce((acc, k, t) => acc + score(p, t, k), 0);
    if (s > top) {
      top = s;
      best = [...path];
    }
  }
  return best;
}
