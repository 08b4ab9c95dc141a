// webgl and webgpu are optional peers of @trimod/core, and an app may leave out any backend: the
// reason initBackend gives names the package and the install command. The package is made
// missing the way Node reports it (the module factory throws Node's own "Cannot find module").
jest.mock('@tensorflow/tfjs-backend-wasm', () => {
  const err = new Error("Cannot find module '@tensorflow/tfjs-backend-wasm'\nRequire stack:\n- /app/node_modules/@trimod/core/dist/index.js");
  (err as Error & { code: string }).code = 'MODULE_NOT_FOUND';
  throw err;
});

import { version_core } from '@tensorflow/tfjs-core';
import { initBackend } from '../src';

describe('initBackend with a backend package that is not installed', () => {
  it('says which package is missing and how to install it', async () => {
    await expect(initBackend('wasm')).rejects.toThrow(
      `initBackend: no backend could start (wasm: @tensorflow/tfjs-backend-wasm is not installed (npm install @tensorflow/tfjs-backend-wasm@${version_core}, the version of tfjs-core in use))`,
    );
  });
});
