import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// The README's library example, run as a user runs it: a file of its own importing the built
// @trimod/trimod (resolved from the repository's node_modules), with no set-up before it.
const root = path.join(__dirname, '..', '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const block = /### The library: `predictStream`\n[\s\S]*?```js\n([\s\S]*?)```/.exec(readme);

describe('the README example of the library', () => {
  it('is in the README', () => {
    expect(block).not.toBeNull();
  });

  const expected = ['a PER Kawhi Leonard, LOC Toronto', 'b ', 'c the post has no "text"'];

  it('runs as an ES module: TriMod.load() with no arguments, predictStream with a per-record error', () => {
    const file = path.join(root, 'node_modules', '.readme-example.mjs');
    writeFileSync(file, block![1]);
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8', cwd: mkdtempSync(path.join(tmpdir(), 'readme-')) });
    expect(out.trim().split('\n')).toEqual(expected);
  });

  it('runs as CommonJS with the imports turned into require', () => {
    const cjs = `(async () => {\n${block![1].replace("import { TriMod } from '@trimod/trimod';", "const { TriMod } = require('@trimod/trimod');")}\n})();\n`;
    const file = path.join(root, 'node_modules', '.readme-example.cjs');
    writeFileSync(file, cjs);
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8', cwd: mkdtempSync(path.join(tmpdir(), 'readme-')) });
    expect(out.trim().split('\n')).toEqual(expected);
  });
});
