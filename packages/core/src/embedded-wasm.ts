import { isNode } from './env';

/**
 * A WebAssembly module whose bytes are embedded as base64 (a generated module) rather than
 * fetched: a bundler or a CDN then needs no extra asset and no path setting, Node needs no file
 * system access, and such modules are a few KB. Node compiles it synchronously on first use;
 * browsers forbid synchronous compilation of modules over 4 KB on the main thread, so there it is
 * compiled asynchronously and `now()` answers null until it is ready (callers take their
 * JavaScript or tfjs path meanwhile, which gives the same numbers). An engine without what the
 * module needs (SIMD) fails once; `error()` says why and `now()` stays null.
 * Used by core's fused Adam and text-encoder's native Bi-GRU.
 */
export interface EmbeddedWasm<T> {
  /** The module's exports if it can run now, else null (starting the asynchronous compile in a browser). */
  now(): T | null;
  /** Starts compiling; resolves true when the module can run, false when it cannot. */
  ready(): Promise<boolean>;
  /** Why the module cannot run, or null. */
  error(): Error | null;
}

/** `adopt` receives the new instance's exports once (e.g. to grow its memory) and returns them typed. */
export function embeddedWasm<T>(base64: string, adopt: (exports: WebAssembly.Exports) => T = (e) => e as unknown as T): EmbeddedWasm<T> {
  let instance: T | null = null;
  let failure: Error | null = null;
  let pending: Promise<boolean> | null = null;
  const bytes = (): Uint8Array<ArrayBuffer> => {
    const text = atob(base64);
    const out = new Uint8Array(new ArrayBuffer(text.length));
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  };
  const fail = (e: unknown): void => {
    failure = e instanceof Error ? e : new Error(String(e));
  };
  const ready = (): Promise<boolean> => {
    if (instance) return Promise.resolve(true);
    if (failure) return Promise.resolve(false);
    pending ??= WebAssembly.instantiate(bytes()).then(
      (r) => ((instance = adopt(r.instance.exports)), true),
      (e: unknown) => (fail(e), false),
    );
    return pending;
  };
  const now = (): T | null => {
    if (instance || failure) return instance;
    if (typeof WebAssembly === 'undefined') {
      failure = new Error('WebAssembly is not available');
      return null;
    }
    if (!isNode()) {
      void ready();
      return null;
    }
    try {
      instance = adopt(new WebAssembly.Instance(new WebAssembly.Module(bytes())).exports);
    } catch (e) {
      fail(e);
    }
    return instance;
  };
  return { now, ready, error: () => failure };
}
