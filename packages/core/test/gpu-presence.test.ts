import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend, webGpuUnavailableReason } from '../src';

// A fake file-system root per case: device nodes and Vulkan ICD files are plain files here.
function fakeRoot(files: string[]): string {
  const root = mkdtempSync(path.join(tmpdir(), 'trimod-gpu-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), '{}');
  }
  return root;
}

const env = { HOME: '/nohome' };
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('webGpuUnavailableReason (whether auto probes Dawn)', () => {
  const reason = (files: string[], extraEnv: Record<string, string> = {}, platform = 'linux') => {
    const root = fakeRoot(files);
    roots.push(root);
    return webGpuUnavailableReason({ env: { ...env, ...extraEnv }, platform, root });
  };

  it('skips the probe on a Linux machine with neither a GPU device nor a Vulkan driver, saying both', async () => {
    const r = await reason([]);
    expect(r).toMatch(/no GPU device \(\/dev\/dri, \/dev\/nvidia\*\) and no Vulkan driver/);
  });

  it('skips it with a GPU device but no Vulkan driver, and the other way round', async () => {
    expect(await reason(['dev/nvidia0'])).toMatch(/^not probed: no Vulkan driver/);
    expect(await reason(['usr/share/vulkan/icd.d/nvidia_icd.json'])).toMatch(/^not probed: no GPU device/);
  });

  it('probes with a device and a driver, with a software driver alone, or with VK_ICD_FILENAMES set', async () => {
    expect(await reason(['dev/dri/renderD128', 'usr/share/vulkan/icd.d/radeon_icd.x86_64.json'])).toBeNull();
    expect(await reason(['dev/nvidia0', 'etc/vulkan/icd.d/nvidia_icd.json'])).toBeNull();
    expect(await reason(['usr/share/vulkan/icd.d/lvp_icd.x86_64.json'])).toBeNull();
    expect(await reason([], { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' })).toBeNull();
  });

  it('always probes off Linux (Metal, D3D12)', async () => {
    expect(await reason([], {}, 'darwin')).toBeNull();
  });
});

describe("initBackend('auto') on this machine", () => {
  it('reports the skip reason for webgpu when no adapter can exist here', async () => {
    const why = await webGpuUnavailableReason();
    const info = await initBackend('auto');
    if (why !== null) {
      expect(info.backend).toBe('wasm');
      expect(info.skipped).toEqual([{ backend: 'webgpu', reason: why }]);
    } else {
      expect(['webgpu', 'wasm']).toContain(info.backend);
    }
  });
});
