import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The bundled default model ships inside @trimod/trimod (its `model/` folder); the CLI finds it
 * through Node's resolution so it works from any working directory.
 */
export function defaultModelPath(): string {
  const pkg = require.resolve('@trimod/trimod/package.json');
  const dir = path.join(path.dirname(pkg), 'model');
  if (!fs.existsSync(path.join(dir, 'model.json'))) {
    throw new Error(`the bundled default model is missing (${dir}/model.json); pass --model DIR`);
  }
  return dir;
}

export function resolveModel(spec: string | undefined): string {
  return !spec || spec === 'default' ? defaultModelPath() : path.resolve(spec);
}
