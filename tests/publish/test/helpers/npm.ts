import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The workspaces that are published, as folders of the repository. */
export const PUBLISHED = [
  'packages/core',
  'packages/crf',
  'packages/text-encoder',
  'packages/hashtag-segmenter',
  'packages/image-captioner',
  'packages/fusion',
  'packages/trimod',
  'apps/cli',
];

const NPM_REGISTRY = 'https://registry.npmjs.org/';

/** Fails with one clear line when the npm registry (Verdaccio's uplink for tfjs and the rest) is unreachable. */
export async function checkNpmRegistry(): Promise<void> {
  try {
    const res = await fetch(`${NPM_REGISTRY}-/ping`, { signal: AbortSignal.timeout(20_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    throw new Error(
      `the publish test needs ${NPM_REGISTRY} (Verdaccio proxies tfjs and the other dependencies from it), which is unreachable: ${(err as Error).message}`,
    );
  }
}

/**
 * An environment for npm that talks only to the test's registry: a temporary user .npmrc with a
 * throwaway token (npm refuses to publish without one; Verdaccio lets anyone publish @trimod/*),
 * and none of the npm_config_* variables that `npm test` passes down (a workspace, a registry).
 */
export function npmEnv(registryUrl: string, work: string): NodeJS.ProcessEnv {
  const npmrc = path.join(work, '.npmrc');
  const host = registryUrl.replace(/^https?:/, '');
  writeFileSync(npmrc, `registry=${registryUrl}\n${host}:_authToken=throwaway-token-for-the-publish-test\n`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_(config|package|lifecycle)_/i.test(k)) env[k] = v;
  // The repository's node_modules/.bin (on PATH under `npm test`) must not lend its `trimod`.
  const repo = path.join(__dirname, '..', '..', '..', '..');
  env.PATH = (env.PATH ?? '').split(path.delimiter).filter((dir) => !path.resolve(dir).startsWith(repo + path.sep)).join(path.delimiter);
  env.npm_config_userconfig = npmrc;
  env.npm_config_registry = registryUrl;
  env.npm_config_update_notifier = 'false';
  return env;
}

/** Runs npm (or npx, or node), bounded in time; throws with the command and its output's tail. */
export function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, program: 'npm' | 'npx' | 'node' = 'npm'): string {
  const command = program === 'node' ? process.execPath : program;
  const res = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) {
    const why = res.error ? res.error.message : res.signal ? `killed by ${res.signal} after ${timeoutMs / 1000} s` : `exit ${res.status}`;
    const tail = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`\`${program} ${args.join(' ')}\` in ${cwd} failed (${why}):\n${tail}`);
  }
  return res.stdout;
}
