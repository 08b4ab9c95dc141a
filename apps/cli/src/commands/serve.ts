import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { initBackend } from '@trimod/core';
import { TriMod } from '@trimod/trimod';
import { resolveModel } from '../default-model';
import { buildServer, DEFAULT_SERVE_OPTIONS } from '../serve/server';

interface ServeCliOptions {
  port: string;
  host: string;
  model?: string;
  backend: string;
  maxBatch: string;
  maxWaitMs: string;
  maxQueue: string;
  maxBody: string;
}

/** A whole number in [min, max] from an option, or an error naming the option. */
function integerOption(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got "${value}"`);
  }
  return n;
}

export function register(program: Command): void {
  const d = DEFAULT_SERVE_OPTIONS;
  program
    .command('serve')
    .description('tag posts over HTTP (POST /v1/entities), tagging concurrent requests together in micro-batches')
    .option('--port <n>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--model <dir>', 'model folder (default: the bundled model)')
    .option('--backend <name>', 'webgpu, wasm, cpu or auto', 'auto')
    .option('--max-batch <n>', 'most posts per model call (1: no micro-batching)', String(d.maxBatch))
    .option('--max-wait-ms <ms>', 'how long a post waits for others to share its batch', String(d.maxWaitMs))
    .option('--max-queue <n>', 'most posts waiting for a batch; more get 429', String(d.maxQueue))
    .option('--max-body <bytes>', 'largest request body; larger gets 413', String(d.maxBody))
    .action(async (o: ServeCliOptions) => {
      const port = integerOption('port', o.port, 0, 65535);
      const options = {
        maxBatch: integerOption('max-batch', o.maxBatch, 1),
        maxWaitMs: integerOption('max-wait-ms', o.maxWaitMs, 0, 60_000),
        maxQueue: integerOption('max-queue', o.maxQueue, 1),
        maxBody: integerOption('max-body', o.maxBody, 1),
      };
      // Signals are caught from the start: one that comes while the model loads still ends in
      // an orderly close and exit 0 (once the load is done), not in death by signal.
      let stopping = false;
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          stopping = true;
          process.stderr.write(`${signal}: finishing the requests in flight, then exiting\n`);
          resolve();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await initBackend(o.backend as 'auto');
      const loading = TriMod.load(resolveModel(o.model));
      // Listen while the model loads, so probes see /healthz up and /readyz 503 "loading".
      const app = buildServer(loading, options);
      await app.listen({ port, host: o.host });
      let model: TriMod;
      try {
        model = await loading;
      } catch (err) {
        await app.close();
        throw err;
      }
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      if (!stopping) process.stderr.write(`listening on http://${host}:${address.port}\n`);

      await stopped;
      await app.close();
      model.dispose();
      process.exit(0);
    });
}
