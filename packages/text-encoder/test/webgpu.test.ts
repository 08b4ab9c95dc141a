import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

// As packages/core/test/webgpu.test.ts: on CPU-only machines (CI) Dawn runs on SwiftShader's
// Vulkan ICD from Debian's chromium package; with no ICD at all there is nothing to test against.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const icd = process.env.VK_ICD_FILENAMES ?? (existsSync(SWIFTSHADER) ? SWIFTSHADER : undefined);
const describeIfAdapter = icd ? describe : describe.skip;
if (!icd) {
  console.warn(`text-encoder webgpu tests skipped: no Vulkan ICD (install Debian's chromium for ${SWIFTSHADER}, or set VK_ICD_FILENAMES)`);
}

interface Diff {
  abs: number;
  rel: number;
  scale: number;
}

describeIfAdapter('Bi-GRU WGSL kernels on webgpu (Dawn in Node)', () => {
  it('give the cpu tfjs path’s outputs (1e-4) and gradients (1e-3 relative), and fall back above the workgroup-memory and binding bounds', () => {
    const script = path.join(__dirname, 'webgpu', 'gru-check.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      env: { ...process.env, VK_ICD_FILENAMES: icd, TSX_TSCONFIG_PATH: path.join(__dirname, 'webgpu', 'tsconfig.json') },
      cwd: path.join(__dirname, '..'),
      timeout: 240_000,
    });
    const result = JSON.parse(out.trim().split('\n').pop() as string);
    expect(result.error).toBeUndefined();
    expect(result.adapter).toBeDefined();
    expect(result.usable).toEqual({ H1024: true, H1025: false, atBindingLimit: true, pastBindingLimit: false, N65535: true, N65536: false });
    expect(result.leaked).toBe(0);
    expect(result.cases.length).toBeGreaterThanOrEqual(5);
    for (const c of result.cases as { name: string; kernels: string[]; diffs: Record<string, Diff> }[]) {
      // The kernels ran (not the tfjs fallback), forward and backward.
      expect({ name: c.name, kernels: c.kernels.sort() }).toEqual({ name: c.name, kernels: ['TrimodGruBackward', 'TrimodGruForward'] });
      expect(Object.keys(c.diffs).sort()).toEqual(['dx', 'final', 'g/bias', 'g/kernel', 'g/recurrentBias', 'g/recurrentKernel', 'loss', 'out']);
      for (const [name, d] of Object.entries(c.diffs)) {
        // Not vacuous: every compared value is far from zero somewhere.
        expect({ case: c.name, name, nonZero: d.scale > 0.05 }).toEqual({ case: c.name, name, nonZero: true });
        const ok = name === 'out' || name === 'final' ? d.abs <= 1e-4 : d.rel <= 1e-3;
        expect({ case: c.name, name, d, ok }).toEqual({ case: c.name, name, d, ok: true });
      }
    }
  });
});
