import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

// As packages/core/test/webgpu.test.ts: on CPU-only machines (CI) Dawn runs on SwiftShader's
// Vulkan ICD from Debian's chromium package; with no ICD at all there is nothing to test against.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const icd = process.env.VK_ICD_FILENAMES ?? (existsSync(SWIFTSHADER) ? SWIFTSHADER : undefined);
const describeIfAdapter = icd ? describe : describe.skip;
if (!icd) {
  console.warn(`crf webgpu tests skipped: no Vulkan ICD (install Debian's chromium for ${SWIFTSHADER}, or set VK_ICD_FILENAMES)`);
}

interface Diff {
  abs: number;
  rel: number;
  scale: number;
}

interface CaseResult {
  name: string;
  kernels: string[];
  diffs: Record<string, Diff>;
  samePaths: boolean;
  pathLengths: number[];
}

describeIfAdapter('CRF WGSL kernels on webgpu (Dawn in Node)', () => {
  it('give the cpu path’s log Z and marginals (1e-4), gradients (1e-3 relative) and Viterbi paths, and fall back past their bounds', () => {
    const script = path.join(__dirname, 'webgpu', 'crf-check.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      env: { ...process.env, VK_ICD_FILENAMES: icd, TSX_TSCONFIG_PATH: path.join(__dirname, 'webgpu', 'tsconfig.json') },
      cwd: path.join(__dirname, '..'),
      timeout: 240_000,
    });
    const result = JSON.parse(out.trim().split('\n').pop() as string);
    expect(result.error).toBeUndefined();
    expect(result.adapter).toBeDefined();
    expect(result.usable).toEqual({ K256: true, K257: false, viterbiK40T77: true, viterbiK40T80: false, B65535: true, B65536: false });
    expect(result.leaked).toBe(0);
    const cases = result.cases as CaseResult[];
    expect(cases.length).toBe(5);
    for (const c of cases) {
      // The forward kernel ran; Viterbi's too except where its pointers do not fit (the last case).
      const expected = c.name.includes('pointer bound') ? ['TrimodCrfForward'] : ['TrimodCrfForward', 'TrimodCrfViterbi'];
      expect({ name: c.name, kernels: c.kernels }).toEqual({ name: c.name, kernels: expected });
      expect({ name: c.name, samePaths: c.samePaths }).toEqual({ name: c.name, samePaths: true });
      expect(Object.keys(c.diffs).sort()).toEqual(['dEmissions', 'dendTransitions', 'dstartTransitions', 'dtransitions', 'logZ', 'loss', 'marginals', 'perRow']);
      for (const [name, d] of Object.entries(c.diffs)) {
        // Not vacuous: every compared value is far from zero somewhere.
        expect({ case: c.name, name, nonZero: d.scale > 0.1 }).toEqual({ case: c.name, name, nonZero: true });
        // Values within 1e-4, or within float32 rounding (1e-6 relative) for sums in the hundreds.
        const ok = ['logZ', 'perRow', 'loss', 'marginals'].includes(name) ? d.abs <= 1e-4 || d.rel <= 1e-6 : d.rel <= 1e-3;
        expect({ case: c.name, name, d, ok }).toEqual({ case: c.name, name, d, ok: true });
      }
    }
    // Padded batches: the paths have each row's own length.
    expect(cases[0].pathLengths).toEqual([9, 4, 9, 6, 6, 4]);
  });
});
