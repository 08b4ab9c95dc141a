import fc from 'fast-check';
import { DataFormatError } from '../src/data/errors';
import { parseTwitterNerFile, tokenLine, type AnnotatedPost } from '../src/data/twitter-reader';
import { decodeUtf8 } from '../src/data/utf8';
import { modelTokens } from '../src/model/post-tokens';

/**
 * Fuzz targets for the data reader (and the model's tokens). A data file either reads back as
 * exactly the posts it holds, or fails with a DataFormatError naming the file and the line at
 * fault; nothing else may happen. `npm run fuzz` runs them with many inputs; test/fuzz.test.ts
 * with a few, seeded.
 */

export interface FuzzProperty {
  name: string;
  /** Runs the property; throws (fast-check's report, with the shrunk counterexample) on a failure. */
  run: (params: { numRuns: number; seed: number }) => void | Promise<void>;
}

const FILE = 'fuzz.txt';
const TAG = /^(O|[BIES]-[^\s]+)$/;
const utf8 = new TextEncoder();

/** Is `bytes` valid UTF-8? (Node's decoder replaces bad bytes with U+FFFD, so a valid file round-trips.) */
function isUtf8(bytes: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(Buffer.from(bytes).toString('utf8'), 'utf8'), Buffer.from(bytes)) === 0;
}

/** The DataFormatError `fn` throws (anything else thrown, or nothing, is a failure). */
function formatError(fn: () => unknown): DataFormatError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  if (!(thrown instanceof DataFormatError)) throw new Error(`expected a DataFormatError, got ${thrown === undefined ? 'none' : String(thrown)}`);
  return thrown;
}

function checkNamesFile(err: DataFormatError, lines: number): void {
  if (err.file !== FILE) throw new Error(`the error names ${err.file}`);
  if (!Number.isInteger(err.line) || err.line < 0 || err.line > lines) throw new Error(`line ${err.line} is not one of the file's ${lines} lines`);
  const prefix = err.line > 0 ? `${FILE}:${err.line}: ` : `${FILE}: `;
  if (!err.message.startsWith(prefix)) throw new Error(`message ${JSON.stringify(err.message)} does not start with ${JSON.stringify(prefix)}`);
}

// ---------- valid files ----------

/** Text without line breaks, tabs or a leading BOM, for tokens and ids. */
const cell = (maxLength: number) =>
  fc
    .string({ unit: fc.oneof(fc.constantFrom('a', 'Z', '#', '@', ':', '-', ' ', 'é', '😂', '\u00A0', '\u2028'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 1, maxLength })
    .filter((s) => !/[\t\r\n]/.test(s) && !s.startsWith('\uFEFF'));
const token = cell(8).filter((t) => !t.startsWith('IMGID:'));
const imageId = cell(10).filter((id) => id.trim() === id);
const entityType = fc.oneof(fc.constantFrom('PER', 'LOC', 'ORG', 'MISC', 'A-B'), cell(4).filter((t) => /^[^\s]+$/.test(t)));
const tag = fc.oneof(fc.constant('O'), fc.tuple(fc.constantFrom('B', 'I', 'E', 'S'), entityType).map(([p, t]) => `${p}-${t}`));
const post = fc.record({
  imageId: fc.option(imageId, { nil: null }),
  rows: fc.array(fc.tuple(token, tag), { minLength: 1, maxLength: 6 }),
});

interface ValidFile {
  lines: string[];
  posts: AnnotatedPost[];
  bom: boolean;
  crlf: boolean;
}

/** Posts written out in the format, with 1-3 blank (or white) lines between them and around them. */
const validFile: fc.Arbitrary<ValidFile> = fc
  .record({
    posts: fc.array(post, { minLength: 1, maxLength: 5 }),
    blanks: fc.array(fc.array(fc.constantFrom('', '', ' ', '\t', '  \t '), { minLength: 1, maxLength: 3 }), { minLength: 6, maxLength: 6 }),
    leading: fc.boolean(),
    bom: fc.boolean(),
    crlf: fc.boolean(),
    tagSpace: fc.constantFrom('', ' '),
  })
  .map(({ posts: ps, blanks, leading, bom, crlf, tagSpace }) => {
    const lines: string[] = leading ? [...blanks[5]] : [];
    const expected: AnnotatedPost[] = [];
    ps.forEach((p, i) => {
      if (i > 0) lines.push(...blanks[i % 5]);
      const line = lines.length + 1;
      if (p.imageId !== null) lines.push(`IMGID:${p.imageId}`);
      for (const [tok, tg] of p.rows) lines.push(`${tok}\t${tg}${tagSpace}`);
      expected.push({ imageId: p.imageId, tokens: p.rows.map(([t]) => t), tags: p.rows.map(([, t]) => t), line });
    });
    if (leading) lines.push(...blanks[4]);
    return { lines, posts: expected, bom, crlf };
  });

function bytesOf(lines: readonly string[], bom: boolean, crlf: boolean): Uint8Array {
  return utf8.encode((bom ? '\uFEFF' : '') + lines.join(crlf ? '\r\n' : '\n'));
}

// ---------- one fault ----------

const badTag = fc.string({ maxLength: 6 }).filter((t) => !/[\t\r\n]/.test(t) && !TAG.test(t.trim()));

/** A fault to put into a valid file: the line it replaces or precedes, what it says. */
type Fault = (f: ValidFile, pick: number) => { lines: string[]; line: number };

const tokenLines = (f: ValidFile) => f.posts.flatMap((p) => p.tokens.map((_, i) => tokenLine(p, i)));
const replaceLine = (f: ValidFile, at: number, text: string) => ({ lines: f.lines.map((l, i) => (i === at - 1 ? text : l)), line: at });

const faults: fc.Arbitrary<Fault> = fc.oneof(
  // a token line without its tab
  fc.constant<Fault>((f, pick) => {
    const at = tokenLines(f)[pick % tokenLines(f).length];
    return replaceLine(f, at, `x${f.lines[at - 1].replace('\t', ' ')}`);
  }),
  // a second tab
  fc.constant<Fault>((f, pick) => {
    const at = tokenLines(f)[pick % tokenLines(f).length];
    return replaceLine(f, at, `${f.lines[at - 1]}\tO`);
  }),
  // an empty token
  fc.constant<Fault>((f, pick) => {
    const at = tokenLines(f)[pick % tokenLines(f).length];
    return replaceLine(f, at, `\t${f.lines[at - 1].split('\t')[1]}`);
  }),
  // a tag outside O / B- / I- / E- / S-
  badTag.map<Fault>((bad) => (f, pick) => {
    const at = tokenLines(f)[pick % tokenLines(f).length];
    // The x keeps a white-space token with an empty tag from making a blank line.
    return replaceLine(f, at, `x${f.lines[at - 1].split('\t')[0]}\t${bad}`);
  }),
  // an IMGID line after a token of a post
  fc.constant<Fault>((f, pick) => {
    const at = tokenLines(f)[pick % tokenLines(f).length];
    return { lines: [...f.lines.slice(0, at), 'IMGID:1', ...f.lines.slice(at)], line: at + 1 };
  }),
  // an IMGID block without tokens, or an empty IMGID, before a post
  fc.constantFrom('IMGID:9\n', 'IMGID:', 'IMGID:  ').map<Fault>((bad) => (f, pick) => {
    const p = f.posts[pick % f.posts.length];
    const lines = bad.split('\n');
    return { lines: [...f.lines.slice(0, p.line - 1), ...lines, ...f.lines.slice(p.line - 1)], line: p.line };
  }),
);

// ---------- properties ----------

export const dataReaderProperties: FuzzProperty[] = [
  {
    name: 'data file: any bytes give posts or a DataFormatError naming the file and a line',
    run: (params) => {
      const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: fc.constantFrom('IMGID:', 'a', '\t', 'O', 'B-X', 'I-', '\n', '\r', ' ', '\uFEFF', 'é'), maxLength: 40 }));
      const bytes = fc.oneof(fc.uint8Array({ maxLength: 60 }), text.map((s) => utf8.encode(s)), fc.tuple(text, fc.uint8Array({ maxLength: 4 })).map(([s, b]) => Buffer.concat([utf8.encode(s), b])));
      fc.assert(
        fc.property(bytes, (b) => {
          const lines = b.filter((x) => x === 0x0a).length + 1;
          let posts: AnnotatedPost[];
          try {
            posts = parseTwitterNerFile(b, FILE);
          } catch (err) {
            if (!(err instanceof DataFormatError)) throw new Error(`threw ${String(err)}, not a DataFormatError`);
            checkNamesFile(err, lines);
            return;
          }
          if (posts.length === 0) throw new Error('read no posts without an error');
          for (const p of posts) if (p.tokens.length === 0 || p.tokens.length !== p.tags.length) throw new Error('a post with no tokens or unpaired tags');
        }),
        params,
      );
    },
  },
  {
    name: 'data file: valid files (BOM, CRLF, blank lines, IMGID or not) read back exactly, each token at its line',
    run: (params) =>
      fc.assert(
        fc.property(validFile, (f) => {
          const posts = parseTwitterNerFile(bytesOf(f.lines, f.bom, f.crlf), FILE);
          if (JSON.stringify(posts) !== JSON.stringify(f.posts)) throw new Error(`read ${JSON.stringify(posts)}`);
          for (const p of posts) p.tokens.forEach((t, i) => {
            if (!f.lines[tokenLine(p, i) - 1].startsWith(`${t}\t`)) throw new Error(`token ${JSON.stringify(t)} is not at line ${tokenLine(p, i)}`);
          });
        }),
        params,
      ),
  },
  {
    name: 'data file: one fault in a valid file gives a DataFormatError at exactly its line',
    run: (params) =>
      fc.assert(
        fc.property(validFile, faults, fc.nat(), (f, fault, pick) => {
          const broken = fault(f, pick);
          const err = formatError(() => parseTwitterNerFile(bytesOf(broken.lines, f.bom, f.crlf), FILE));
          checkNamesFile(err, broken.lines.length);
          if (err.line !== broken.line) throw new Error(`error at line ${err.line}, the fault is at ${broken.line}: ${err.message}`);
        }),
        params,
      ),
  },
  {
    name: 'data file: a byte that is not UTF-8 is named by its line and its place in the line',
    run: (params) => {
      const lineBytes = fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }).map((s) => utf8.encode(s)));
      fc.assert(
        fc.property(fc.array(lineBytes, { minLength: 1, maxLength: 6 }), (rows) => {
          const clean = rows.map((r) => r.filter((x) => x !== 0x0a));
          const bytes = Buffer.concat(clean.flatMap((r, i) => (i ? [Buffer.from([0x0a]), r] : [r])));
          const bad = clean.findIndex((r) => !isUtf8(r));
          if (bad < 0) {
            if (decodeUtf8(bytes, FILE) !== Buffer.from(bytes).toString('utf8')) throw new Error('a valid file decoded differently');
            return;
          }
          const err = formatError(() => decodeUtf8(bytes, FILE));
          if (err.line !== bad + 1) throw new Error(`error at line ${err.line}, the first bad line is ${bad + 1}`);
          const m = /byte 0x([0-9a-f]{2}) at byte (\d+) of the line/.exec(err.message);
          if (!m) throw new Error(`no byte named in ${err.message}`);
          const row = clean[bad];
          const at = Number(m[2]) - 1;
          if (row[at] !== parseInt(m[1], 16)) throw new Error(`byte ${at + 1} of the line is not 0x${m[1]}`);
          // Everything before it is UTF-8, and no character starts at it.
          if (!isUtf8(row.subarray(0, at))) throw new Error(`the line is already invalid before byte ${at + 1}`);
          for (let n = 1; n <= 4 && at + n <= row.length; n++) if (isUtf8(row.subarray(at, at + n))) throw new Error(`a character starts at byte ${at + 1}`);
        }),
        params,
      );
    },
  },
  {
    name: 'modelTokens: exact, ordered offsets; hashtags and mentions split after their sigil',
    run: (params) =>
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: fc.constantFrom('#', '@', 'a', 'B', ' ', '_', '1', 'é', '😂', '\u0301', 'http://t.co/x'), maxLength: 30 })), (text) => {
          let previousEnd = 0;
          for (const t of modelTokens(text)) {
            if (t.start < previousEnd || t.end <= t.start || text.slice(t.start, t.end) !== t.text) throw new Error(`bad token ${JSON.stringify(t)}`);
            previousEnd = t.end;
          }
        }),
        params,
      ),
  },
];
