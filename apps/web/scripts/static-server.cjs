#!/usr/bin/env node
/**
 * A small static file server for the built site (no dependencies): the e2e test serves
 * apps/web/dist with it, and `npm run serve -w apps/web` does the same by hand.
 *   node scripts/static-server.cjs [folder=dist] [port=8080] [host=127.0.0.1]
 */
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

/** The file a request path names inside root, or null (also when the path climbs out of it). */
function fileFor(root, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  const file = path.resolve(root, '.' + (rel.endsWith('/') ? rel + 'index.html' : rel));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

/**
 * Serves `root` on host:port (port 0 picks a free one).
 * Resolves to { url, close() } once listening.
 */
function serveStatic(root, { port = 0, host = '127.0.0.1' } = {}) {
  const dir = path.resolve(root);
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    return Promise.reject(new Error(`serveStatic: ${dir} has no index.html (build the site first: npm run build -w apps/web)`));
  }
  const server = http.createServer((req, res) => {
    const file = fileFor(dir, req.url || '/');
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(file ? 405 : 400).end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${req.url}\n`);
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Length': st.size,
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

module.exports = { serveStatic };

if (require.main === module) {
  const [root = 'dist', port = '8080', host = '127.0.0.1'] = process.argv.slice(2);
  serveStatic(root, { port: Number(port), host }).then(
    ({ url }) => console.log(`serving ${path.resolve(root)} at ${url} (Ctrl+C stops)`),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
