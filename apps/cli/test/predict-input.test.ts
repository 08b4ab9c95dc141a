import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { initBackend } from '@trimod/core';
import { loadCaptioner } from '@trimod/image-captioner';
import { tinyTagger } from './helpers/tiny-tagger';

// `trimod predict` reading its post from stdin, and an image captioned by the model's pipeline.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'trimod-predict-input-'));
const image = path.join(dir, 'red.png');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [bin, 'predict', '--backend', 'wasm', ...args], { cwd: dir, input, encoding: 'utf8', timeout: 60_000 });

function save(name: string, captionMatchDim: number): Promise<void> {
  const model = tinyTagger([['Kawhi', 'Leonard', 'in', 'Toronto', 'red']], ['O', 'B-PER', 'I-PER'], { captionMatchDim, seed: 4 });
  return model.save(path.join(dir, name)).finally(() => model.dispose());
}

beforeAll(async () => {
  await initBackend('wasm');
  const png = new PNG({ width: 32, height: 32 });
  for (let i = 0; i < 32 * 32; i++) png.data.set([230, 30, 30, 255], i * 4);
  writeFileSync(image, PNG.sync.write(png));
  await save('reader', 3);
  await save('text-only', 0);
});

describe('trimod predict', () => {
  it('- reads the post from stdin', () => {
    const text = 'Kawhi Leonard in Toronto';
    const fromArgs = run(['--model', 'reader', '--json', text]);
    const fromStdin = run(['--model', 'reader', '--json', '-'], `${text}\n`);
    expect(fromStdin.status).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual(JSON.parse(fromArgs.stdout));
    expect(JSON.parse(fromStdin.stdout).text).toBe(text);
  });

  it('--image is captioned once by the bundled captioner for a model that reads captions', async () => {
    const r = run(['--model', 'reader', '--json', '--image', image, 'Kawhi in Toronto']);
    expect(r.status).toBe(0);
    const captioner = await loadCaptioner();
    const { caption } = await captioner.describe(image);
    captioner.dispose();
    expect(JSON.parse(r.stdout).caption).toBe(caption);
  });

  it('--image is ignored, with a note, by a model that reads no captions', () => {
    const r = run(['--model', 'text-only', '--json', '--image', image, 'Kawhi in Toronto']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/this model reads neither images nor captions; --image is ignored/);
    expect(JSON.parse(r.stdout).caption).toBeNull();
  });
});
