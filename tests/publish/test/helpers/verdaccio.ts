import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

export interface Verdaccio {
  url: string;
  stop(): Promise<void>;
}

/** A free loopback port: one the OS hands out for port 0, released for Verdaccio to take. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Our packages (@trimod/* and the CLI `trimod`) live only in this registry's storage, so a name
 * taken on the public registry can never be served instead; everything else comes through the
 * proxy from the npm registry. Anyone may publish ours (the test's token is a throwaway).
 */
function config(storage: string): string {
  const local = (name: string) => `  '${name}':\n    access: $all\n    publish: $all\n    unpublish: $all\n`;
  return [
    `storage: ${JSON.stringify(storage)}`,
    'max_body_size: 200mb',
    'uplinks:',
    '  npmjs:',
    '    url: https://registry.npmjs.org/',
    '    timeout: 120s',
    '    max_fails: 10',
    'packages:',
    local('@trimod/*') + local('trimod') + "  '**':\n    access: $all\n    proxy: npmjs\n",
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

/** Starts Verdaccio on a free loopback port with its storage under `folder`; waits until it answers. */
export async function startVerdaccio(folder: string): Promise<Verdaccio> {
  mkdirSync(path.join(folder, 'storage'), { recursive: true });
  const configFile = path.join(folder, 'config.yaml');
  writeFileSync(configFile, config(path.join(folder, 'storage')));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const bin = require.resolve('verdaccio/bin/verdaccio');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', configFile, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited (${child.exitCode}) before answering:\n${log}`);
    try {
      const res = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
