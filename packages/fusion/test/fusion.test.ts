import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createFromConfig, SeededRandom } from '@trimod/core';
import { ModalityFusion } from '../src';

const rng = new SeededRandom(3);
const rand = (shape: number[]): tf.Tensor3D => tf.tensor3d(rng.normalArray(shape.reduce((a, b) => a * b, 1), 1), shape as [number, number, number]);

function inputs(B = 2, T = 4, N = 3) {
  const text = { features: rand([B, T, 6]), mask: tf.tensor2d([[1, 1, 1, 0], [1, 1, 0, 0]]) };
  const hashtag = { features: rand([B, T, 5]), mask: tf.tensor2d([[0, 1, 0, 0], [0, 0, 0, 0]]) };
  // Post 0 has an image (2 regions), post 1 has none.
  const visual = { features: rand([B, N, 7]), mask: tf.tensor2d([[1, 1, 0], [0, 0, 0]]) };
  return { text, hashtag, visual };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['attention', 'gated-attention', 'concat'] as const)('ModalityFusion (%s)', (kind) => {
  const make = () => new ModalityFusion({ kind, textDim: 6, hashtagDim: 5, visualDim: 7, outputDim: 8, attentionDim: 4, seed: 9 });

  it('returns [B, T, D] features and [B, T, 3] weights that are 0 for missing modalities and sum to 1 on real tokens', async () => {
    const f = make();
    const x = inputs();
    const out = f.apply(x);
    expect(out.fused.features.shape).toEqual([2, 4, 8]);
    expect(out.weights.shape).toEqual([2, 4, 3]);
    const w = (await out.weights.array()) as number[][][];
    const mask = [[1, 1, 1, 0], [1, 1, 0, 0]];
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 4; t++) {
        const sum = w[b][t][0] + w[b][t][1] + w[b][t][2];
        if (mask[b][t]) expect(sum).toBeCloseTo(1, 5);
        else expect(sum).toBeCloseTo(0, 6);
      }
    }
    // Hashtag weight only on post 0, token 1; visual weight only where post 0 has an image.
    expect(w[0][0][1]).toBe(0);
    expect(w[0][1][1]).toBeGreaterThan(0);
    expect(w[1].map((r) => r[2])).toEqual([0, 0, 0, 0]);
    expect(w[0][0][2]).toBeGreaterThan(0);
    // Padding rows are zero.
    const fused = (await out.fused.features.array()) as number[][][];
    expect(fused[0][3].every((v) => v === 0)).toBe(true);
    if (kind === 'gated-attention') expect(out.relevance!.shape).toEqual([2]);
    tf.dispose(out as never);
    f.dispose();
  });

  it('fuses text alone when the other modalities are absent', () => {
    const f = make();
    const x = inputs();
    const out = f.apply({ text: x.text });
    const w = out.weights.arraySync() as number[][][];
    expect(w[0][0]).toEqual([1, 0, 0]);
    tf.dispose(out as never);
    f.dispose();
  });

  it('sends gradients to every variable it uses', () => {
    const f = make();
    const x = inputs();
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(f.apply(x).fused.features)) as tf.Scalar, f.trainableVariables());
    for (const [name, g] of Object.entries(grads)) {
      expect({ name, nonzero: tf.max(tf.abs(g)).dataSync()[0] > 0 }).toEqual({ name, nonzero: true });
    }
    tf.dispose([value, ...Object.values(grads)]);
    f.dispose();
  });

  it('leaks no tensors across repeated calls', () => {
    const f = make();
    const x = inputs();
    tf.dispose(f.apply(x) as never);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(f.apply(x) as never);
    expect(tf.memory().numTensors).toBe(before);
    f.dispose();
  });

  it('is rebuilt from its config with the same weights layout', () => {
    const f = make();
    const g = createFromConfig<ModalityFusion>('ModalityFusion', f.getConfig());
    const shapes = (m: ModalityFusion) => Object.fromEntries(Object.entries(m.namedWeights()).map(([k, v]) => [k, v.shape]));
    expect(shapes(g)).toEqual(shapes(f));
    f.dispose();
    g.dispose();
  });
});

describe('ModalityFusion errors', () => {
  it('rejects a bad kind and mismatched shapes', () => {
    expect(() => new ModalityFusion({ kind: 'sum' as never, textDim: 4 })).toThrow(/unknown kind "sum"/);
    const f = new ModalityFusion({ textDim: 6, hashtagDim: 5, outputDim: 4, attentionDim: 2 });
    const x = inputs();
    const bad = { features: rand([2, 3, 5]), mask: tf.ones([2, 3]) as tf.Tensor2D };
    expect(() => f.apply({ text: x.text, hashtag: bad })).toThrow(/hashtag features are \[2, 3, …\] but text is \[2, 4, …\]/);
    f.dispose();
  });
});

describe('ModalityFusion with modalities as a list', () => {
  // Four modalities, two of each kind, in an order of their own: nothing assumes three.
  const modalities = [
    { name: 'text', dim: 6, kind: 'token' as const },
    { name: 'objects', dim: 7, kind: 'set' as const },
    { name: 'hashtag', dim: 5, kind: 'token' as const },
    { name: 'emoji', dim: 3, kind: 'token' as const },
  ];

  it.each(['attention', 'gated-attention', 'concat'] as const)('%s: weights [B, T, M] in the list order, 0 for a modality left out, names and weights in the config', async (kind) => {
    const f = new ModalityFusion({ kind, modalities, outputDim: 8, attentionDim: 4, seed: 2 });
    expect(f.modalities).toEqual(['text', 'objects', 'hashtag', 'emoji']);
    const x = inputs();
    const emoji = { features: rand([2, 4, 3]), mask: tf.tensor2d([[1, 0, 0, 0], [0, 1, 0, 0]]) };
    const out = f.apply({ text: x.text, objects: x.visual, emoji });
    expect(out.weights.shape).toEqual([2, 4, 4]);
    const w = (await out.weights.array()) as number[][][];
    expect(w.flat().map((r) => r[2])).toEqual(new Array(8).fill(0)); // hashtag: not given
    expect(w[0][0][3]).toBeGreaterThan(0); // emoji on post 0, token 0
    expect(w[0][1][3]).toBe(0);
    expect(w[1][0][1]).toBe(0); // post 1 has no objects
    expect(w[0][0][0] + w[0][0][1] + w[0][0][2] + w[0][0][3]).toBeCloseTo(1, 5);
    expect(Object.keys(f.namedWeights())).toEqual(expect.arrayContaining(['proj/emoji/kernel', 'objectsAttention/query/kernel']));
    const again = createFromConfig<ModalityFusion>('ModalityFusion', f.getConfig());
    expect(again.modalities).toEqual(f.modalities);
    tf.dispose(out as never);
    f.dispose();
    again.dispose();
  });

  it('a config saved before modalities were a list keeps its three slots and weight names', () => {
    const f = new ModalityFusion({ textDim: 6, visualDim: 7, outputDim: 4, attentionDim: 2 });
    expect(f.modalities).toEqual(['text', 'hashtag', 'visual']);
    expect(Object.keys(f.namedWeights()).sort()).toEqual(
      ['proj/text/kernel', 'proj/text/bias', 'proj/visual/kernel', 'proj/visual/bias', 'visualAttention/query/kernel', 'visualAttention/key/kernel', 'score/text/kernel', 'score/text/bias', 'score/visual/kernel', 'score/visual/bias', 'score/u'].sort(),
    );
    f.dispose();
  });

  it('names what is wrong with a list', () => {
    const make = (m: unknown) => () => new ModalityFusion({ modalities: m as never });
    expect(make([])).toThrow('modalities must be a non-empty list');
    expect(make([{ name: 'text', dim: 4, kind: 'token' }, { name: 'text', dim: 2, kind: 'token' }])).toThrow('modality "text" is listed twice');
    expect(make([{ name: 'img', dim: 4, kind: 'set' }])).toThrow('the first modality ("img") must be a token modality');
    expect(make([{ name: 'text', dim: 4, kind: 'token' }, { name: 'x', dim: 2, kind: 'bag' }])).toThrow('modality "x" has kind "bag" (token, set or joined)');
    const f = new ModalityFusion({ modalities: [{ name: 'text', dim: 6, kind: 'token' }], outputDim: 4, attentionDim: 2 });
    expect(() => f.apply({ text: inputs().text, hashtag: inputs().hashtag })).toThrow('no modality "hashtag" (this fusion has text)');
    f.dispose();
  });
});
