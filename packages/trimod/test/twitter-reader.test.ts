import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseTwitterNer, readCaptions, readTwitterNer, tokenLine, DataFormatError } from '../src/data/twitter-reader';

// A fixture in the dataset's shape, written for these tests.
const SAMPLE = ['IMGID:1001', 'Kawhi\tB-PER', 'Leonard\tI-PER', 'wins\tO', '', 'IMGID:1002', '#\tO', 'NBA\tB-ORG', '', ''].join('\n');

describe('parseTwitterNer', () => {
  it('reads posts, image ids, tokens and tags', () => {
    const posts = parseTwitterNer(SAMPLE, 'sample.txt');
    expect(posts).toEqual([
      { imageId: '1001', tokens: ['Kawhi', 'Leonard', 'wins'], tags: ['B-PER', 'I-PER', 'O'], line: 1 },
      { imageId: '1002', tokens: ['#', 'NBA'], tags: ['O', 'B-ORG'], line: 6 },
    ]);
  });

  it('accepts CRLF line ends and a missing IMGID line', () => {
    const posts = parseTwitterNer('Paris\tB-LOC\r\n\r\n', 'x.txt');
    expect(posts).toEqual([{ imageId: null, tokens: ['Paris'], tags: ['B-LOC'], line: 1 }]);
  });

  it('names file and line of a line without a tab', () => {
    expect(() => parseTwitterNer('IMGID:1\nKawhi B-PER\n', 'bad.txt')).toThrow('bad.txt:2: expected "token<TAB>tag", found no tab');
  });

  it('names file and line of a bad tag', () => {
    expect(() => parseTwitterNer('IMGID:1\nKawhi\tB-PER\nwins\tX\n', 'bad.txt')).toThrow(/bad\.txt:3: bad tag "X"/);
  });

  it('accepts a UTF-8 byte-order mark before the first line', () => {
    expect(parseTwitterNer('\uFEFFIMGID:1\nParis\tB-LOC\n', 'bom.txt')).toEqual([{ imageId: '1', tokens: ['Paris'], tags: ['B-LOC'], line: 1 }]);
    expect(parseTwitterNer('\uFEFFParis\tB-LOC\n', 'bom.txt')[0].tokens).toEqual(['Paris']);
  });

  it('tokenLine gives the file line of each token, with and without IMGID', () => {
    const text = 'IMGID:1\nKawhi\tB-PER\nwins\tO\n\nParis\tB-LOC\nrocks\tO\n';
    const lines = text.split('\n');
    const posts = parseTwitterNer(text, 'f.txt');
    for (const p of posts) p.tokens.forEach((tok, i) => expect(lines[tokenLine(p, i) - 1]).toBe(`${tok}\t${p.tags[i]}`));
  });

  it('rejects an IMGID block without tokens and an IMGID inside a post', () => {
    expect(() => parseTwitterNer('IMGID:1\n\nIMGID:2\na\tO\n', 'f.txt')).toThrow(DataFormatError);
    expect(() => parseTwitterNer('IMGID:1\na\tO\nIMGID:2\nb\tO\n', 'f.txt')).toThrow('f.txt:3: IMGID line inside a post');
  });
});

describe('files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trimod-data-'));

  it('reads a data file and a captions file', async () => {
    const data = path.join(dir, 'train.txt');
    const caps = path.join(dir, 'captions.json');
    writeFileSync(data, SAMPLE);
    writeFileSync(caps, JSON.stringify({ '1001.jpg': 'a basketball player', '1002.jpg': 'a logo' }));
    expect((await readTwitterNer(data)).length).toBe(2);
    const map = await readCaptions(caps);
    expect(map.get('1001')).toBe('a basketball player');
  });

  it('reads data and captions files that start with a byte-order mark', async () => {
    const data = path.join(dir, 'bom.txt');
    const caps = path.join(dir, 'bom.json');
    writeFileSync(data, '\uFEFF' + SAMPLE);
    writeFileSync(caps, '\uFEFF' + JSON.stringify({ '1001.jpg': 'a player' }));
    expect((await readTwitterNer(data))[0].tokens).toEqual(['Kawhi', 'Leonard', 'wins']);
    expect((await readCaptions(caps)).get('1001')).toBe('a player');
  });

  it('names file and line of bytes that are not UTF-8', async () => {
    const data = path.join(dir, 'latin1.txt');
    // Line 3 holds "Zürich" in Latin-1 (0xfc), as a file saved in the wrong encoding would.
    writeFileSync(data, Buffer.concat([Buffer.from('IMGID:1\nin\tO\nZ'), Buffer.from([0xfc]), Buffer.from('rich\tB-LOC\n')]));
    const err = await readTwitterNer(data).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).line).toBe(3);
    expect((err as Error).message).toMatch(/latin1\.txt:3: invalid UTF-8 \(byte 0xfc at byte 2 of the line\)/);
    // A multi-byte character cut short is found too, and so are bad bytes in a captions file.
    writeFileSync(data, Buffer.concat([Buffer.from('a\tO\n\nb\tO\n'), Buffer.from([0xc3, 0x41, 0x0a])]));
    await expect(readTwitterNer(data)).rejects.toThrow(/latin1\.txt:4: invalid UTF-8 \(byte 0xc3 at byte 1/);
    const caps = path.join(dir, 'latin1.json');
    writeFileSync(caps, Buffer.concat([Buffer.from('{\n"1.jpg": "Z'), Buffer.from([0xfc]), Buffer.from('rich"}')]));
    await expect(readCaptions(caps)).rejects.toThrow(/latin1\.json:2: invalid UTF-8/);
  });

  it('refuses a data file without posts, naming it', async () => {
    for (const [name, content] of [['empty.txt', ''], ['blank.txt', '\n  \n\t\n\n']]) {
      const data = path.join(dir, name);
      writeFileSync(data, content);
      await expect(readTwitterNer(data)).rejects.toThrow(`no posts in ${data}`);
    }
  });

  it('says which file is missing or malformed', async () => {
    await expect(readTwitterNer(path.join(dir, 'nope.txt'))).rejects.toThrow(/cannot read data file .*nope\.txt/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '[1,2]');
    await expect(readCaptions(bad)).rejects.toThrow(/bad\.json: expected a JSON object/);
  });
});
