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
});
