import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// Real (tiny) training runs of the built command into one --out folder.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const DATA = 'IMGID:1\nKawhi\tB-PER\nLeonard\tI-PER\nwins\tO\n\nIMGID:2\nThe\tO\nNBA\tB-ORG\nin\tO\nToronto\tB-LOC\n';
let dir: string;

function train(...extra: string[]) {
  const args = [bin, 'train', '--train', 'data.txt', '--dev', 'data.txt', '--embeddings', 'none', '--backend', 'wasm', '--out', 'run', ...extra];
  return spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
}
const bestModel = () => readFileSync(path.join(dir, 'run', 'model', 'model.json'), 'utf8');

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trimod-train-out-'));
  writeFileSync(path.join(dir, 'data.txt'), DATA);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trimod train into an --out that holds a run', () => {
  it('refuses without --resume or --force, leaving the best model as it was', () => {
    expect(train('--epochs', '1').status).toBe(0);
    const before = bestModel();
    const again = train('--epochs', '1', '--seed', '2');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/--out: .*run is not empty \(checkpoint, model\); a new run would replace its best model\. Add --resume .* --force/);
    expect(again.stderr).not.toMatch(/epoch 1/); // refused before training
    expect(bestModel()).toBe(before);
  });

  it('--resume continues the run; --force starts over', () => {
    const resumed = train('--epochs', '2', '--resume');
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(/resuming after epoch 1/);
    const forced = train('--epochs', '1', '--force');
    expect(forced.status).toBe(0);
    expect(forced.stderr).not.toMatch(/resuming/);
    expect(forced.stderr).toMatch(/epoch 1: loss/);
  });

  it('--resume after a crash between the two renames of a save continues from the checkpoint moved aside', () => {
    // The state a kill between "old checkpoint moved aside" and "new one moved in" leaves; the
    // pid in the name is that of a process that has exited (the crashed trainer).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    renameSync(path.join(dir, 'run', 'checkpoint'), path.join(dir, 'run', `checkpoint.bak-${dead}-c0ffee`));
    const resumed = train('--epochs', '2', '--resume');
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(/resuming after epoch 1/);
    expect(readdirSync(path.join(dir, 'run')).sort()).toEqual(['checkpoint', 'model']);
  });
});
