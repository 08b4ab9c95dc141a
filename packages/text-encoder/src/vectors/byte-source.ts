/**
 * Where vector bytes come from: a file path (Node; streamed with node:fs, never read whole) or
 * any async stream of byte chunks (e.g. a fetch body in a browser) with a name for messages.
 */
export type VectorSource = string | { name: string; chunks: AsyncIterable<Uint8Array>; size?: number };

export interface OpenedSource {
  name: string;
  chunks: AsyncIterable<Uint8Array>;
  /** Total bytes when known (for progress). */
  size?: number;
}

/** Chunk size for file reads: large enough to amortise syscalls, small enough to stay cheap. */
const CHUNK_BYTES = 1 << 20;

/** Opens a source for streaming. node:fs is imported lazily so browsers can load this module. */
export async function openSource(source: VectorSource): Promise<OpenedSource> {
  if (typeof source !== 'string') return source;
  const fs = await import('node:fs');
  let size: number;
  try {
    size = (await fs.promises.stat(source)).size;
  } catch (err) {
    throw new Error(`cannot read word-vector file ${source}: ${(err as Error).message}`);
  }
  return { name: source, chunks: fs.createReadStream(source, { highWaterMark: CHUNK_BYTES }), size };
}

const decoder = new TextDecoder('utf-8');

/** UTF-8 text of bytes[start, end). */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

/** Joins what is left of one chunk with the next, so a row split across chunks is seen whole. */
export function joinBytes(rest: Uint8Array | null, chunk: Uint8Array): Uint8Array {
  if (!rest || rest.length === 0) return chunk;
  const out = new Uint8Array(rest.length + chunk.length);
  out.set(rest, 0);
  out.set(chunk, rest.length);
  return out;
}

/** Reports progress through an optional callback. */
export type ProgressCallback = (bytesRead: number, totalBytes: number | undefined) => void;
