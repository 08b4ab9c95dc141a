/** One annotated post as the Twitter-2015 / 2017 multimodal NER files hold it. */
export interface AnnotatedPost {
  /** The image id from the `IMGID:` line (without `.jpg`), or null when the block has none. */
  imageId: string | null;
  tokens: string[];
  /** One BIO tag per token, e.g. `B-PER`, `I-PER`, `O`. */
  tags: string[];
  /** 1-based line number of the block's first line, for error messages. */
  line: number;
}

export class DataFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'DataFormatError';
  }
}

const TAG = /^(O|[BIES]-[^\s]+)$/;

/**
 * Parses the Twitter-2015/2017 format: blocks separated by blank lines; each block starts with
 * `IMGID:<id>` (optional) and then has one `token<TAB>tag` line per token. Any BIO label set is
 * accepted. A malformed line throws a DataFormatError naming the file and line.
 */
export function parseTwitterNer(text: string, file = '<input>'): AnnotatedPost[] {
  const posts: AnnotatedPost[] = [];
  let current: AnnotatedPost | null = null;
  const lines = text.split(/\r?\n/);
  const finish = () => {
    if (current) {
      if (current.tokens.length === 0) throw new DataFormatError(file, current.line, 'a post with an IMGID line but no tokens');
      posts.push(current);
    }
    current = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const lineNo = i + 1;
    if (raw.trim() === '') {
      finish();
      continue;
    }
    if (raw.startsWith('IMGID:')) {
      if (current && (current as AnnotatedPost).tokens.length > 0) {
        throw new DataFormatError(file, lineNo, 'IMGID line inside a post (a blank line must separate posts)');
      }
      const id = raw.slice('IMGID:'.length).trim();
      if (!id) throw new DataFormatError(file, lineNo, 'empty IMGID');
      current = { imageId: id, tokens: [], tags: [], line: lineNo };
      continue;
    }
    const parts = raw.split('\t');
    if (parts.length !== 2) {
      throw new DataFormatError(
        file,
        lineNo,
        `expected "token<TAB>tag", found ${parts.length === 1 ? 'no tab' : `${parts.length - 1} tabs`}: ${JSON.stringify(raw.slice(0, 80))}`,
      );
    }
    const [token, tag] = [parts[0], parts[1].trim()];
    if (token.length === 0) throw new DataFormatError(file, lineNo, 'empty token');
    if (!TAG.test(tag)) throw new DataFormatError(file, lineNo, `bad tag ${JSON.stringify(tag)} (expected O or B-X / I-X)`);
    if (!current) current = { imageId: null, tokens: [], tags: [], line: lineNo };
    current.tokens.push(token);
    current.tags.push(tag);
  }
  finish();
  return posts;
}

/** Reads a Twitter NER file from disk (Node). */
export async function readTwitterNer(file: string): Promise<AnnotatedPost[]> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read data file ${file}: ${(err as Error).message}`);
  }
  return parseTwitterNer(text, file);
}

/** Reads a captions map `{"<id>.jpg": "caption"}`; the error names the file. */
export async function readCaptions(file: string): Promise<Map<string, string>> {
  const { readFile } = await import('node:fs/promises');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read captions file ${file}: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`captions file ${file}: expected a JSON object {"<id>.jpg": "caption"}`);
  }
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new Error(`captions file ${file}: the caption for ${JSON.stringify(key)} is not a string`);
    map.set(key.replace(/\.(jpe?g|png)$/i, ''), value);
  }
  return map;
}
