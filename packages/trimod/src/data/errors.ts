/** A data file that cannot be read as annotated posts; `line` is 1-based, 0 for the whole file. */
export class DataFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = 'DataFormatError';
  }
}
