#!/usr/bin/env node
/**
 * Sizes of the built site (apps/web/dist): each JavaScript chunk (loaded at start or on demand),
 * the CSS, tfjs's .wasm files and each model folder, raw and gzipped. Prints a Markdown table
 * (the README's) and writes dist/sizes.json.
 *   node scripts/sizes.mjs [dist]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(process.argv[2] ?? 'dist');

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)],
  );
}

function measure(files) {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(f);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

// Vite's manifest: the entry chunk and what it imports statically load at start; the rest
// (dynamic imports: each tfjs backend, tfjs-converter for objects) only when needed.
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));
const atStart = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || atStart.has(chunk.file)) return;
  atStart.add(chunk.file);
  for (const k of chunk.imports ?? []) visit(k);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);

/** What a chunk holds, from its manifest key: the page, a package it starts, or shared code. */
function chunkLabel(file) {
  const [key, chunk] = Object.entries(manifest).find(([, c]) => c.file === file) ?? [file, {}];
  if (chunk.isEntry) return `${file}: the page, TriMod and the tfjs-core ops they use`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(key);
  if (pkg) return `${file}: ${pkg[1]}`;
  if (key.includes('vite-browser-external')) return `${file}: Vite's stand-in for Node built-ins (Node-only paths, never run here)`;
  return atStart.has(file) ? `${file}: tfjs-core's engine and utilities (shared with the backends)` : `${file}: code the backend chunks share`;
}

const rows = [];
const all = filesUnder(dist).map((f) => path.relative(dist, f).split(path.sep).join('/'));
const js = all.filter((f) => f.endsWith('.js'));
const group = (label, files) => rows.push({ label, files, ...measure(files.map((f) => path.join(dist, f))) });
group('**JavaScript loaded at start**', js.filter((f) => atStart.has(f)));
for (const f of js.filter((f) => atStart.has(f))) group(`↳ ${chunkLabel(f)}`, [f]);
group('**JavaScript loaded on demand** (all of it; a page loads one backend)', js.filter((f) => !atStart.has(f)));
for (const f of js.filter((f) => !atStart.has(f))) group(`↳ ${chunkLabel(f)}`, [f]);
group('CSS', all.filter((f) => f.endsWith('.css')));
for (const f of all.filter((f) => f.endsWith('.wasm'))) group(f, [f]);
// The captioner's decoder/ may name further decoders (decoder-2/, ...) as its ensemble: list them all.
const decoders = [...new Set(all.map((f) => f.match(/^models\/captioner\/(decoder(?:-\d+)?)\//)?.[1]).filter(Boolean))].sort();
const folders = ['models/trimod', 'models/segmenter', 'models/captioner/backbone', ...decoders.map((d) => `models/captioner/${d}`), 'models/captioner/centernet'];
for (const dir of folders) group(`${dir}/`, all.filter((f) => f.startsWith(dir + '/')));
group('**whole site**', all);

const kb = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);
const lines = ['| what | raw | gzip |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.label} | ${kb(r.raw)} | ${kb(r.gzip)} |`)];
console.log(lines.join('\n'));
writeFileSync(path.join(dist, 'sizes.json'), JSON.stringify(rows.map(({ label, raw, gzip, files }) => ({ what: label.replace(/\*\*|↳ /g, ''), raw, gzip, files })), null, 2) + '\n');
