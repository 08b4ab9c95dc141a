import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import * as net from 'node:net';

/**
 * Fuzz target for the demo's static server (scripts/static-server.cjs), run as its own process:
 * any request line (method, raw path bytes, percent-escapes, NULs, `..`, overlong paths, bad
 * HTTP) gets an HTTP answer or a closed connection, never a crash, and leaves no file descriptor
 * open. `npm run fuzz` runs it with many inputs; test/fuzz.test.ts with a few, seeded.
 */
export interface FuzzProperty {
  name: string;
  run: (params: { numRuns: number; seed: number }) => void | Promise<void>;
}

/**
 * Sends `request` and collects the answer until the server closes the connection, `abortAfter`
 * bytes arrived (an aborted download), or `waitMs` passed. `halfClose` ends the client's side
 * after the request, so an incomplete request is over at once instead of waiting for more bytes.
 */
function exchange(port: number, request: string | Buffer, abortAfter: number | null, halfClose: boolean, waitMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (abortAfter !== null && got.length >= abortAfter) done();
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', done); // a reset is an answer too; a dead server shows in the next check
    if (halfClose) socket.end(request);
    else socket.write(request);
  });
}

// Paths are mostly built from the pieces that have broken static servers (NUL, `..` in its
// encodings, bad escapes, overlong names), requests mostly well-formed GETs so they reach the
// file lookup; the rest is any method, version or bytes.
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('index.html', 'big.bin', 'index.html%00.png', '%00', '..', '.', '%2e%2e', '%2E%2E%2F', '%ZZ', '%', 'a%2Fb', '~', '..%5c..', 'empty.txt', '%c0%ae', 'index.html%20') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 12 }).map((s) => s.replace(/[\s/]/g, '')) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9._%-]{0,20}$/) },
);
const paths = fc.oneof(
  { weight: 4, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => '/' + parts.join('/')) },
  { weight: 1, arbitrary: fc.webPath() },
  { weight: 1, arbitrary: fc.constantFrom('/' + 'a'.repeat(5000), '*', '//index.html', '/index.html?x=%00') },
);
const requests = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('GET', 'HEAD'), paths).map(([m, p]) => `${m} ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('POST', 'PUT', 'DELETE', 'OPTIONS', 'BREW', 'get'), paths, fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9', ''))
      .map(([m, p, v]) => `${m} ${p} ${v}\r\nHost: x\r\nConnection: close\r\n\r\n`),
  },
  { weight: 1, arbitrary: fc.oneof(fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)), fc.string({ maxLength: 200 })) },
);

export function staticServerProperties(port: number, pid: number): FuzzProperty[] {
  const fds = () => readdirSync(`/proc/${pid}/fd`).length;
  return [
    {
      name: 'any request (or a download dropped half way) gets an answer below 500 or a closed connection; the server stays up with no descriptor left open',
      run: async (params) => {
        const before = fds();
        await fc.assert(
          fc.asyncProperty(requests, fc.option(fc.integer({ min: 1, max: 4000 })), async (request, abortAfter) => {
            const answer = await exchange(port, request, abortAfter, true);
            const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
            if (status !== undefined && Number(status) >= 500) throw new Error(`answered ${status} to ${JSON.stringify(request.toString('latin1').slice(0, 120))}`);
            const health = await exchange(port, 'GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', null, false);
            if (!health.startsWith('HTTP/1.1 200')) throw new Error(`the server no longer serves /index.html after ${JSON.stringify(request.toString('latin1').slice(0, 120))}`);
          }),
          params,
        );
        await new Promise((r) => setTimeout(r, 300));
        const after = fds();
        if (after > before) throw new Error(`${after - before} file descriptors left open (${before} → ${after})`);
      },
    },
  ];
}

/** Starts scripts/static-server.cjs on a free loopback port over a folder with a page, an 8 MB file and an empty one. */
export async function startStaticServer(): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const root = mkdtempSync(path.join(tmpdir(), 'trimod-static-fuzz-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(root, 'big.bin'), Buffer.alloc(8 * 2 ** 20, 7));
  writeFileSync(path.join(root, 'empty.txt'), '');
  const { fileURLToPath } = await import('node:url');
  const script = fileURLToPath(new URL('../scripts/static-server.cjs', import.meta.url));
  const child = spawn(process.execPath, [script, root, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`static server exited with ${code}`)));
    setTimeout(() => reject(new Error('static server did not start within 10 s')), 10_000);
  });
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill();
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
