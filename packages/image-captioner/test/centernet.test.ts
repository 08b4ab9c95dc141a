import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { CenterNetDetector, lazyCenterNet } from '../src/objects/centernet';
import { COCO_LABELS } from '../src/objects/coco-labels';
import { useWasm } from './helpers';

const LOCATION = path.join(__dirname, '../weights/centernet');

beforeAll(useWasm);

describe('CenterNetDetector (shipped COCO model, tfjs-converter loaded on demand)', () => {
  it('returns detections best first, with COCO labels and boxes in [0, 1], without leaking tensors', async () => {
    const detector = await CenterNetDetector.load({ location: LOCATION, minScore: 0.05 });
    // A synthetic picture: a dark square on a light background.
    const pixels = tf.tidy(() => {
      const bg = tf.fill([96, 128, 3], 220);
      const mask = tf.pad(tf.ones([40, 40, 3]), [[28, 28], [44, 44], [0, 0]]);
      return tf.cast(tf.sub(bg, tf.mul(mask, 180)), 'int32') as tf.Tensor3D;
    });
    await detector.detect(pixels);
    const before = tf.memory().numTensors;
    const found = await detector.detect(pixels);
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 1; i < found.length; i++) expect(found[i - 1].score).toBeGreaterThanOrEqual(found[i].score);
    for (const d of found) {
      expect(COCO_LABELS).toContain(d.label);
      for (const v of d.box) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    pixels.dispose();
    detector.dispose();
  });

  it('explains how to install tfjs-converter when it is missing, on first use only', async () => {
    const importConverter = () => Promise.reject(new Error("Cannot find module '@tensorflow/tfjs-converter'"));
    await expect(CenterNetDetector.load({ location: LOCATION, importConverter })).rejects.toThrow(/npm install @tensorflow\/tfjs-converter@4\.22\.0/);
    const lazy = lazyCenterNet({ location: LOCATION, importConverter });
    const pixels = tf.zeros([8, 8, 3], 'int32') as tf.Tensor3D;
    await expect(lazy.detect(pixels)).rejects.toThrow(/needs @tensorflow\/tfjs-converter/);
    pixels.dispose();
  });

  it('has the 80 COCO classes, person first', () => {
    expect(COCO_LABELS).toHaveLength(80);
    expect([COCO_LABELS[0], COCO_LABELS[16], COCO_LABELS[79]]).toEqual(['person', 'dog', 'toothbrush']);
  });
});
