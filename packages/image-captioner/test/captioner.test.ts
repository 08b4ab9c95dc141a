import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Captioner, loadCaptioner } from '../src/captioner';
import type { Backbone } from '../src/backbone/types';
import { saveDecoder } from '../src/decoder/io';
import { DecoderEnsemble } from '../src/decoder/ensemble';
import { poolUnderBox, topObjects } from '../src/objects/pool';
import type { ObjectDetector } from '../src/objects/types';
import { tinyDecoder, useCpu, TINY_WORDS } from './helpers';

beforeAll(useCpu);

/** A user backbone: 2×2 average pooling of a 16-pixel image, each cell's RGB tiled to 6 channels. */
class TinyBackbone implements Backbone {
  readonly inputSize = 16;
  readonly inputRange: [number, number] = [0, 1];
  readonly featureDim = 6;
  regions(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const pooled = tf.avgPool(images, 8, 8, 'valid'); // [B, 2, 2, 3]
      const b = images.shape[0];
      return tf.reshape(tf.concat([pooled, tf.mul(pooled, 2)], 3), [b, 4, 6]);
    });
  }
}

function png(w: number, h: number, rgb: [number, number, number]): Uint8Array {
  const img = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) img.data.set([...rgb, 255], i * 4);
  return new Uint8Array(PNG.sync.write(img));
}

describe('Captioner', () => {
  it('describes images: a caption from the vocabulary, regions [R, D], no objects without a detector', async () => {
    const captioner = new Captioner(new TinyBackbone(), tinyDecoder({ seed: 8 }), { beamWidth: 2 });
    const out = await captioner.describe(png(20, 12, [255, 0, 0]), 'red.png');
    expect(typeof out.caption).toBe('string');
    for (const w of out.caption.split(' ').filter((x) => x)) expect(TINY_WORDS).toContain(w);
    expect(out.regions.count).toBe(4);
    expect(out.regions.dim).toBe(6);
    expect(out.regions.values[0]).toBeCloseTo(1, 5); // red channel of the top-left cell, scaled to [0, 1]
    expect(out.regions.values[3]).toBeCloseTo(2, 5);
    expect(out.objects).toEqual([]);
    captioner.dispose();
  });

  it('keeps the top-k detections with features pooled under their boxes', async () => {
    const detector: ObjectDetector = {
      detect: async () => [
        { label: 'dog', score: 0.5, box: [0, 0, 0.5, 0.5] },
        { label: 'man', score: 0.9, box: [0, 0, 1, 1] },
        { label: 'grass', score: 0.1, box: [0.5, 0.5, 0.5, 0.5] },
      ],
    };
    const captioner = new Captioner(new TinyBackbone(), tinyDecoder(), { beamWidth: 1, detector, topObjects: 2 });
    const [a] = await captioner.describeAll([png(16, 16, [0, 255, 0])]);
    expect(a.objects.map((o) => [o.label, o.score])).toEqual([
      ['man', 0.9],
      ['dog', 0.5],
    ]);
    expect(Array.from(a.objects[1].feature)).toEqual(Array.from(a.regions.values.subarray(0, 6)));
    captioner.dispose();
  });

  it('names a corrupt image among several and refuses a backbone / decoder size mismatch', async () => {
    const captioner = new Captioner(new TinyBackbone(), tinyDecoder());
    const before = tf.memory().numTensors;
    await expect(captioner.describeAll([png(4, 4, [1, 2, 3]), new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x01])], ['ok.png', 'bad.jpg'])).rejects.toThrow(/image bad\.jpg: corrupt JPEG/);
    expect(tf.memory().numTensors).toBe(before);
    captioner.dispose();
    expect(() => new Captioner(new TinyBackbone(), tinyDecoder({ regionDim: 5 }))).toThrow(/backbone gives 6-d regions but the decoder expects 5-d/);
  });

  it('leaks no tensors across repeated describe() calls', async () => {
    const captioner = new Captioner(new TinyBackbone(), tinyDecoder(), { beamWidth: 3 });
    const image = png(16, 16, [10, 20, 30]);
    await captioner.describe(image);
    const before = tf.memory().numTensors;
    await captioner.describe(image);
    await captioner.describe(image);
    expect(tf.memory().numTensors).toBe(before);
    captioner.dispose();
  });

  it("decodes with the beam width the decoder's model.json recommends unless the user chooses one", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'captioner-decoding-'));
    const decoder = tinyDecoder();
    await saveDecoder(decoder, path.join(root, 'decoder'), { decoding: { beamWidth: 1 } });
    const recommended = await loadCaptioner({ weights: root, backbone: new TinyBackbone() });
    expect(recommended.options.beamWidth).toBe(1);
    const chosen = await loadCaptioner({ weights: root, backbone: new TinyBackbone(), beamWidth: 4 });
    expect(chosen.options.beamWidth).toBe(4);
    // The recommended captioner captions like a greedy one.
    const image = png(16, 16, [200, 100, 0]);
    const greedy = new Captioner(new TinyBackbone(), tinyDecoder(), { beamWidth: 1 });
    expect((await recommended.describe(image)).caption).toBe((await greedy.describe(image)).caption);
    await saveDecoder(decoder, path.join(root, 'decoder'));
    const plain = await loadCaptioner({ weights: root, backbone: new TinyBackbone() });
    expect(plain.options.beamWidth).toBeUndefined(); // the Captioner's own default, beam 3
    const bad = JSON.parse(fs.readFileSync(path.join(root, 'decoder', 'model.json'), 'utf8'));
    bad.config.decoding = { beamWidth: 0 };
    fs.writeFileSync(path.join(root, 'decoder', 'model.json'), JSON.stringify(bad));
    await expect(loadCaptioner({ weights: root, backbone: new TinyBackbone() })).rejects.toThrow(/model\.json's decoding\.beamWidth must be a positive integer, got 0/);
    [recommended, chosen, greedy, plain].forEach((c) => c.dispose());
    decoder.dispose();
    fs.rmSync(root, { recursive: true });
  });
  it("loads the decoders a model.json lists as its ensemble and captions with their mean distribution", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'captioner-ensemble-'));
    const first = tinyDecoder({ seed: 8 });
    const second = tinyDecoder({ seed: 9, hiddenDim: 5 });
    await saveDecoder(first, path.join(root, 'decoder'), { ensemble: ['../decoder-2'], backbone: 'mobilenetv2+centernet' });
    await saveDecoder(second, path.join(root, 'decoder-2'), { backbone: 'mobilenetv2+centernet' });
    const before = tf.memory().numTensors;
    const loaded = await loadCaptioner({ weights: root, backbone: new TinyBackbone(), beamWidth: 2 });
    expect(loaded.captionModel).toBeInstanceOf(DecoderEnsemble);
    expect((loaded.captionModel as DecoderEnsemble).members.map((m) => m.config.hiddenDim)).toEqual([8, 5]);
    expect(loaded.decoder.config.hiddenDim).toBe(8); // the folder's own decoder, for VisualEncoder
    const byHand = new Captioner(new TinyBackbone(), new DecoderEnsemble([tinyDecoder({ seed: 8 }), tinyDecoder({ seed: 9, hiddenDim: 5 })]), { beamWidth: 2 });
    const images = [png(16, 16, [200, 100, 0]), png(16, 16, [0, 40, 250])];
    const got = await loaded.describeAll(images);
    const want = await byHand.describeAll(images);
    expect(got.map((d) => d.caption)).toEqual(want.map((d) => d.caption));
    got.forEach((d, i) => expect(d.logProb).toBeCloseTo(want[i].logProb, 2)); // saved as float16
    loaded.dispose();
    byHand.dispose();
    expect(tf.memory().numTensors).toBe(before); // every member's weights freed
    // A member trained on other regions is refused, naming it.
    await saveDecoder(second, path.join(root, 'decoder-2'), { backbone: 'mobilenetv2' });
    await expect(loadCaptioner({ weights: root, backbone: new TinyBackbone() })).rejects.toThrow(/ensemble member \.\.\/decoder-2 was trained on mobilenetv2 regions/);
    expect(tf.memory().numTensors).toBe(before);
    [first, second].forEach((d) => d.dispose());
    fs.rmSync(root, { recursive: true });
  });
});

describe('object pooling', () => {
  const grid = { values: Float32Array.from([1, 10, 2, 20, 3, 30, 4, 40]), count: 4, dim: 2 }; // 2×2 grid, D = 2

  it('averages the cells a box covers, and uses the centre cell for a tiny box', () => {
    expect(Array.from(poolUnderBox(grid, [0, 0, 1, 1]))).toEqual([2.5, 25]);
    expect(Array.from(poolUnderBox(grid, [0, 0, 1, 0.5]))).toEqual([1.5, 15]);
    expect(Array.from(poolUnderBox(grid, [0.7, 0.7, 0.01, 0.01]))).toEqual([4, 40]);
  });

  it('ranks by score and keeps k', () => {
    const dets = [
      { label: 'a', score: 0.2, box: [0, 0, 1, 1] as [number, number, number, number] },
      { label: 'b', score: 0.7, box: [0, 0, 0.5, 0.5] as [number, number, number, number] },
    ];
    expect(topObjects(dets, grid, 1).map((o) => o.label)).toEqual(['b']);
    expect(topObjects(dets, grid, 5).map((o) => o.label)).toEqual(['b', 'a']);
    expect(() => poolUnderBox({ values: new Float32Array(6), count: 3, dim: 2 }, [0, 0, 1, 1])).toThrow(/3 regions do not form a square grid/);
  });
});
