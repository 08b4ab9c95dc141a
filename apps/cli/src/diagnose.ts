import { webGpuUnavailableReason } from '@trimod/core';
import { runJsonChild } from './child-json';
import * as os from 'node:os';

/** What `trimod doctor` found about one backend. */
export interface BackendCheck {
  backend: string;
  works: boolean;
  /** Why it does not work, or details when it does. */
  detail: string;
  /** Milliseconds for a 256×256 matMul after warm-up, when it works. */
  matMulMs?: number;
}

export interface Diagnosis {
  node: string;
  platform: string;
  cpus: number;
  memoryGiB: number;
  backends: BackendCheck[];
  /** The backend `initBackend('auto')` picks. */
  autoBackend: string;
}

/**
 * Checks each backend in its own child process: a failing GPU driver, or a backend that
 * cannot be unloaded once set, must not disturb the checks of the others.
 */
export async function diagnose(): Promise<Diagnosis> {
  const backends: BackendCheck[] = [];
  for (const name of ['webgpu', 'wasm', 'cpu']) backends.push(await checkInChild(name));
  // As initBackend('auto') chooses: it does not probe webgpu where no adapter can exist.
  const webGpuSkipped = (await webGpuUnavailableReason()) !== null;
  const auto = backends.find((b) => b.works && !(b.backend === 'webgpu' && webGpuSkipped))?.backend ?? 'none';
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    backends,
    autoBackend: auto,
  };
}

function checkInChild(backend: string): Promise<BackendCheck> {
  return runJsonChild<BackendCheck>(['__check-backend', backend], (why) => ({ backend, works: false, detail: `check crashed: ${why}` }), 120_000);
}

export function formatDiagnosis(d: Diagnosis): string {
  const lines = [
    `TriMod.js doctor`,
    `  node      ${d.node} (${d.platform}, ${d.cpus} CPUs, ${d.memoryGiB} GiB)`,
    ...d.backends.map(
      (b) =>
        `  ${b.backend.padEnd(9)} ${b.works ? 'ok  ' : 'no  '} ${b.detail}` +
        (b.matMulMs !== undefined ? ` (matMul 256x256: ${b.matMulMs.toFixed(2)} ms)` : ''),
    ),
    `  auto      ${d.autoBackend}`,
  ];
  return lines.join('\n') + '\n';
}
