import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend } from '@trimod/core';
import { buildVocabularies, TextEncoder } from '@trimod/text-encoder';
import { labelsOf, parseTwitterNer, recoverRun, resumeTrain, train, TriMod, type TrainEvent } from '../src';

// A tiny data set in the Twitter format, written for this test.
const posts = parseTwitterNer(
  ['IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\nin\tO\nToronto\tB-LOC', 'IMGID:2\nThe\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC'].join('\n\n'),
  'fixture.txt',
);

function tiny(): TriMod {
  const { words, chars } = buildVocabularies(posts.map((p) => p.tokens));
  const text = new TextEncoder({ wordVocabulary: words, charVocabulary: chars, wordDim: 4, charDim: 3, charHidden: 2, wordHidden: 3, shapeDim: 2, seed: 2 });
  return TriMod.create({ labels: labelsOf(posts), text, fusion: { outputDim: 4, attentionDim: 2 }, seed: 2 });
}

/** The pid of a process that has exited: the crashed trainer that owned the leftovers. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('resuming after a crash inside an atomic save', () => {
  it('puts the checkpoint that was moved aside back and continues from it', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-crash-')), 'run');
    const common = { train: posts, dev: posts, outDir, batchSize: 2, learningRate: 0.05, seed: 3 };
    const first = await train(tiny(), { ...common, epochs: 1 });
    first.model.dispose();

    // The state a kill between the save's two renames leaves: the previous checkpoint moved
    // aside to checkpoint.bak-<pid>-<hex>, the new one still in checkpoint.tmp-<pid>-<hex>, half
    // written, and no checkpoint/ at all.
    const pid = deadPid();
    renameSync(path.join(outDir, 'checkpoint'), path.join(outDir, `checkpoint.bak-${pid}-0a1b2c`));
    mkdirSync(path.join(outDir, `checkpoint.tmp-${pid}-3d4e5f`));
    writeFileSync(path.join(outDir, `checkpoint.tmp-${pid}-3d4e5f`, 'model.json'), '{"half":');

    const events: TrainEvent[] = [];
    const resumed = await resumeTrain({ ...common, epochs: 2, onEvent: (e) => events.push(e) });
    expect(events.find((e) => e.kind === 'resume')).toMatchObject({ epoch: 1 });
    expect(resumed.state.history.map((h) => h.epoch)).toEqual([0, 1]);
    resumed.model.dispose();
    expect(readdirSync(outDir).sort()).toEqual(['checkpoint', 'model']);
    rmSync(path.dirname(outDir), { recursive: true, force: true });
  });

  it('recoverRun says whether a checkpoint is there once repaired', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'trimod-crash-')), 'run');
    expect(await recoverRun(outDir)).toBe(false);
    const first = await train(tiny(), { train: posts, dev: posts, outDir, batchSize: 2, epochs: 1 });
    first.model.dispose();
    renameSync(path.join(outDir, 'checkpoint'), path.join(outDir, `checkpoint.bak-${deadPid()}-99aa`));
    expect(existsSync(path.join(outDir, 'checkpoint'))).toBe(false);
    expect(await recoverRun(outDir)).toBe(true);
    rmSync(path.dirname(outDir), { recursive: true, force: true });
  });
});
