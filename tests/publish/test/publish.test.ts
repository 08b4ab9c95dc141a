import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PUBLISHED, npm, npmEnv, checkNpmRegistry } from './helpers/npm';
import { startVerdaccio, type Verdaccio } from './helpers/verdaccio';

// Every package is packed and published to a private Verdaccio (non-@trimod packages come from
// the npm registry through its proxy), then a fresh folder installs the CLI and @trimod/trimod
// from it, as a stranger would, and both tag a post: the packages' files, dependency ranges,
// peers, bin and bundled model are what a real install gets.
const root = path.join(__dirname, '..', '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'trimod-publish-'));
const cliName = (JSON.parse(readFileSync(path.join(root, 'apps/cli/package.json'), 'utf8')) as { name: string }).name;
let registry: Verdaccio | undefined;
const started = Date.now();

beforeAll(async () => {
  await checkNpmRegistry();
  registry = await startVerdaccio(path.join(work, 'verdaccio'));
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
  console.log(`publish test: ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
});

/** Every installed copy of `name` under a node_modules folder, nested ones included. */
function copiesOf(nodeModules: string, name: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    if (existsSync(path.join(dir, name, 'package.json'))) found.push(path.join(dir, name));
    for (const entry of readdirSync(dir)) {
      const sub = entry.startsWith('@') ? readdirSync(path.join(dir, entry)).map((e) => path.join(dir, entry, e)) : [path.join(dir, entry)];
      for (const pkg of sub) if (existsSync(path.join(pkg, 'node_modules'))) visit(path.join(pkg, 'node_modules'));
    }
  };
  visit(nodeModules);
  return found;
}

interface Prediction {
  entities: Array<{ text: string; type: string }>;
}

function expectKawhi(prediction: Prediction): void {
  expect(prediction.entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'PER', text: 'Kawhi Leonard' })]));
}

it('publishes every package, installs trimod and @trimod/trimod from the registry, and both tag a post', () => {
  const env = npmEnv(registry!.url, work);
  const tarballs = path.join(work, 'tarballs');
  mkdirSync(tarballs);
  for (const dir of PUBLISHED) {
    npm(['pack', '--pack-destination', tarballs], path.join(root, dir), env, 120_000);
  }
  const packed = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  expect(packed).toHaveLength(PUBLISHED.length);
  for (const file of packed) npm(['publish', path.join(tarballs, file), '--access', 'public'], work, env, 120_000);

  const app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'stranger-app', version: '1.0.0', private: true }));
  npm(['install', '--no-audit', '--no-fund', cliName, '@trimod/trimod'], app, env, 480_000);

  // tfjs-core and the backends are peers: one copy each, whatever @trimod/* package asks for them.
  expect(copiesOf(path.join(app, 'node_modules'), '@tensorflow/tfjs-core')).toEqual([path.join(app, 'node_modules/@tensorflow/tfjs-core')]);
  expect(copiesOf(path.join(app, 'node_modules'), '@tensorflow/tfjs-backend-wasm')).toHaveLength(1);

  const cli = npm(['--no', 'trimod', 'predict', '--json', 'Kawhi Leonard wins in Toronto'], app, env, 120_000, 'npx');
  expectKawhi(JSON.parse(cli) as Prediction);

  const example = path.join(app, 'example.mjs');
  writeFileSync(
    example,
    "import { TriMod } from '@trimod/trimod';\nconst m = await TriMod.load();\nconsole.log(JSON.stringify(await m.predict(['Kawhi Leonard wins in Toronto'])));\n",
  );
  const out = npm([example], app, env, 120_000, 'node');
  const [prediction] = JSON.parse(out.trim().split('\n').pop()!) as Prediction[];
  expectKawhi(prediction);
});
