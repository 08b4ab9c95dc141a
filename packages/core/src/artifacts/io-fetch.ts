import { ArtifactError, messageOf } from './errors';
import { MODEL_JSON } from './format';
import type { ArtifactReader } from './reader';

export interface FetchReaderOptions {
  /** Replaces the global fetch (a polyfill, an authenticated client). */
  fetch?: typeof fetch;
  /** Headers, credentials and so on for every request. */
  requestInit?: RequestInit;
}

/**
 * The folder URL every file name is resolved against. A URL of model.json itself means its
 * folder; a folder URL gets a trailing slash, or `new URL('model.json', base)` would replace its
 * last segment instead of going inside it.
 */
export function modelBaseUrl(url: string): URL {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  const u = new URL(url, page);
  if (u.pathname.endsWith('/' + MODEL_JSON)) return new URL('.', u);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}

/** Reads a model over HTTP(S) (or any URL fetch accepts): the browser path and Node's http path. */
export function fetchReader(url: string, opts: FetchReaderOptions = {}): ArtifactReader {
  const base = modelBaseUrl(url);
  const doFetch = opts.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') {
    throw new ArtifactError('unsupported', url, `cannot load ${url}: this runtime has no fetch; pass one in the options`);
  }
  const describe = (name: string): string => new URL(name, base).href;
  return {
    location: base.href,
    describe,
    async read(name) {
      const fileUrl = describe(name);
      let res: Response;
      try {
        res = await doFetch(fileUrl, opts.requestInit);
      } catch (err) {
        throw new ArtifactError('read-failed', fileUrl, `cannot fetch ${fileUrl}: ${messageOf(err)}`, { cause: err });
      }
      if (res.status === 404 || res.status === 410) {
        // Drain the body so keep-alive connections are freed.
        await res.arrayBuffer().catch(() => undefined);
        return null;
      }
      if (!res.ok) {
        await res.arrayBuffer().catch(() => undefined);
        throw new ArtifactError('read-failed', fileUrl, `cannot fetch ${fileUrl}: HTTP ${res.status} ${res.statusText}`);
      }
      try {
        return new Uint8Array(await res.arrayBuffer());
      } catch (err) {
        throw new ArtifactError('read-failed', fileUrl, `reading ${fileUrl} broke off: ${messageOf(err)}`, { cause: err });
      }
    },
  };
}
