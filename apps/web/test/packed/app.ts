// A user's page, bundled by the test from the packed packages (browser export condition): what
// it imports is what npm users get. The test calls these functions through page.evaluate.
import { initBackend } from '@trimod/core';
import { segment, setDefaultModelLocation } from '@trimod/hashtag-segmenter';
import { toPixels } from '@trimod/image-captioner';
import { TriMod } from '@trimod/trimod';

export interface PackedEntity {
  text: string;
  type: string;
  start: number;
  end: number;
  score: number;
}

const app = {
  /** tfjs's wasm backend with its .wasm files from `wasmPaths`; resolves to the backend's name or an error message. */
  async backend(wasmPaths: string): Promise<string> {
    try {
      return (await initBackend('wasm', { wasmPaths })).backend;
    } catch (err) {
      return `error: ${(err as Error).message}`;
    }
  },

  /** PNG file bytes to RGB pixels, decoded the browser's way (pngjs is Node-only). */
  async pixels(png: number[]): Promise<{ shape: number[]; data: number[] }> {
    const t = await toPixels(new Uint8Array(png), 'test.png');
    try {
      return { shape: t.shape, data: Array.from(await t.data()) };
    } finally {
      t.dispose();
    }
  },

  /** The segmenter's shipped model, served from `modelUrl`. */
  async segment(modelUrl: string, hashtag: string): Promise<string[]> {
    setDefaultModelLocation(modelUrl);
    return segment(hashtag);
  },

  /** TriMod's bundled model (and the segmenter's lexicon), served from the given URLs. */
  async predict(modelUrl: string, segmenterUrl: string, text: string): Promise<PackedEntity[]> {
    TriMod.setBundledModelLocation(modelUrl);
    setDefaultModelLocation(segmenterUrl);
    const model = await TriMod.load();
    try {
      const [prediction] = await model.predict([{ text }]);
      return prediction.entities.map(({ text: t, type, start, end, score }) => ({ text: t, type, start, end, score }));
    } finally {
      model.dispose();
    }
  },
};

export type PackedApp = typeof app;
(globalThis as unknown as { packed: PackedApp }).packed = app;
