/**
 * Where the shipped weights live. In Node they sit in the package's `weights/` folder, one
 * level above both `src/` (tests, tsx) and `dist/` (the published build). In a browser the
 * caller passes a URL (e.g. a copy of that folder on a CDN).
 */
interface NodeModuleApi {
  createRequire(from: string): { resolve(id: string): string };
}

export function defaultWeightsRoot(): string {
  if (typeof __dirname === 'string') return `${__dirname}/../weights`;
  // ES module build in Node: no __dirname, so resolve the package itself.
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; cwd(): string } }).process;
  const mod = getBuiltin?.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
  if (mod && getBuiltin) {
    const pkg = mod.createRequire(`${getBuiltin.cwd()}/`).resolve('@trimod/image-captioner/package.json');
    return `${pkg.slice(0, pkg.length - 'package.json'.length)}weights`;
  }
  throw new Error("no default weights location here: pass { weights } with a folder or URL holding a copy of the package's weights/ folder");
}
