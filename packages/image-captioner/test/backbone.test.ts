import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MobileNetV2Backbone } from '../src/backbone/mobilenet';
import { referenceImage } from '../src/backbone/test-image';
import type { BackboneGraph } from '../src/backbone/graph';
import { useWasm } from './helpers';

/** Written by training/captioner/scripts/extract-backbone.ts from the original tfjs-layers model of nsfwjs. */
interface Fixture {
  seed: number;
  inputSize: number;
  shape: number[];
  indices: number[];
  values: number[];
  regionMeans: number[];
}

const WEIGHTS = path.join(__dirname, '../weights/backbone');
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/backbone-reference.json'), 'utf8')) as Fixture;
let backbone: MobileNetV2Backbone;

beforeAll(async () => {
  await useWasm();
  backbone = await MobileNetV2Backbone.load(WEIGHTS);
});
afterAll(() => backbone.dispose());

describe('MobileNetV2Backbone (own tfjs-core forward pass over the shipped weights)', () => {
  it('matches the tfjs-layers sub-model up to out_relu on the reference image (float16 weights)', () => {
    const image = tf.tensor4d(referenceImage(fixture.inputSize, fixture.seed), [1, fixture.inputSize, fixture.inputSize, 3]);
    const map = backbone.featureMap(image);
    expect(map.shape).toEqual(fixture.shape);
    const got = map.dataSync();
    const d = fixture.shape[3];
    let maxDiff = 0;
    let sumDiff = 0;
    fixture.indices.forEach((idx, i) => {
      const diff = Math.abs(got[idx] - fixture.values[i]);
      maxDiff = Math.max(maxDiff, diff);
      sumDiff += diff;
    });
    // Float16 storage of the folded weights costs ~1e-2 on values up to 6 (exact in float32: 3e-5).
    expect(maxDiff).toBeLessThan(0.1);
    expect(sumDiff / fixture.indices.length).toBeLessThan(0.01);
    fixture.regionMeans.forEach((m, r) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += got[r * d + k];
      expect(Math.abs(s / d - m)).toBeLessThan(0.005);
    });
    tf.dispose([image, map]);
  });

  it('gives regions [B, R, 1280] for a batch, and leaks no tensors', () => {
    const images = tf.randomUniform([2, 96, 96, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    backbone.regions(images).dispose();
    const before = tf.memory().numTensors;
    const regions = backbone.regions(images);
    expect(regions.shape).toEqual([2, 9, 1280]); // a 96-pixel input gives a 3×3 grid (224 gives 7×7)
    regions.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });

  it('describes itself: 224 input in [0, 1], 1280-d regions, folded graph without batch norm', () => {
    expect([backbone.inputSize, backbone.inputRange, backbone.featureDim]).toEqual([224, [0, 1], 1280]);
    const ops = new Set(backbone.graph.nodes.map((n) => n.op));
    expect([...ops].sort()).toEqual(['add', 'conv', 'depthwise', 'pad']);
  });

  it('names a missing weight and a graph reading an unknown node', () => {
    const graph: BackboneGraph = {
      kind: 'mobilenet_v2', inputSize: 32, inputRange: [0, 1], outputChannels: 2, input: 'in', output: 'c',
      nodes: [{ op: 'conv', name: 'c', input: 'in', kernelShape: [1, 1, 3, 2], stride: 1, padding: 'same', activation: 'relu6' }],
    };
    expect(() => new MobileNetV2Backbone(graph, new Map(), 'test-weights')).toThrow(/test-weights: weight "c\/kernel" is missing/);
    const bad = { ...graph, nodes: [{ ...graph.nodes[0], input: 'nowhere' }] } as BackboneGraph;
    expect(() => new MobileNetV2Backbone(bad, new Map(), 'g')).toThrow(/g: node "c" reads "nowhere"/);
  });

  it('rejects images that are not [B, H, W, 3]', () => {
    const gray = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => backbone.featureMap(gray)).toThrow(/images must be \[B, H, W, 3\], got \[1, 8, 8, 1\]/);
    gray.dispose();
  });
});

describe('backbone graphs with InceptionV3 operations (pooling, concatenation, relu)', () => {
  // A two-branch block as InceptionV3 builds them: 1×3 conv | 3×3 max pool → concat → 3×3 'same' average pool.
  const graph: BackboneGraph = {
    kind: 'inception_v3', inputSize: 6, inputRange: [-1, 1], outputChannels: 5, input: 'in', output: 'avg',
    nodes: [
      { op: 'conv', name: 'c', input: 'in', kernelShape: [1, 3, 3, 2], stride: 1, padding: 'same', activation: 'relu' },
      { op: 'maxpool', name: 'mp', input: 'in', size: [3, 3], stride: 1, padding: 'same' },
      { op: 'concat', name: 'cat', inputs: ['c', 'mp'] },
      { op: 'avgpool', name: 'avg', input: 'cat', size: [3, 3], stride: 1, padding: 'same' },
    ],
  };
  const kernel = Float32Array.from({ length: 18 }, (_, i) => Math.sin(i + 1));
  const bias = Float32Array.from([0.1, -0.2]);
  const weights = new Map([
    ['c/kernel', { name: 'c/kernel', shape: [1, 3, 3, 2], values: kernel }],
    ['c/bias', { name: 'c/bias', shape: [2], values: bias }],
  ]);

  it('computes what the same tfjs ops compute one by one, and frees its intermediate maps', () => {
    const net = new MobileNetV2Backbone(graph, weights, 'tiny');
    const x = tf.randomUniform([2, 6, 6, 3], -1, 1, 'float32', 9) as tf.Tensor4D;
    const expected = tf.tidy(() => {
      const conv = tf.relu(tf.add(tf.conv2d(x, tf.tensor4d(kernel, [1, 3, 3, 2]), 1, 'same'), tf.tensor1d(bias)));
      const pooled = tf.maxPool(x, 3, 1, 'same');
      return tf.avgPool(tf.concat([conv, pooled], 3) as tf.Tensor4D, 3, 1, 'same');
    });
    const before = tf.memory().numTensors;
    const regions = net.regions(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(regions.shape).toEqual([2, 36, 5]);
    const got = regions.dataSync();
    const want = expected.dataSync();
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    // the relu conv's channels (the first two) are never negative
    expect(Math.min(...Array.from(got).filter((_, i) => i % 5 < 2))).toBeGreaterThanOrEqual(0);
    tf.dispose([x, expected, regions]);
    net.dispose();
  });

  it('names a node that reads a missing branch of a concatenation', () => {
    const bad = { ...graph, nodes: graph.nodes.map((n) => (n.op === 'concat' ? { ...n, inputs: ['c', 'nowhere'] } : n)) } as BackboneGraph;
    expect(() => new MobileNetV2Backbone(bad, weights, 'g')).toThrow(/g: node "cat" reads "nowhere"/);
  });
});
