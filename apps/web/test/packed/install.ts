import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO = path.resolve(__dirname, '../../../..');

/** The library packages a user installs from npm, by workspace name. */
export const PUBLIC_PACKAGES = ['core', 'crf', 'text-encoder', 'hashtag-segmenter', 'image-captioner', 'fusion', 'trimod'];

/**
 * Installs the packages the way npm would publish them: `npm pack` (the "files" lists decide what
 * ships), each tarball extracted into `<project>/node_modules/@trimod/<name>`. Their other
 * dependencies (tfjs, jpeg-js, ...) are the repository's, linked in: the test is about our
 * packages' contents and export conditions, and needs no network.
 */
export async function installPacked(project: string): Promise<void> {
  const tarballs = path.join(project, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  // --ignore-scripts: pack what is built (nx builds the packages before this test), rebuild nothing.
  const workspaces = PUBLIC_PACKAGES.flatMap((p) => ['-w', `@trimod/${p}`]);
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tarballs, ...workspaces], {
    cwd: REPO,
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  const packed = JSON.parse(stdout) as Array<{ name: string; filename: string }>;
  const modules = path.join(project, 'node_modules');
  for (const { name, filename } of packed) {
    const dest = path.join(modules, name);
    mkdirSync(dest, { recursive: true });
    // npm tarballs hold everything under package/.
    await run('tar', ['-xzf', path.join(tarballs, path.basename(filename)), '-C', dest, '--strip-components=1'], { timeout: 60_000 });
  }
  const repoModules = path.join(REPO, 'node_modules');
  for (const entry of readdirSync(repoModules)) {
    // @trimod holds links to the workspaces' sources: ours come from the tarballs instead.
    if (entry === '@trimod' || entry.startsWith('.')) continue;
    symlinkSync(path.join(repoModules, entry), path.join(modules, entry));
  }
}
