// scripts/playground.mjs — `npm run playground [-- --port N] [--no-docs]`: builds the playground
// (scripts/build-playground.mjs) into site/ and serves site/ on http://localhost:PORT (default 5173).
//
// Every response carries Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
// require-corp, so the pages are cross-origin isolated (SharedArrayBuffer: initWasmThreads starts the wasm
// backend's worker threads), and Cross-Origin-Resource-Policy: same-origin. The server is node:http, a few
// lines: files under the root only, content types by extension, index.html for a folder.

import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlayground } from './build-playground.mjs';

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.ico': 'image/x-icon',
  '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8', '.woff2': 'font/woff2',
  '.safetensors': 'application/octet-stream', '.bin': 'application/octet-stream', '.gz': 'application/gzip',
};

/** The headers every response carries: cross-origin isolation (wasm threads need it). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves the files of `dir` on `host`:`port` (port 0: any free one). Resolves to { server, url, close }.
 * @param {{ dir: string, port?: number, host?: string }} opts
 */
export function serveSite(opts) {
  const root = resolve(opts.dir);
  const server = createServer((req, res) => {
    const send = (status, text) => res.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end(text);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let path;
    try { path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname); } catch { return send(400, 'bad request'); }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return send(403, 'forbidden');
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!path.endsWith('/')) { res.writeHead(301, { ...ISOLATION_HEADERS, Location: `${path}/` }).end(); return; }
      file = join(file, 'index.html');
    }
    if (!existsSync(file) || !statSync(file).isFile()) return send(404, `not found: ${path}`);
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      const { port } = server.address();
      resolvePromise({ server, url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`, close: () => new Promise((r) => server.close(() => r()))});
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--port');
  const port = i >= 0 ? Number(args[i + 1]) : Number(process.env.PORT ?? 5173);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`playground: --port must be a port number, got ${args[i + 1]}`);
    process.exit(1);
  }
  const built = await buildPlayground({ docs: !args.includes('--no-docs') });
  try {
    const { url } = await serveSite({ dir: built.outDir, port });
    console.log(`playground: serving ${built.outDir} at ${url}/  (Ctrl-C stops)`);
  } catch (e) {
    console.error(`playground: cannot listen on port ${port}: ${e.code ?? e.message}${e.code === 'EADDRINUSE' ? ' (try --port N)' : ''}`);
    process.exit(1);
  }
}
