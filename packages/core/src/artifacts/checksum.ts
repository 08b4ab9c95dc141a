import { isNode } from '../env';

type NodeCrypto = typeof import('node:crypto');
let nodeCrypto: Promise<NodeCrypto> | undefined;

function toHex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Lower-case hex SHA-256 of `bytes`: node:crypto in Node (synchronous hashing, no copy),
 * crypto.subtle in browsers.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  if (isNode()) {
    nodeCrypto ??= import('node:crypto');
    const { createHash } = await nodeCrypto;
    return createHash('sha256').update(bytes).digest('hex');
  }
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('sha256: no crypto.subtle here (browsers only offer it on https:// pages and localhost)');
  }
  // Our bytes never live in a SharedArrayBuffer; the cast only narrows the buffer type.
  return toHex(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}
