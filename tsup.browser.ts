import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import type { Options } from 'tsup';

/**
 * The browser build of a package (dist/browser.mjs, picked by the "browser" export condition).
 * Bundlers must never meet Node's builtins or Node-only dependencies (pngjs) in what we publish
 * for browsers: esbuild --platform=browser failed on 4 to 29 of them per package. Two rules:
 *
 * - A relative import of `./x-node` resolves to `./x-browser.ts` when that twin exists: one
 *   concern (e.g. PNG decoding), one Node file and one browser file with the same exports.
 * - A Node builtin may only be imported dynamically (behind a Node check, as the artifact and
 *   file readers do); here it becomes a module that throws a clear error when loaded, so the
 *   builtin is gone from the output. A static import of a builtin fails this build, naming the file.
 */
export function browserBuild(): Options {
  return {
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    // The Node build (packageBuild) cleans dist/ and keeps browser.mjs; this one cleans nothing.
    clean: false,
    target: 'es2022',
    platform: 'browser',
    // One file: stubbed builtins inline, no chunk files to collide with the Node build's.
    splitting: false,
    skipNodeModulesBundle: true,
    // tsup would mark every `node:` import external (and strip the prefix) before our plugin runs.
    removeNodeProtocol: false,
    // tsup's externals plugin runs before ours and would keep `node:fs` external: let it through.
    noExternal: [BUILTIN_RE],
    esbuildPlugins: [browserVariants()],
  };
}

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));
const BUILTIN_RE = new RegExp(`^(node:.+|${[...BUILTINS].map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`);

function browserVariants(): Plugin {
  return {
    name: 'trimod-browser-variants',
    setup(build) {
      build.onResolve({ filter: /^\.{1,2}\/.*-node$/ }, (args) => {
        const twin = path.join(args.resolveDir, `${args.path.replace(/-node$/, '-browser')}.ts`);
        return existsSync(twin) ? { path: twin } : undefined;
      });
      build.onResolve({ filter: BUILTIN_RE }, (args) => {
        const where = path.relative(process.cwd(), args.importer);
        if (args.kind !== 'dynamic-import') {
          return { errors: [{ text: `${where} imports the Node builtin "${args.path}" statically: import it dynamically behind a Node check, or move the code into a -node.ts file with a -browser.ts twin` }] };
        }
        return { path: args.path, namespace: 'node-builtin', pluginData: where };
      });
      build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`"${args.path}" is Node-only and not part of this package's browser build (needed by ${args.pluginData as string}); that feature works only in Node`)});\n`,
        loader: 'js',
      }));
    },
  };
}
