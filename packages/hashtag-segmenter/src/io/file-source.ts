/**
 * Reads a model folder's files from a local path (Node), a file:// URL (Node), or an
 * http(s):// URL (anywhere with fetch). The package is built for a neutral platform, so Node
 * modules are imported dynamically and only when running in Node.
 */

export interface FileSource {
  /** What the folder is, for error messages. */
  readonly location: string;
  readText(name: string): Promise<string>;
  readBinary(name: string): Promise<ArrayBuffer>;
}

export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

const isHttp = (s: string) => /^https?:\/\//i.test(s);
const isFileUrl = (s: string) => /^file:\/\//i.test(s);

/** A source for the folder at `location` (a model.json path or URL is taken as its folder). */
export async function fileSource(location: string): Promise<FileSource> {
  if (typeof location !== 'string' || location.trim() === '') {
    throw new Error(`loadSegmenter: the model location must be a non-empty path or URL, got ${JSON.stringify(location)}`);
  }
  const folder = location.replace(/\/?model\.json$/, '');
  if (isHttp(folder) || !isNode()) return fetchSource(folder);
  const [{ readFile }, path, url] = await Promise.all([import('node:fs/promises'), import('node:path'), import('node:url')]);
  const dir = isFileUrl(folder) ? url.fileURLToPath(folder) : path.resolve(folder || '.');
  const read = async (name: string) => {
    const file = path.join(dir, name);
    try {
      return await readFile(file);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
      throw new Error(`loadSegmenter: cannot read ${file} (${why})`);
    }
  };
  return {
    location: dir,
    readText: async (name) => (await read(name)).toString('utf8'),
    readBinary: async (name) => {
      const buf = await read(name);
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    },
  };
}

function fetchSource(folder: string): FileSource {
  const base = folder.endsWith('/') ? folder : `${folder}/`;
  const get = async (name: string) => {
    const address = isHttp(base) || !('location' in globalThis) ? base + name : new URL(name, new URL(base, globalThis.location.href)).href;
    let res: Response;
    try {
      res = await fetch(address);
    } catch (err) {
      throw new Error(`loadSegmenter: cannot fetch ${address} (${(err as Error).message})`);
    }
    if (!res.ok) throw new Error(`loadSegmenter: cannot fetch ${address} (HTTP ${res.status} ${res.statusText})`);
    return res;
  };
  return {
    location: folder,
    readText: async (name) => (await get(name)).text(),
    readBinary: async (name) => (await get(name)).arrayBuffer(),
  };
}
