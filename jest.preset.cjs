// Shared jest settings: TypeScript through SWC (fast, no type check; `npm run lint` type-checks).
// Our own packages resolve to their sources, so a test sees the current code of every package
// without a rebuild (the build itself is checked by `nx run-many -t build` and the CLI tests).
const path = require('node:path');
const root = __dirname;

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: {
    '^@trimod/(core|crf|text-encoder|hashtag-segmenter|image-captioner|fusion|trimod)$': path.join(root, 'packages/$1/src/index.ts'),
    // core's subpath export (package.json "exports": "./artifacts").
    '^@trimod/core/artifacts$': path.join(root, 'packages/core/src/artifacts/index.ts'),
  },
  // tfjs-core's gradient and chained-op registrations exist only as ESM (see
  // packages/core/src/tfjs-setup.ts): let SWC turn those files into CJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!@tensorflow/tfjs-core/dist/(?!tf-core))'],
  setupFiles: [path.join(root, 'jest.setup.cjs')],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json', 'cjs', 'mjs'],
  testTimeout: 120000,
};
