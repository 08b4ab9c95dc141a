import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseTwitterNer, readCaptions, readTwitterNer, DataFormatError } from '../src/data/twitter-reader';

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

  it('says which file is missing or malformed', async () => {
    await expect(readTwitterNer(path.join(dir, 'nope.txt'))).rejects.toThrow(/cannot read data file .*nope\.txt/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '[1,2]');
    await expect(readCaptions(bad)).rejects.toThrow(/bad\.json: expected a JSON object/);
  });
});
