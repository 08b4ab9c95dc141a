import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { MobileNetV2Backbone } from '../src/backbone/mobilenet';
import { stackRegions } from '../src/backbone/stack';
import { StackedBackbone } from '../src/backbone/stacked';
import { Captioner } from '../src/captioner';
import { preprocessImages } from '../src/image/preprocess';
import { CenterNetDetector } from '../src/objects/centernet';
import { tinyDecoder, useWasm } from './helpers';

const WEIGHTS = path.join(__dirname, '../weights');

beforeAll(useWasm);

/** A synthetic picture [h, w, 3]: a dark square on a light background. */
function picture(h: number, w: number): tf.Tensor3D {
  return tf.tidy(() => {
    const bg = tf.fill([h, w, 3], 220);
    const s = Math.floor(Math.min(h, w) / 2);
    const top = Math.floor((h - s) / 2);
    const left = Math.floor((w - s) / 2);
    const mask = tf.pad(tf.ones([s, s, 3]), [[top, h - s - top], [left, w - s - left], [0, 0]]);
    return tf.cast(tf.sub(bg, tf.mul(mask, 180)), 'int32') as tf.Tensor3D;
  });
}

describe('stackRegions', () => {
  it('joins grid regions, the map averaged over each cell, and the class scores (hand-computed 2×2 case)', () => {
    const grid = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [1, 4, 2]);
    const map = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    const classes = tf.tensor2d([[0.5, 0.25]]);
    const out = stackRegions(grid, map, classes);
    expect(out.shape).toEqual([1, 4, 2 + 1 + 2]);
    // Cell (0,0) averages map rows 0-1, columns 0-1: (0 + 1 + 4 + 5) / 4 = 2.5; and so on.
    expect(Array.from(out.dataSync())).toEqual([1, 2, 2.5, 0.5, 0.25, 3, 4, 4.5, 0.5, 0.25, 5, 6, 10.5, 0.5, 0.25, 7, 8, 12.5, 0.5, 0.25]);
    tf.dispose([grid, map, classes, out]);
  });

  it('pools a 16×16 map onto 7×7 with overlapping 4×4 windows every 2 cells, covering it all', () => {
    const grid = tf.zeros([2, 49, 3]) as tf.Tensor3D;
    const map = tf.tidy(() => tf.reshape(tf.range(0, 2 * 256), [2, 16, 16, 1])) as tf.Tensor4D;
    const classes = tf.zeros([2, 80]) as tf.Tensor2D;
    const out = stackRegions(grid, map, classes);
    expect(out.shape).toEqual([2, 49, 3 + 1 + 80]);
    const v = out.arraySync() as number[][][];
    const windowMean = (img: number, r0: number, c0: number) => {
      let s = 0;
      for (let r = r0; r < r0 + 4; r++) for (let c = c0; c < c0 + 4; c++) s += img * 256 + r * 16 + c;
      return s / 16;
    };
    expect(v[0][0][3]).toBeCloseTo(windowMean(0, 0, 0), 4);
    expect(v[0][48][3]).toBeCloseTo(windowMean(0, 12, 12), 4); // the last window ends at row / column 15
    expect(v[1][8][3]).toBeCloseTo(windowMean(1, 2, 2), 4);
    tf.dispose([grid, map, classes, out]);
  });

  it('refuses mismatched batches, a non-square grid and a map smaller than the grid', () => {
    const map = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const c1 = tf.zeros([1, 2]) as tf.Tensor2D;
    const g2 = tf.zeros([2, 4, 1]) as tf.Tensor3D;
    const g3 = tf.zeros([1, 3, 1]) as tf.Tensor3D;
    const g25 = tf.zeros([1, 25, 1]) as tf.Tensor3D;
    expect(() => stackRegions(g2, map, c1)).toThrow(/batch sizes differ/);
    expect(() => stackRegions(g3, map, c1)).toThrow(/do not form a square grid/);
    expect(() => stackRegions(g25, map, c1)).toThrow(/cannot be pooled onto a 5×5 grid/);
    tf.dispose([map, c1, g2, g3, g25]);
  });
});

describe('StackedBackbone (shipped MobileNetV2 + CenterNet)', () => {
  let backbone: StackedBackbone;
  beforeAll(async () => {
    const grid = await MobileNetV2Backbone.load(path.join(WEIGHTS, 'backbone'));
    const detector = await CenterNetDetector.load({ location: path.join(WEIGHTS, 'centernet') });
    backbone = new StackedBackbone(grid, detector);
  });
  afterAll(() => backbone.dispose());

  it('gives [B, 49, 1280 + 480 + 80] regions that match its parts run one image at a time, without leaking', () => {
    const pixels = [picture(60, 80), picture(90, 50)];
    backbone.regionsFromPixels(pixels).dispose(); // warm-up
    const before = tf.memory().numTensors;
    const both = backbone.regionsFromPixels(pixels);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(both.shape).toEqual([2, 49, 1840]);
    expect(backbone.featureDim).toBe(1840);
    const second = tf.tidy(() => {
      const grid = backbone.grid.regions(preprocessImages([pixels[1]], 224, backbone.grid.inputRange));
      const { map, classes } = backbone.detector.features(pixels[1]);
      return stackRegions(grid, map, classes);
    });
    const fromBatch = tf.slice(both, [1, 0, 0], [1, -1, -1]);
    expect(tf.max(tf.abs(tf.sub(fromBatch, second))).dataSync()[0]).toBeLessThan(1e-4);
    // The class scores are CenterNet heatmap maxima: probabilities.
    const scores = Array.from(tf.slice(both, [0, 0, 1760], [1, 1, 80]).dataSync());
    for (const s of scores) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    tf.dispose([...pixels, both, second, fromBatch]);
  });

  it('gives a Captioner whose detector is its own CenterNet the regions and the objects from one run of the graph', async () => {
    const detector = await CenterNetDetector.load({ location: path.join(WEIGHTS, 'centernet'), minScore: 0.01 });
    const stacked = new StackedBackbone(backbone.grid, detector);
    const decoder = tinyDecoder({ regionDim: 1840 });
    const captioner = new Captioner(stacked, decoder, { beamWidth: 1, detector, topObjects: 3 });
    const image = picture(60, 80);
    const expected = await detector.detect(image);
    expect(expected.length).toBeGreaterThan(0);
    const expectedRegions = stacked.regionsFromPixels([image]);
    await captioner.describe(image); // warm-up
    const before = tf.memory().numTensors;
    const runs = jest.spyOn(detector, 'featuresAndDetections');
    const detects = jest.spyOn(detector, 'detect');
    const features = jest.spyOn(detector, 'features');
    const out = await captioner.describe(image);
    expect(tf.memory().numTensors).toBe(before);
    expect(runs).toHaveBeenCalledTimes(1);
    expect(detects).not.toHaveBeenCalled();
    expect(features).not.toHaveBeenCalled();
    expect(out.objects.map(({ label, score, box }) => ({ label, score, box }))).toEqual(expected.slice(0, 3));
    const regions = Array.from(expectedRegions.dataSync());
    expect(Math.max(...Array.from(out.regions.values, (v, i) => Math.abs(v - regions[i])))).toBeLessThan(1e-4);
    tf.dispose([image, expectedRegions]);
    decoder.dispose();
    detector.dispose(); // not stacked.dispose(): the grid belongs to the shared backbone
  });

  it('drives a Captioner: the decoder gets the stacked regions', async () => {
    const decoder = tinyDecoder({ regionDim: 1840 });
    const captioner = new Captioner(backbone, decoder, { beamWidth: 1 });
    const image = picture(40, 40);
    const out = await captioner.describe(image, 'square');
    expect([out.regions.count, out.regions.dim]).toEqual([49, 1840]);
    expect(() => new Captioner(backbone, tinyDecoder({ regionDim: 1280 }))).toThrow(/1840-d regions but the decoder expects 1280-d/);
    image.dispose();
    decoder.dispose();
  });
});
