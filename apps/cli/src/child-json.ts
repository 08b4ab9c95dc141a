import { spawn } from 'node:child_process';

/**
 * Runs this same CLI in a child process with internal arguments (e.g. `__check-backend wasm`)
 * and parses the last line it prints as JSON. A backend that crashes or hangs then cannot take
 * the parent down; `onFailure` turns the child's last stderr line into the result instead.
 */
export function runJsonChild<T>(args: string[], onFailure: (why: string) => T, timeoutMs = 300_000): Promise<T> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as T);
      } catch {
        resolve(onFailure((err.trim().split('\n').filter(Boolean).pop() ?? `exit code ${code}`).slice(0, 400)));
      }
    });
  });
}
