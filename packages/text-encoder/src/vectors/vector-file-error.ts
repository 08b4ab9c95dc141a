/**
 * A malformed word-vector file. The message names the file and the place (line for text
 * formats, entry and byte offset for binary and JSON), so a bad row in a multi-GB file can be
 * found with `sed -n <line>p`.
 */
export class VectorFileError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    problem: string,
  ) {
    super(`${file}: ${where}: ${problem}`);
    this.name = 'VectorFileError';
  }
}
