/**
 * Where a model's files come from: a folder on disk, a URL, or anything a caller supplies
 * (an IndexedDB store, files picked in a browser). Loading only needs these two calls.
 */
export interface ArtifactReader {
  /** The folder or URL, for messages. */
  readonly location: string;
  /** Where one file lives (path or URL), named in errors. */
  describe(name: string): string;
  /** The file's bytes, or null when it does not exist (other failures throw). */
  read(name: string): Promise<Uint8Array | null>;
  /** Optional extra words for a missing model.json, e.g. where an interrupted save left the old model. */
  explainMissingModel?(): Promise<string>;
}
