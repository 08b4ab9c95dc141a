import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * The WebAssembly bytes embedded in src/gru/native/gru-wasm-bytes.ts must be what
 * assembly/gru.ts compiles to now: the script rebuilds in memory and fails on any difference,
 * so an edit to the kernel's source without a rebuild fails here.
 */
test('the committed native GRU module matches its AssemblyScript source', () => {
  const root = path.resolve(__dirname, '..');
  const out = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: root, encoding: 'utf8', timeout: 60000 });
  expect(out).toMatch(/matches assembly\/gru.ts/);
});
