/**
 * Runtime detection. The package is built for a neutral platform, so Node-only modules are
 * imported dynamically and only after this says we are in Node.
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
