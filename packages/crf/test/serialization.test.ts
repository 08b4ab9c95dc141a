import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createFromConfig, loadModule, saveModule, SeededRandom } from '@trimod/core';
import { allowedTransitions, CRF } from '../src';
import { randomizeWeights, randomProblem, useCpu } from './fixtures';

beforeAll(useCpu);

const labels = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'];

function expectSameWeights(a: CRF, b: CRF) {
  for (const [name, v] of Object.entries(a.namedWeights())) {
    const other = b.namedWeights()[name];
    expect(other.shape).toEqual(v.shape);
    expect(Array.from(other.dataSync())).toEqual(Array.from(v.dataSync()));
  }
}

describe('serialisation', () => {
  test('the config is plain JSON and rebuilds the same CRF through the class registry', () => {
    const crf = new CRF({ numTags: 5, constraints: allowedTransitions('BIO', labels), constrainTraining: true, seed: 42 });
    const config = JSON.parse(JSON.stringify(crf.getConfig()));
    expect(config).toEqual(crf.getConfig());
    const rebuilt = createFromConfig<CRF>('CRF', config);
    expect(rebuilt).toBeInstanceOf(CRF);
    expect(rebuilt.constraints).toEqual(crf.constraints);
    expect(rebuilt.constrainTraining).toBe(true);
    // The same seed gives the same initial weights.
    expectSameWeights(crf, rebuilt);
    expect(Object.keys(crf.namedWeights()).sort()).toEqual(['endTransitions', 'startTransitions', 'transitions']);
    crf.dispose();
    rebuilt.dispose();
  });

  test('different seeds give different initial weights', () => {
    const a = new CRF({ numTags: 3, seed: 1 });
    const b = new CRF({ numTags: 3, seed: 2 });
    expect(Array.from(a.transitions.dataSync())).not.toEqual(Array.from(b.transitions.dataSync()));
    a.dispose();
    b.dispose();
  });

  test('saveModule / loadModule round trip keeps weights, constraints and decoding', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crf-roundtrip-'));
    try {
      const random = new SeededRandom(51);
      const crf = new CRF({ numTags: 5, constraints: allowedTransitions('BIO', labels), seed: 3 });
      randomizeWeights(crf, random, 3);
      await saveModule(crf, path.join(dir, 'crf'));
      const loaded = await loadModule<CRF>(path.join(dir, 'crf'));
      expect(loaded).toBeInstanceOf(CRF);
      expect(loaded.getConfig()).toEqual(crf.getConfig());
      expectSameWeights(crf, loaded);
      const p = randomProblem(random, 4, 6, 5, 5);
      const emissions = tf.tensor3d(p.emissions);
      expect(await loaded.decode(emissions, p.mask, { topK: 3 })).toEqual(await crf.decode(emissions, p.mask, { topK: 3 }));
      emissions.dispose();
      crf.dispose();
      loaded.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a config from a file with a bad field is rejected with the field named', () => {
    expect(() => createFromConfig('CRF', { numTags: '5' })).toThrow(/CRF config: numTags must be a number/);
    expect(() => createFromConfig('CRF', { numTags: 2, constraints: [1, 2] })).toThrow(/constraints must be an object/);
    expect(() => createFromConfig('CRF', { numTags: 2, constraints: { transitions: [[true]], start: [true], end: [true] } })).toThrow(
      /transitions must be a \[2\]\[2\] boolean array/,
    );
  });
});
