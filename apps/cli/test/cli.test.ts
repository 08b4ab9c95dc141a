import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// These tests run the built binary the way a user does, from an unrelated working directory,
// so they also prove the wasm files are found from the package and not from the cwd.
const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');
const cwd = mkdtempSync(path.join(tmpdir(), 'trimod-cli-'));
const run = (...args: string[]) => execFileSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });

describe('trimod CLI', () => {
  it('prints its version from package.json', () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(run('--version').trim()).toBe(version);
  });

  it('lists doctor in --help', () => {
    expect(run('--help')).toMatch(/doctor/);
  });

  it('fails with a clear message on an unknown command', () => {
    expect(() => execFileSync(process.execPath, [bin, 'frobnicate'], { cwd, encoding: 'utf8', stdio: 'pipe' })).toThrow(
      /unknown command 'frobnicate'/,
    );
  });

  it('doctor --json reports wasm and cpu working and a reason for webgpu', () => {
    const report = JSON.parse(run('doctor', '--json'));
    expect(report.node).toBe(process.version);
    const byName = Object.fromEntries(report.backends.map((b: { backend: string }) => [b.backend, b]));
    expect(Object.keys(byName).sort()).toEqual(['cpu', 'wasm', 'webgpu']);
    expect(byName.wasm.works).toBe(true);
    expect(byName.wasm.detail).toMatch(/SIMD (yes|no), threads (yes|no)/);
    expect(byName.cpu.works).toBe(true);
    expect(byName.cpu.matMulMs).toBeGreaterThan(0);
    // webgpu either works (an adapter exists) or says why not.
    if (!byName.webgpu.works) expect(byName.webgpu.detail.length).toBeGreaterThan(10);
    expect(['webgpu', 'wasm']).toContain(report.autoBackend);
  });

  it('doctor prints a human-readable table', () => {
    const out = run('doctor');
    expect(out).toMatch(/^TriMod\.js doctor/);
    expect(out).toMatch(/wasm\s+ok/);
  });
});
