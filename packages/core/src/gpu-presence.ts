/**
 * Whether probing WebGPU in Node can find an adapter at all. On Linux, Dawn reaches a GPU through
 * Vulkan: without a GPU device node (/dev/dri, /dev/nvidia*) or without any Vulkan driver (ICD)
 * it finds nothing, and on its way prints its own warnings on stderr ("XDG_RUNTIME_DIR is
 * invalid", "Couldn't load Vulkan"). `initBackend('auto')` asks this first and skips the probe,
 * with this reason, so commands on a CPU-only machine keep stderr quiet. A named `webgpu`
 * (trimod doctor) always probes. Other platforms (Metal, D3D12) always have a driver: probe.
 */

type Fs = typeof import('node:fs');

/** Folders where the Vulkan loader looks for ICD files (besides VK_ICD_FILENAMES & co.). */
function icdFolders(env: Record<string, string | undefined>): string[] {
  const data = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  const config = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  const home = env.HOME ? [`${env.HOME}/.local/share`] : [];
  return [...config, '/etc', ...data, ...home].map((d) => `${d}/vulkan/icd.d`);
}

function listJson(fs: Fs, dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
}

/** Software Vulkan drivers (Mesa's lavapipe, SwiftShader) need no GPU device. */
const SOFTWARE_ICD = /lvp|lavapipe|swiftshader/i;

/**
 * Null when a webgpu probe may find an adapter; else why it cannot (the reason initBackend
 * reports for skipping webgpu). Never throws.
 */
export async function webGpuUnavailableReason(opts: { env?: Record<string, string | undefined>; platform?: string; root?: string } = {}): Promise<string | null> {
  const env = opts.env ?? process.env;
  const root = opts.root ?? '';
  if ((opts.platform ?? process.platform) !== 'linux') return null;
  // The user pointed the loader at a driver: respect it (the tests' SwiftShader adapter).
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || env.VK_ADD_DRIVER_FILES) return null;
  let fs: Fs;
  try {
    fs = await import('node:fs');
  } catch {
    return null;
  }
  const icds = icdFolders(env).flatMap((d) => listJson(fs, root + d));
  if (icds.some((n) => SOFTWARE_ICD.test(n))) return null;
  const devices = [...safeList(fs, `${root}/dev/dri`), ...safeList(fs, `${root}/dev`).filter((n) => /^nvidia\d+$/.test(n))];
  if (devices.length > 0 && icds.length > 0) return null;
  const missing = [devices.length === 0 ? 'no GPU device (/dev/dri, /dev/nvidia*)' : '', icds.length === 0 ? 'no Vulkan driver (ICD file in /usr/share/vulkan/icd.d or VK_ICD_FILENAMES)' : '']
    .filter(Boolean)
    .join(' and ');
  return `not probed: ${missing} (initBackend('webgpu') probes anyway and gives Dawn's own reason)`;
}

function safeList(fs: Fs, dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
