import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
// The switch is not part of @trimod/fusion's public surface; its source is the module jest maps @trimod/fusion to.
import { setFirstModalityFastPath } from '../../fusion/src/fusion';
import { tinyTextModel, trainBothWays, trainedWeights } from './tiny-training';

// Training a text-only model takes fusion's first-modality path under the gradient tape (the
// score layers skipped, their gradients exact zeros): the run must be the full path's to the bit,
// losses, dev F1 and every weight, dropout included.
describe('training through fusion’s first-modality path', () => {
  let root = '';
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(path.join(tmpdir(), 'trimod-fusion-fast-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('trains exactly as the full softmax path does', async () => {
    const { off: full, on: fast } = await trainBothWays(setFirstModalityFastPath, root);
    expect(fast.state.history.map((h) => [h.loss, h.devF1])).toEqual(full.state.history.map((h) => [h.loss, h.devF1]));
    expect(trainedWeights(fast)).toEqual(trainedWeights(full));
    // The runs learn, and the score layers did not move from their start (zero gradients).
    expect(full.state.history[2].loss).toBeLessThan(full.state.history[0].loss);
    const start = Object.fromEntries(Object.entries(tinyTextModel().namedWeights()).map(([name, t]) => [name, Array.from(t.dataSync())]));
    const scores = trainedWeights(fast).filter(([name]) => /score/.test(name));
    expect(scores.length).toBeGreaterThan(0);
    for (const [name, values] of scores) expect(values).toEqual(start[name].map((v) => v + 0));
    for (const r of [full, fast]) r.model.dispose();
  });
});
