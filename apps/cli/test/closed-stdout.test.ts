import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');

describe('a closed stdout (trimod … | head -1)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trimod-epipe-'));
    // Many batches of output: head exits after the first line, the later batches hit a closed pipe.
    writeFileSync(path.join(dir, 'many.txt'), Array.from({ length: 12000 }, (_, i) => `#NBAFinals${i}`).join('\n') + '\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('segment stops quietly with status 0 and no stack trace', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" segment < many.txt | head -1; echo "status \${PIPESTATUS[0]}" >&2`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stdout).toBe('NBA Finals 0\n');
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.stderr).toMatch(/status 0/);
  });
});
