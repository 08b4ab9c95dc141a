import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactError, loadArtifact, recoverInterruptedSave, saveArtifact, type SaveStep } from '../src/artifacts';

/*
 * Atomic replace: at every step of a save, `dir` (after recovery) holds the complete old model or
 * the complete new one. A crash is simulated by copying the whole parent folder at a step (the
 * disk as a killed process would leave it); a failure by throwing from the step hook.
 */

let root: string;
let n = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'trimod-artifact-atomic-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh parent folder per test, so leftovers of one test cannot satisfy another. */
async function freshParent(): Promise<string> {
  const p = join(root, `p${++n}`);
  await mkdir(p);
  return p;
}

/** Saves version `v` of a two-shard model: every value equals v. */
async function saveVersion(dir: string, v: number, opts: Parameters<typeof saveArtifact>[2] = {}): Promise<void> {
  const w = tf.fill([4, 4], v);
  try {
    await saveArtifact(dir, { className: 'X', config: { version: v }, weights: { w } }, { shardBytes: 40, ...opts });
  } finally {
    w.dispose();
  }
}

/** The version `dir` holds, after checking that every weight value agrees with it. */
async function versionAt(dir: string): Promise<number> {
  const loaded = await loadArtifact(dir, { expected: { w: { shape: [4, 4], dtype: 'float32' } } });
  const values = Array.from(loaded.weights.w.dataSync());
  loaded.weights.w.dispose();
  const v = loaded.config.version as number;
  expect(values).toEqual(new Array(16).fill(v));
  return v;
}

describe('atomic save', () => {
  it('replaces an existing model and leaves no temporary or backup folder', async () => {
    const parent = await freshParent();
    const dir = join(parent, 'model');
    await saveVersion(dir, 1);
    expect(await versionAt(dir)).toBe(1);
    await saveVersion(dir, 2);
    expect(await versionAt(dir)).toBe(2);
    expect(await readdir(parent)).toEqual(['model']);
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
  });

  it('creates missing parent folders', async () => {
    const dir = join(await freshParent(), 'a', 'b', 'model');
    await saveVersion(dir, 3);
    expect(await versionAt(dir)).toBe(3);
  });

  it.each<SaveStep>(['files-written', 'old-moved-aside'])('a failure after "%s" keeps the old model and cleans up', async (failAt) => {
    const parent = await freshParent();
    const dir = join(parent, 'model');
    await saveVersion(dir, 1);
    const steps: SaveStep[] = [];
    const failing = saveVersion(dir, 2, {
      onStep: (s) => {
        steps.push(s);
        if (s === failAt) throw new Error(`disk full at ${s}`);
      },
    });
    await expect(failing).rejects.toThrow(new RegExp(`saving .*model failed, the previous model \\(if any\\) is kept: disk full at ${failAt}`));
    await expect(failing).rejects.toBeInstanceOf(ArtifactError);
    expect(steps[steps.length - 1]).toBe(failAt);
    expect(await versionAt(dir)).toBe(1);
    expect(await readdir(parent)).toEqual(['model']);
  });

  it('a failure of the very first save leaves nothing behind', async () => {
    const parent = await freshParent();
    const dir = join(parent, 'model');
    await expect(
      saveVersion(dir, 1, {
        onStep: () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow(/boom/);
    expect(await readdir(parent)).toEqual([]);
  });

  it('a crash at any step leaves the old or the new complete model, restored by recovery', async () => {
    const parent = await freshParent();
    const dir = join(parent, 'model');
    await saveVersion(dir, 1);
    const snapshots: Array<{ step: SaveStep; dir: string; names: string[] }> = [];
    await saveVersion(dir, 2, {
      onStep: async (step) => {
        const copy = join(root, `crash-${n}-${step}`);
        await cp(parent, copy, { recursive: true });
        snapshots.push({ step, dir: join(copy, 'model'), names: (await readdir(copy)).sort() });
      },
    });
    expect(snapshots.map((s) => s.step)).toEqual(['files-written', 'old-moved-aside', 'new-in-place']);
    expect(await versionAt(dir)).toBe(2);

    // What each crash leaves on disk before recovery.
    expect(snapshots[0].names).toEqual(['model', expect.stringMatching(/^model\.tmp-\d+-[0-9a-f]+$/)]);
    expect(snapshots[1].names).toEqual([expect.stringMatching(/^model\.bak-\d+-[0-9a-f]+$/), expect.stringMatching(/^model\.tmp-\d+-[0-9a-f]+$/)]);
    expect(snapshots[2].names).toEqual(['model', expect.stringMatching(/^model\.bak-\d+-[0-9a-f]+$/)]);

    // Between the two renames `dir` is gone; loading says where the old model is.
    await expect(loadArtifact(snapshots[1].dir)).rejects.toThrow(/model\.json not found; an interrupted save left the previous model at .*model\.bak-/);

    // The crashed process is dead: recovery may clean up after it.
    const dead = { isProcessAlive: () => false };
    const versions: number[] = [];
    for (const s of snapshots) {
      const report = await recoverInterruptedSave(s.dir, dead);
      expect(report.restored !== undefined).toBe(s.step === 'old-moved-aside');
      versions.push(await versionAt(s.dir));
      expect(await readdir(join(s.dir, '..'))).toEqual(['model']);
    }
    expect(versions).toEqual([1, 1, 2]);
  });

  it('recovery leaves the folders of a save that is still running alone', async () => {
    const parent = await freshParent();
    const dir = join(parent, 'model');
    await saveVersion(dir, 1);
    let snapshot = '';
    await saveVersion(dir, 2, {
      onStep: async (step) => {
        if (step !== 'old-moved-aside') return;
        snapshot = join(root, `live-${n}`);
        await cp(parent, snapshot, { recursive: true });
      },
    });
    const before = (await readdir(snapshot)).sort();
    const report = await recoverInterruptedSave(join(snapshot, 'model'), { isProcessAlive: () => true });
    expect(report).toEqual({ removed: [] });
    expect((await readdir(snapshot)).sort()).toEqual(before);
  });

  it('the next save repairs a crash left by a dead process', async () => {
    const parent = await freshParent();
    const dir = join(parent, 'model');
    await saveVersion(dir, 1);
    // Fake what a process with a pid that cannot exist left between its two renames.
    const deadPid = 2 ** 22 + 12345;
    await cp(dir, join(parent, `model.bak-${deadPid}-abc123`), { recursive: true });
    await cp(dir, join(parent, `model.tmp-${deadPid}-abc123`), { recursive: true });
    await rm(dir, { recursive: true });
    await saveVersion(dir, 2);
    expect(await versionAt(dir)).toBe(2);
    expect(await readdir(parent)).toEqual(['model']);
  });

  it('refuses to replace a folder that is not a model', async () => {
    const parent = await freshParent();
    const dir = join(parent, 'notes');
    await mkdir(dir);
    await writeFile(join(dir, 'todo.txt'), 'keep me');
    await expect(saveVersion(dir, 1)).rejects.toThrow(/refusing to replace .*notes: it exists and is not a model folder/);
    expect(await readFile(join(dir, 'todo.txt'), 'utf8')).toBe('keep me');
    expect(await readdir(parent)).toEqual(['notes']);
  });

  it('does not leak tensors when saves fail', async () => {
    const dir = join(await freshParent(), 'model');
    await saveVersion(dir, 1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await expect(
        saveVersion(dir, 2, {
          onStep: () => {
            throw new Error('x');
          },
        }),
      ).rejects.toThrow();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
