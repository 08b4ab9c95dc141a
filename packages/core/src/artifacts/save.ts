import { isNode } from '../env';
import { ArtifactError } from './errors';
import { encodeArtifact, type ArtifactContents, type ArtifactEncodeOptions } from './encode';
import { writeFolderAtomically, type AtomicWriteOptions } from './io-node';

export type ArtifactSaveOptions = ArtifactEncodeOptions & AtomicWriteOptions;

/**
 * Saves a model as the folder `dir` (Node only; in browsers use encodeArtifact and offer the
 * files for download). The replace is atomic: `dir` ends up holding the complete new model, or,
 * after any failure or crash, still the complete old one (see writeFolderAtomically).
 */
export async function saveArtifact(dir: string, contents: ArtifactContents, opts: ArtifactSaveOptions = {}): Promise<void> {
  if (!isNode()) {
    throw new ArtifactError('unsupported', dir, `saveArtifact(${dir}) needs a file system (Node); in a browser use encodeArtifact`);
  }
  // Encode fully before touching the disk: a bad weight or config fails with nothing written.
  const { files } = await encodeArtifact(contents, opts);
  await writeFolderAtomically(dir, files, opts);
}
