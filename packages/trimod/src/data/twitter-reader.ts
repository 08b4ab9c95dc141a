import { DataFormatError } from './errors';
import { decodeUtf8 } from './utf8';

export { DataFormatError };

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

/**
 * The 1-based file line of a post's token: blocks have no blank lines inside, so token i sits
 * i lines below the first token line (the IMGID line, when there is one, comes first).
 */
export function tokenLine(post: AnnotatedPost, token: number): number {
  return post.line + (post.imageId !== null ? 1 : 0) + token;
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
  // A UTF-8 byte-order mark (Windows editors write one) is not part of the first line.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
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

/**
 * Reads a Twitter NER file from disk (Node). Bytes that are not UTF-8 are an error naming the
 * line (Node's default decoding would turn them into U+FFFD silently), and so is a file
 * without a single post.
 */
export async function readTwitterNer(file: string): Promise<AnnotatedPost[]> {
  return parseTwitterNerFile(await readBytes(file, 'data file'), file);
}

/** A data file's bytes as readTwitterNer reads them: strict UTF-8, at least one post. */
export function parseTwitterNerFile(bytes: Uint8Array, file: string): AnnotatedPost[] {
  const posts = parseTwitterNer(decodeUtf8(bytes, file), file);
  if (posts.length === 0) throw new DataFormatError(file, 0, `no posts in ${file} (the file is empty or holds only blank lines)`);
  return posts;
}

async function readBytes(file: string, what: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(file);
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

/** Reads a captions map `{"<id>.jpg": "caption"}`; the error names the file. */
export async function readCaptions(file: string): Promise<Map<string, string>> {
  const text = decodeUtf8(await readBytes(file, 'captions file'), file);
  let json: unknown;
  try {
    // JSON.parse refuses a byte-order mark, which some editors write: it is not part of the JSON.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
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
