import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

// On CPU-only machines (CI) Dawn needs a software Vulkan adapter: Debian's chromium package ships
// SwiftShader's ICD. With neither a GPU ICD nor SwiftShader there is nothing to test against.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const icd = process.env.VK_ICD_FILENAMES ?? (existsSync(SWIFTSHADER) ? SWIFTSHADER : undefined);
const describeIfAdapter = icd ? describe : describe.skip;
if (!icd) {
  console.warn(`webgpu tests skipped: no Vulkan ICD (install Debian's chromium for ${SWIFTSHADER}, or set VK_ICD_FILENAMES)`);
}

describeIfAdapter('webgpu backend (Dawn in Node)', () => {
  it('computes the ops training uses as the cpu backend does', () => {
    const script = path.join(__dirname, 'webgpu', 'ops-check.ts');
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      env: { ...process.env, VK_ICD_FILENAMES: icd },
      cwd: path.join(__dirname, '..'),
      timeout: 240_000,
    });
    const result = JSON.parse(out.trim().split('\n').pop() as string);
    expect(result.error).toBeUndefined();
    expect(result.adapter).toBeDefined();
    for (const [op, diff] of Object.entries(result.maxAbsDiff as Record<string, number>)) {
      // logSumExp of values scaled by 100 is large, so compare relative to its scale.
      const tol = op === 'logSumExp' ? 1e-2 : 1e-3;
      expect({ op, diff: diff <= tol }).toEqual({ op, diff: true });
    }
  });
});
