import { createHash } from 'node:crypto';
import * as jpeg from 'jpeg-js';
import { loadCaptioner } from '../src/captioner';
import { loadDecoder } from '../src/decoder/io';
import * as path from 'node:path';
import { useWasm } from './helpers';

beforeAll(useWasm);

/** A 64×48 JPEG: blue sky over green grass. */
function landscape(): Uint8Array {
  const w = 64;
  const h = 48;
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set(i < (w * h) / 2 ? [90, 150, 230, 255] : [60, 160, 60, 255], i * 4);
  return new Uint8Array(jpeg.encode({ data, width: w, height: h }, 90).data);
}

describe('shipped weights', () => {
  it('load into a captioner that writes a caption of vocabulary words for a JPEG', async () => {
    const captioner = await loadCaptioner({ beamWidth: 2 });
    const { caption, regions, objects } = await captioner.describe(landscape(), 'landscape.jpg');
    const words = caption.split(' ');
    expect(words.length).toBeGreaterThan(2);
    for (const w of words) expect(captioner.decoder.vocab.words).toContain(w);
    // MobileNetV2's 7×7 regions, each joined with CenterNet's features (480) and class scores (80).
    expect([regions.count, regions.dim]).toEqual([49, 1840]);
    expect(objects).toEqual([]);
    captioner.dispose();
  });

  it('record how the decoder was trained, with its dev BLEU', async () => {
    const { decoder, description } = await loadDecoder(path.join(__dirname, '../weights/decoder'));
    expect(description.backbone).toBe('mobilenetv2+centernet');
    expect(description.config.regionDim).toBe(1840);
    expect(description.vocab.length).toBe(decoder.vocab.size);
    const training = description.training as { devBleuGreedy: number[]; command: string };
    expect(training.devBleuGreedy).toHaveLength(4);
    expect(training.command).toMatch(/^npx tsx scripts\//);
    decoder.dispose();
  });

  // The shipped weights were converted from the captioner's own format to core's artifacts
  // (issue 18), copying every stored byte. These outputs were recorded with the old folders and
  // loader before the conversion: the decoder must hold the same numbers bit for bit, and the
  // caption, its log-probability and the regions must not move.
  it('give exactly the outputs recorded before their conversion to core artifacts', async () => {
    const captioner = await loadCaptioner({ beamWidth: 1 });
    const h = createHash('sha256');
    for (const [name, v] of Object.entries(captioner.decoder.namedWeights())) {
      h.update(name);
      h.update(Buffer.from((v.dataSync() as Float32Array).buffer));
    }
    expect(h.digest('hex')).toBe('a68ae9cbf56de2ac5cb7b9cc7c6a00ec3a9e975959e016e1c4771f6b7817f823');
    const d = await captioner.describe(landscape(), 'landscape.jpg');
    expect([d.caption, d.logProb]).toEqual(['a man is standing on a field', -8.336455658078194]);
    expect(d.regions.values.reduce((a, b) => a + b, 0)).toBe(-1573.2107831774338);
    captioner.dispose();
  });
});
