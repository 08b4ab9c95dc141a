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
export class ArtifactError extends Error {
  readonly code: ArtifactErrorCode;
  readonly path: string;
  /** Every problem found (weight checks report all mismatches at once, not just the first). */
  readonly problems: ArtifactProblem[];

  constructor(code: ArtifactErrorCode, path: string, message: string, opts: { cause?: unknown; problems?: ArtifactProblem[] } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ArtifactError';
    this.code = code;
    this.path = path;
    this.problems = opts.problems ?? [{ code, message }];
  }
}

/** The message of anything thrown, for wrapping foreign errors into ours. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
