import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const bin = path.join(__dirname, '..', 'bin', 'trimod.cjs');

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * An RGBA PNG of width × height whose data holds `rows` grey rows: all of them for a real image;
 * a few for a bomb (a few kB declaring 30000 × 30000, 3.6 GB decoded).
 */
function png(width: number, height: number, rows = height): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter, no interlace
  const row = Buffer.alloc(1 + width * 4, 180);
  row[0] = 0; // filter: none
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const data = deflateSync(Buffer.concat(Array.from({ length: rows }, () => row)));
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', data), chunk('IEND', Buffer.alloc(0))]);
}

describe('trimod caption with several images', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trimod-caption-'));
    writeFileSync(path.join(dir, 'grey.png'), png(32, 24));
    writeFileSync(path.join(dir, 'bomb.png'), png(30000, 30000, 1));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints "file: caption" lines and names the file in each error, exit 1 when one failed', () => {
    const r = spawnSync(process.execPath, [bin, 'caption', 'grey.png', 'missing.png', 'bomb.png', 'grey.png'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^grey\.png: \S.+/);
    expect(r.stderr).toMatch(/missing\.png.*cannot read/);
    expect(r.stderr).toMatch(/bomb\.png: image too large \(30000 × 30000/);
    expect(r.status).toBe(1);
  });

  it('refuses a bad --beam before loading anything', () => {
    const r = spawnSync(process.execPath, [bin, 'caption', '--beam', '0', 'grey.png'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toMatch(/--beam must be a positive integer, got "0"/);
    expect(r.status).toBe(1);
  });
});
