import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// The demo's static server, run as `npm run serve` runs it (its own process, so its open file
// descriptors can be counted in /proc), sent bad requests and aborted downloads on loopback.
const script = path.join(__dirname, '..', 'scripts', 'static-server.cjs');
const BIG = 8 * 2 ** 20;

let root: string;
let server: ChildProcess;
let port: number;

/** One raw HTTP exchange: what the server answered, up to `limit` bytes (then the socket is dropped). */
function raw(request: string, limit = Infinity): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(request.split('\r\n')[0])}`));
    }, 10_000);
    socket.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= limit) {
        clearTimeout(timer);
        socket.destroy(); // an aborted download
        resolve(got.toString('latin1'));
      }
    });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(got.toString('latin1'));
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.write(request);
  });
}

const get = (p: string, extra = '') => raw(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${extra}\r\n`);
const status = (answer: string) => Number(answer.split(' ')[1]);
const openFds = () => readdirSync(`/proc/${server.pid}/fd`).length;
const settle = () => new Promise((r) => setTimeout(r, 300));

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'trimod-static-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(root, 'big.bin'), Buffer.alloc(BIG, 7));
  writeFileSync(path.join(root, 'empty.txt'), '');
  server = spawn(process.execPath, [script, root, '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    setTimeout(() => reject(new Error('server did not start')), 10_000);
  });
});

afterAll(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill();
    await exited;
  }
  rmSync(root, { recursive: true, force: true });
});

const linux = process.platform === 'linux' ? it : it.skip;

describe('static-server.cjs', () => {
  it('serves files, and answers 404 for missing ones', async () => {
    expect(status(await get('/'))).toBe(200);
    expect(status(await get('/empty.txt'))).toBe(200);
    expect(status(await get('/nope.js'))).toBe(404);
  });

  it('answers 400 to paths no file can have, and stays up', async () => {
    expect(status(await get('/index.html%00.png'))).toBe(400);
    expect(status(await get('/%E0%A4%A'))).toBe(400);
    expect(status(await get('/..%2f..%2fetc%2fpasswd'))).toBe(400);
    expect(status(await raw('GET x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe(400);
    expect(status(await raw('NOT HTTP AT ALL\r\n\r\n'))).toBe(400);
    expect(server.exitCode).toBeNull();
    expect(status(await get('/'))).toBe(200);
  });

  it('answers 405 with an Allow header to other methods', async () => {
    const answer = await raw('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(status(answer)).toBe(405);
    expect(answer).toMatch(/\r\nAllow: GET, HEAD\r\n/i);
  });

  linux('leaves no file open after aborted and complete downloads', async () => {
    await get('/big.bin');
    await settle();
    const before = openFds();
    // Aborted downloads: the client hangs up after the first 64 kB of 8 MB.
    await Promise.all(Array.from({ length: 40 }, () => raw('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n', 65536)));
    // Complete downloads, HEAD requests and an empty file.
    for (let i = 0; i < 5; i++) expect((await get('/big.bin')).length).toBeGreaterThan(BIG);
    for (let i = 0; i < 5; i++) expect(status(await raw('HEAD /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe(200);
    for (let i = 0; i < 5; i++) expect(status(await get('/empty.txt'))).toBe(200);
    await settle();
    expect(openFds()).toBe(before);
    expect(server.exitCode).toBeNull();
    expect(status(await get('/'))).toBe(200);
  });
});
