import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF, type TransitionMask } from '../src';
import * as brute from './brute-force';
import { randomizeWeights, randomProblem, useCpu } from './fixtures';

beforeAll(useCpu);

const BIO = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];
const at = (labels: string[], label: string) => {
  const i = labels.indexOf(label);
  if (i < 0) throw new Error(`no label ${label}`);
  return i;
};

/** Whether a whole sequence obeys the mask (start, every step, end). */
function obeys(mask: TransitionMask, tags: number[]): boolean {
  if (!mask.start[tags[0]] || !mask.end[tags[tags.length - 1]]) return false;
  return tags.every((tag, t) => t === 0 || mask.transitions[tags[t - 1]][tag]);
}

describe('allowedTransitions', () => {
  test('BIO forbids O → I-x, B-x → I-y, start → I-x and allows the rest', () => {
    const m = allowedTransitions('BIO', BIO);
    const ok = (a: string, b: string) => m.transitions[at(BIO, a)][at(BIO, b)];
    expect(ok('O', 'I-PER')).toBe(false);
    expect(ok('B-LOC', 'I-PER')).toBe(false);
    expect(ok('I-LOC', 'I-PER')).toBe(false);
    expect(ok('B-PER', 'I-PER')).toBe(true);
    expect(ok('I-PER', 'I-PER')).toBe(true);
    expect(ok('I-PER', 'B-LOC')).toBe(true);
    expect(ok('O', 'B-PER')).toBe(true);
    expect(ok('I-LOC', 'O')).toBe(true);
    expect(m.start).toEqual([true, true, false, true, false]);
    expect(m.end).toEqual([true, true, true, true, true]);
  });

  test('IOB1 starts entities with I- and allows B-x only after x', () => {
    const labels = ['O', 'I-PER', 'B-PER', 'I-LOC', 'B-LOC'];
    const m = allowedTransitions('IOB1', labels);
    const ok = (a: string, b: string) => m.transitions[at(labels, a)][at(labels, b)];
    expect(m.start).toEqual([true, true, false, true, false]);
    expect(ok('O', 'I-PER')).toBe(true);
    expect(ok('I-LOC', 'I-PER')).toBe(true);
    expect(ok('I-PER', 'B-PER')).toBe(true);
    expect(ok('B-PER', 'B-PER')).toBe(true);
    expect(ok('O', 'B-PER')).toBe(false);
    expect(ok('I-LOC', 'B-PER')).toBe(false);
    expect(m.end.every(Boolean)).toBe(true);
  });

  test('BIOES closes every entity with E- or S- before O, B- or the end', () => {
    const labels = ['O', 'B-PER', 'I-PER', 'E-PER', 'S-PER', 'B-LOC', 'E-LOC'];
    const m = allowedTransitions('BIOES', labels);
    const ok = (a: string, b: string) => m.transitions[at(labels, a)][at(labels, b)];
    expect(m.start).toEqual([true, true, false, false, true, true, false]);
    expect(m.end).toEqual([true, false, false, true, true, false, true]);
    expect(ok('B-PER', 'I-PER')).toBe(true);
    expect(ok('B-PER', 'E-PER')).toBe(true);
    expect(ok('B-PER', 'O')).toBe(false);
    expect(ok('B-PER', 'E-LOC')).toBe(false);
    expect(ok('I-PER', 'B-PER')).toBe(false);
    expect(ok('E-PER', 'B-LOC')).toBe(true);
    expect(ok('S-PER', 'S-PER')).toBe(true);
    expect(ok('O', 'I-PER')).toBe(false);
    expect(ok('O', 'E-PER')).toBe(false);
    // BIOUL is the same scheme spelled with U- and L-.
    const bioul = allowedTransitions('BIOUL', labels.map((l) => l.replace(/^E-/, 'L-').replace(/^S-/, 'U-')));
    expect(bioul).toEqual(m);
  });

  test('names the label it cannot parse and rejects unknown schemes and duplicates', () => {
    expect(() => allowedTransitions('BIO', ['O', 'E-PER'])).toThrow(/"E-PER" \(index 1\) is not valid in scheme BIO/);
    expect(() => allowedTransitions('BIO', ['O', 'PER'])).toThrow(/"PER"/);
    expect(() => allowedTransitions('BIO', ['O', 'B-'])).toThrow(/"B-"/);
    expect(() => allowedTransitions('XYZ' as 'BIO', ['O'])).toThrow(/unknown scheme "XYZ"/);
    expect(() => allowedTransitions('BIO', ['O', 'O'])).toThrow(/"O" appears twice/);
  });
});

describe('a constrained CRF', () => {
  const mask = allowedTransitions('BIO', BIO);
  const K = BIO.length;

  test('never decodes a forbidden sequence, top-1 or top-k, even when emissions push for one', async () => {
    const random = new SeededRandom(11);
    const crf = new CRF({ numTags: K, constraints: mask });
    const unconstrained = new CRF({ numTags: K });
    let invalidWithoutConstraints = 0;
    for (let trial = 0; trial < 20; trial++) {
      // Strong transitions and emissions make the unconstrained best path invalid most of the time.
      const tables = randomizeWeights(crf, random, 5);
      tf.tidy(() => {
        unconstrained.transitions.assign(tf.tensor2d(tables.transitions));
        unconstrained.startTransitions.assign(tf.tensor1d(tables.start));
        unconstrained.endTransitions.assign(tf.tensor1d(tables.end));
      });
      const p = randomProblem(random, 6, 6, K, 20);
      const emissions = tf.tensor3d(p.emissions);
      const free = await unconstrained.decode(emissions, p.mask);
      invalidWithoutConstraints += free.filter((tags) => !obeys(mask, tags)).length;
      const best = await crf.decode(emissions, p.mask);
      best.forEach((tags, b) => {
        expect(tags).toHaveLength(p.lengths[b]);
        expect(obeys(mask, tags)).toBe(true);
      });
      const topK = await crf.decode(emissions, p.mask, { topK: 4 });
      for (const row of topK) for (const path of row) expect(obeys(mask, path.tags)).toBe(true);
      emissions.dispose();
    }
    // The inputs really do tempt the model: most unconstrained decodes break a rule.
    expect(invalidWithoutConstraints).toBeGreaterThan(60);
    crf.dispose();
    unconstrained.dispose();
  });

  test('decodes the best allowed sequence and the k best allowed ones (brute force)', async () => {
    const random = new SeededRandom(12);
    const labels = ['O', 'B-PER', 'I-PER'];
    const small = allowedTransitions('BIO', labels);
    const crf = new CRF({ numTags: 3, constraints: small });
    for (let trial = 0; trial < 5; trial++) {
      const tables = randomizeWeights(crf, random, 3);
      const p = randomProblem(random, 4, 4, 3, 3);
      const ranked = brute.rankedPaths(tables, p.emissions, p.lengths, (tags) => obeys(small, tags));
      const emissions = tf.tensor3d(p.emissions);
      expect(await crf.decode(emissions, p.mask)).toEqual(ranked.map((r) => r[0].tags));
      const topK = await crf.decode(emissions, p.mask, { topK: 3 });
      topK.forEach((row, b) => {
        expect(row.map((x) => x.tags)).toEqual(ranked[b].slice(0, 3).map((x) => x.tags));
        row.forEach((x, r) => expect(x.score).toBeCloseTo(ranked[b][r].score, 4));
      });
      // Marginals are those of the distribution restricted to allowed sequences.
      const probs = tf.tidy(() => crf.marginals(emissions, p.mask).arraySync());
      const expected = brute.marginals(tables, p.emissions, p.lengths, 4, (tags) => obeys(small, tags));
      probs.forEach((row, b) => row.forEach((dist, t) => dist.forEach((v, j) => expect(v).toBeCloseTo(expected[b][t][j], 5))));
      // I-PER can never be first.
      probs.forEach((row) => expect(row[0][2]).toBe(0));
      emissions.dispose();
    }
    crf.dispose();
  });

  test('top-k stops at the number of allowed sequences', async () => {
    const labels = ['O', 'B-PER', 'I-PER'];
    const crf = new CRF({ numTags: 3, constraints: allowedTransitions('BIO', labels) });
    const emissions = tf.zeros([1, 2, 3]) as tf.Tensor3D;
    // Length 2 BIO over {O, B, I}: O O, O B, B O, B B, B I (5 of 9).
    const [row] = await crf.decode(emissions, null, { topK: 9 });
    expect(row).toHaveLength(5);
    emissions.dispose();
    crf.dispose();
  });

  test('constrainTraining puts the -1e4 penalty into the likelihood; without it training ignores the constraints', () => {
    const random = new SeededRandom(13);
    const labels = ['O', 'B-PER', 'I-PER'];
    const small = allowedTransitions('BIO', labels);
    const trained = new CRF({ numTags: 3, constraints: small, constrainTraining: true });
    const free = new CRF({ numTags: 3, constraints: small });
    const tables = randomizeWeights(trained, random);
    randomizeWeights(free, new SeededRandom(13));
    const p = randomProblem(random, 3, 4, 3);
    const penalised: brute.Tables = {
      transitions: tables.transitions.map((row, i) => row.map((v, j) => v + (small.transitions[i][j] ? 0 : -1e4))),
      start: tables.start.map((v, j) => v + (small.start[j] ? 0 : -1e4)),
      end: tables.end.map((v, j) => v + (small.end[j] ? 0 : -1e4)),
    };
    // Gold tags valid by construction (all O) so the likelihood is a normal number.
    const gold = p.tags.map((row) => row.map(() => 0));
    const emissions = tf.tensor3d(p.emissions);
    const llTrained = tf.tidy(() => trained.logLikelihood(emissions, gold, p.mask, { reduction: 'none' }).arraySync()) as number[];
    const llFree = tf.tidy(() => free.logLikelihood(emissions, gold, p.mask, { reduction: 'none' }).arraySync()) as number[];
    brute.logLikelihood(penalised, p.emissions, gold, p.lengths).forEach((v, b) => expect(llTrained[b]).toBeCloseTo(v, 4));
    brute.logLikelihood(tables, p.emissions, gold, p.lengths).forEach((v, b) => expect(llFree[b]).toBeCloseTo(v, 4));
    // An invalid gold path costs about 1e4 per forbidden transition, with finite gradients.
    const invalid = [[2, 2, 2, 2]];
    const one = tf.slice(emissions, [0, 0, 0], [1, 4, 3]) as tf.Tensor3D;
    const { value, grads } = tf.variableGrads(() => trained.logLikelihood(one, invalid) as tf.Scalar, trained.trainableVariables());
    expect(value.dataSync()[0]).toBeLessThan(-9000);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([emissions, one, value, ...Object.values(grads)]);
    trained.dispose();
    free.dispose();
  });

  test('rejects malformed constraints and constrainTraining without constraints', () => {
    expect(() => new CRF({ numTags: 3, constraints: mask })).toThrow(/transitions must be a \[3\]\[3\] boolean array/);
    const bad = { ...allowedTransitions('BIO', ['O', 'B-PER']), start: [true] };
    expect(() => new CRF({ numTags: 2, constraints: bad })).toThrow(/start must be 2 booleans/);
    const noStartEnd = { transitions: [[true, true], [true, true]], start: [true, false], end: [false, true] };
    expect(() => new CRF({ numTags: 2, constraints: noStartEnd })).toThrow(/no tag may both start and end/);
    expect(() => new CRF({ numTags: 2, constrainTraining: true })).toThrow(/constrainTraining is true but no constraints/);
  });

  test('decode names the row that has no allowed sequence', async () => {
    // Tag 0 may start and end but never follow itself, tag 1 may do nothing: length 2 is impossible.
    const impossible = { transitions: [[false, false], [false, false]], start: [true, false], end: [true, false] };
    const crf = new CRF({ numTags: 2, constraints: impossible });
    const emissions = tf.zeros([2, 2, 2]) as tf.Tensor3D;
    await expect(crf.decode(emissions, [[1, 0], [1, 1]])).rejects.toThrow(/row 1 \(length 2\) has no tag sequence/);
    await expect(crf.decode(emissions, [[1, 0], [1, 1]], { topK: 2 })).rejects.toThrow(/row 1/);
    expect(await crf.decode(emissions, [[1, 0], [1, 0]])).toEqual([[0], [0]]);
    emissions.dispose();
    crf.dispose();
  });
});
