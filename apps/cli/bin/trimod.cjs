#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI itself is built to ../dist by tsup (npm ci runs the build).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'index.js');
if (!fs.existsSync(entry)) {
  console.error('trimod: the CLI is not built yet (' + entry + ' is missing). Run `npm run build` at the repository root.');
  process.exit(1);
}
require(entry).main(process.argv).catch((err) => {
  console.error('trimod: ' + (err && err.message ? err.message : String(err)));
  process.exit(1);
});
