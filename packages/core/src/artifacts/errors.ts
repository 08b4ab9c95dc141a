/** What went wrong with an artifact; lets callers (CLI, tests) react without parsing messages. */
export type ArtifactErrorCode =
  | 'missing-model-json'
  | 'invalid-json'
  | 'bad-format'
  | 'missing-shard'
  | 'truncated-shard'
  | 'corrupt-shard'
  | 'missing-weight'
  | 'extra-weight'
  | 'wrong-shape'
  | 'wrong-dtype'
  | 'missing-extra-file'
  | 'bad-name'
  | 'bad-value'
  | 'unknown-class'
  | 'read-failed'
  | 'save-failed'
  | 'unsupported';

/** One problem found while checking weights; several can be reported by one error. */
export interface ArtifactProblem {
  code: ArtifactErrorCode;
  message: string;
}

/**
 * Any failure to save, read or check a model artifact. `path` is the file or URL at fault
 * (model.json, a shard, or the model folder), so the message and the field both name it.
 */
const BRAND = Symbol.for('@trimod/core:ArtifactError');

export class ArtifactError extends Error {
  /**
   * `instanceof` by brand, not by prototype: @trimod/core's main entry and its `artifacts` subpath
   * are separate bundles in the CommonJS build, each with its own copy of this class, and an error
   * thrown by one must still be an ArtifactError to code that imported the other.
   */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly code: ArtifactErrorCode;
  readonly path: string;
  /** Every problem found (weight checks report all mismatches at once, not just the first). */
  readonly problems: ArtifactProblem[];

  constructor(code: ArtifactErrorCode, path: string, message: string, opts: { cause?: unknown; problems?: ArtifactProblem[] } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ArtifactError';
    Object.defineProperty(this, BRAND, { value: true });
    this.code = code;
    this.path = path;
    this.problems = opts.problems ?? [{ code, message }];
  }
}

/** The message of anything thrown, for wrapping foreign errors into ours. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
