import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const packageRoot = path.join(__dirname, '..');
const examplePath = path.join(packageRoot, 'examples', 'tiny-tagger.ts');

describe('the README example', () => {
  test('is the code of examples/tiny-tagger.ts, verbatim', () => {
    const readme = fs.readFileSync(path.join(packageRoot, 'README.md'), 'utf8');
    const block = /```ts\n(\/\/ A tiny named-entity tagger[\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    expect(block![1]).toBe(fs.readFileSync(examplePath, 'utf8'));
  });

  test('runs and learns to tag its training sentences', () => {
    const tsx = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
    const output = execFileSync(process.execPath, [tsx, '--tsconfig', path.join(packageRoot, 'tsconfig.scripts.json'), examplePath], {
      cwd: packageRoot,
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(output).toContain('alice/B-PER smith/I-PER visited/O paris/B-LOC');
    expect(output).toContain('bob/B-PER lives/O in/O new/B-LOC york/I-LOC');
    expect(output).toContain('paris/B-LOC is/O big/O');
    expect(output).toMatch(/p\("paris" is B-LOC\) = 0\.9\d\d|p\("paris" is B-LOC\) = 1\.000/);
    const losses = [...output.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
    expect(losses.length).toBe(5);
    expect(losses[4]).toBeLessThan(losses[0] / 10);
  });
});
