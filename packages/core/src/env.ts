/**
 * The one runtime check of the monorepo: every package asks core whether it runs in Node
 * (before importing a Node module dynamically; the packages are built for a neutral platform
 * and for browsers, so a static `node:` import is not allowed) instead of keeping its own copy.
 */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** True for http:// and https:// addresses, which are always fetched. */
export function isHttpUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

export function isFileUrl(s: string): boolean {
  return /^file:\/\//i.test(s);
}
