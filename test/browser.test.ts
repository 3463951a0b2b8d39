// The browser build in a real browser: Debian's Chromium, driven by playwright-core (never a browser
// download). The bundle is built from src/browser.ts in memory with the options of `npm run build:browser`,
// served with test/browser/ from a static server on 127.0.0.1, and loaded twice:
//   /coi/   with COOP/COEP headers: a cross-origin-isolated page, so the wasm backend gets shared memory;
//   /plain/ without them: no SharedArrayBuffer, so the backend falls back to its unshared one-thread build.
// The page (test/browser/checks.js) computes; this file judges what it returns.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
// @ts-expect-error — a plain .mjs build script, no type declarations
import { browserBuildOptions } from '../scripts/build-browser.mjs';

const CHROMIUM = '/usr/bin/chromium';
const PAGE_DIR = new URL('./browser/', import.meta.url);

interface ConvResult { shape: number[]; y: number[]; dx: number[]; dw: number[]; db: number[] }
interface PageResult {
  error?: string;
  crossOriginIsolated: boolean;
  userAgent: string;
  hardwareConcurrency: number;
  defaultBackend: string;
  backends: string[];
  wasmInfo: { relaxedSimd: boolean; sharedMemory: boolean; threads: number; heapBytes: number };
  corr2d: { value: number[][]; printed: string };
  conv: Record<string, ConvResult>;
  train: { backend: string; losses: number[] };
}

/** Serves index.html and checks.js from test/browser/ and the bundle, under /coi/ (isolated) and /plain/. */
function serve(bundle: Map<string, Uint8Array>): Promise<Server> {
  const types: Record<string, string> = { html: 'text/html', js: 'text/javascript', map: 'application/json' };
  const server = createServer((req, res) => {
    const m = /^\/(coi|plain)\/([\w.-]*)$/.exec(req.url ?? '');
    const name = m ? m[2] || 'index.html' : '';
    const body = bundle.get(name) ?? (['index.html', 'checks.js'].includes(name) ? readFileSync(new URL(name, PAGE_DIR)) : null);
    if (!m || !body) { res.writeHead(404).end(); return; }
    const headers: Record<string, string> = { 'Content-Type': types[name.split('.').pop()!] ?? 'application/octet-stream' };
    if (m[1] === 'coi') {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    res.writeHead(200, headers).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function maxRelDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

describe('browser build in Chromium', { timeout: 120_000 }, () => {
  let server: Server;
  let browser: Browser;
  const results: Record<string, PageResult> = {};
  // A failure while loading is kept and rethrown by every test (a failing hook would only cancel them).
  let setupError: unknown = null;
  const result = (kind: string): PageResult => {
    if (setupError) throw setupError;
    return results[kind];
  };

  before(async () => {
    try { await load(); } catch (e) { setupError = e; }
  });

  async function load(): Promise<void> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: the browser tests need Debian's Chromium; run \`apt-get install -y chromium\``);
    }
    const out = await build({ ...browserBuildOptions, write: false, metafile: false });
    const bundle = new Map(out.outputFiles.map((f) => [f.path.split('/').pop()!, f.contents]));
    server = await serve(bundle);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const port = (server.address() as AddressInfo).port;
    for (const kind of ['coi', 'plain']) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`http://127.0.0.1:${port}/${kind}/`);
      await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined, null, { timeout: 60_000 })
        .catch((e) => { throw new Error(`/${kind}/: no result from the page (${e.message}); page errors: ${errors.join('; ')}`); });
      const r = await page.evaluate(() => (window as unknown as { result: PageResult }).result);
      assert.deepEqual(errors, [], `/${kind}/: errors in the page`);
      assert.equal(r.error, undefined, `/${kind}/: the checks threw:\n${r.error}`);
      results[kind] = r;
      await page.close();
    }
    const r = results.coi;
    console.log(`# ${r.userAgent}; default backend ${r.defaultBackend}; wasmInfo ${JSON.stringify(r.wasmInfo)}; ` +
      `isolated page: ${r.crossOriginIsolated}; plain page: wasmInfo ${JSON.stringify(results.plain.wasmInfo)}; ` +
      `training loss ${r.train.losses[0].toFixed(3)} → ${r.train.losses.at(-1)!.toFixed(3)}`);
  }

  after(async () => {
    await browser?.close();
    server?.close();
  });

  for (const kind of ['coi', 'plain'] as const) {
    describe(kind === 'coi' ? 'cross-origin-isolated page' : 'page without isolation', () => {
      it('isolation is as served, and the wasm backend is the default', () => {
        const r = result(kind);
        assert.equal(r.crossOriginIsolated, kind === 'coi');
        assert.deepEqual([...r.backends].sort(), ['ref', 'wasm']);
        assert.equal(r.defaultBackend, 'wasm');
        // shared memory exactly when the page may have it; the browser has no worker pool yet: one thread
        assert.equal(r.wasmInfo.sharedMemory, kind === 'coi');
        assert.equal(r.wasmInfo.threads, 1);
      });

      it('corr2d([[0,1,2],[3,4,5],[6,7,8]], [[0,1],[2,3]]) = [[19,25],[37,43]]', () => {
        assert.deepEqual(result(kind).corr2d.value, [[19, 25], [37, 43]]);
        assert.equal(result(kind).corr2d.printed, 'tensor([[19., 25.],\n        [37., 43.]])');
      });

      it('conv2d x=[2,4,11,9] w=[6,2,3,3] s=[2,1] p=1 d=[1,2] g=2: wasm agrees with ref (forward, dX, dW, db) to 1e-4', () => {
        const { ref, wasm } = result(kind).conv;
        assert.deepEqual(ref.shape, [2, 6, 6, 7]);
        assert.deepEqual(wasm.shape, ref.shape);
        for (const k of ['y', 'dx', 'dw', 'db'] as const) {
          assert.ok(ref[k].every(Number.isFinite), `ref ${k} has a non-finite value`);
          const d = maxRelDiff(wasm[k], ref[k]);
          assert.ok(d <= 1e-4, `${k}: wasm differs from ref by ${d} (relative)`);
        }
      });

      it('a tiny CNN trains: the loss falls', () => {
        const { backend, losses } = result(kind).train;
        assert.equal(backend, 'wasm');
        assert.ok(losses.every(Number.isFinite), `losses: ${losses}`);
        assert.ok(losses.at(-1)! < 0.5 * losses[0], `loss did not halve: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
      });
    });
  }
});
