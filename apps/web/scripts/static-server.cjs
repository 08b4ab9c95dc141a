#!/usr/bin/env node
/**
 * A small static file server for the built site (no dependencies): the e2e test serves
 * apps/web/dist with it, and `npm run serve -w apps/web` does the same by hand.
 *   node scripts/static-server.cjs [folder=dist] [port=8080] [host=127.0.0.1]
 */
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const stream = require('node:stream');

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

/**
 * The file a request path names inside root, or null for a path no file can have: one that
 * does not start with "/", is not valid percent-encoding, holds a NUL byte (fs refuses those
 * with a thrown ERR_INVALID_ARG_VALUE) or climbs out of root.
 */
function fileFor(root, urlPath) {
  const raw = urlPath.split('?')[0];
  if (!raw.startsWith('/')) return null;
  let rel;
  try {
    rel = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const file = path.resolve(root, '.' + (rel.endsWith('/') ? rel + 'index.html' : rel));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function sendText(res, status, text, headers = {}) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers }).end(text);
}

/**
 * Answers one request. Every failure becomes a response (or a closed connection), never an
 * exception: the file is opened once, sized from its descriptor, and streamed with
 * stream.pipeline, which closes the descriptor however the response ends (complete, aborted by
 * the client, or failed).
 */
function handle(dir, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  const file = fileFor(dir, req.url || '/');
  if (!file) {
    sendText(res, 400, 'bad path\n');
    return;
  }
  fs.open(file, 'r', (openErr, fd) => {
    if (openErr) {
      sendText(res, openErr.code === 'ENOENT' || openErr.code === 'ENOTDIR' || openErr.code === 'EISDIR' ? 404 : 403, `not found: ${req.url}\n`);
      return;
    }
    const closeFd = () => fs.close(fd, () => {});
    fs.fstat(fd, (statErr, st) => {
      if (statErr || !st.isFile()) {
        closeFd();
        sendText(res, 404, `not found: ${req.url}\n`);
        return;
      }
      // The client may have gone while we opened the file.
      if (res.destroyed) {
        closeFd();
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Length': st.size,
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD' || st.size === 0) {
        closeFd();
        res.end();
        return;
      }
      const body = fs.createReadStream(file, { fd, autoClose: true });
      stream.pipeline(body, res, () => {
        // Errors (a client that hung up, a read failure) end here: pipeline has already
        // destroyed both streams and so closed the descriptor.
      });
    });
  });
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
    try {
      handle(dir, req, res);
    } catch (err) {
      // A bug above must cost one response, not the server.
      console.error(`static-server: ${req.method} ${req.url}: ${err && err.message}`);
      sendText(res, 500, 'internal error\n');
    }
  });
  // A malformed request line or header: answer 400 and drop the connection.
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}/`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          }),
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
