import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
// The switch is not part of @trimod/text-encoder's public surface; its source is the module jest maps @trimod/text-encoder to.
import { setSkipPadding } from '../../text-encoder/src/gru/bi-gru';
import { trainBothWays, trainedWeights } from './tiny-training';

// Training projects the Bi-GRUs' inputs at real positions only (padded posts of a batch, padded
// tokens' characters): the run must be the one that projects every position, to the bit —
// losses, dev F1 and every weight, dropout included.
describe('training with the Bi-GRU projections over real positions only', () => {
  let root = '';
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(path.join(tmpdir(), 'trimod-skip-padding-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains exactly as projecting every position does', async () => {
    const { off: every, on: skipped } = await trainBothWays(setSkipPadding, root);
    expect(skipped.state.history.map((h) => [h.loss, h.devF1])).toEqual(every.state.history.map((h) => [h.loss, h.devF1]));
    expect(trainedWeights(skipped)).toEqual(trainedWeights(every));
    expect(every.state.history[2].loss).toBeLessThan(every.state.history[0].loss);
    for (const r of [every, skipped]) r.model.dispose();
  });
});
