// test/helpers/chromium.ts — what the tests that run convnet in a real browser share: Debian's Chromium
// driven by playwright-core (never a browser download), the browser bundle built in memory with the
// options of `npm run build:browser` (so a test always runs the current source), and a static server on
// 127.0.0.1 (a secure context, as WebGPU and WebCrypto need) that serves it beside a folder of pages.
//
//   const bundle = await buildBrowserBundle();
//   const server = await servePages({ bundle, dir: new URL('./browser/', import.meta.url) });
//   const browser = await launchChromium();
//   const r = await pageResult(browser, `${server.url}/coi/index.html`);   // window.result, once set
//
// Paths are /<mode>/<file>: mode 'coi' adds the COOP/COEP headers (a cross-origin-isolated page: shared
// memory, wasm threads), any other mode serves the same files without them.

import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error — a plain .mjs build script, no type declarations
import { browserBuildOptions } from '../../scripts/build-browser.mjs';

export const CHROMIUM = '/usr/bin/chromium';

/** The browser bundle (dist/browser/convnet.js and its map), built in memory: file name → bytes. */
export async function buildBrowserBundle(): Promise<Map<string, Uint8Array>> {
  const out = await build({ ...browserBuildOptions, write: false, metafile: false });
  return new Map(out.outputFiles.map((f) => [f.path.split('/').pop()!, f.contents]));
}

const TYPES: Record<string, string> = {
  html: 'text/html', js: 'text/javascript', mjs: 'text/javascript', map: 'application/json', json: 'application/json',
  png: 'image/png', jpg: 'image/jpeg', safetensors: 'application/octet-stream',
};

export interface PageServer {
  server: Server;
  /** http://127.0.0.1:PORT */
  url: string;
  close(): void;
}

/**
 * Serves /<mode>/<name>: `bundle`'s files first, then `extra` (name → bytes, e.g. data files), then the
 * files of `dir`; `index` is what /<mode>/ serves. Names are plain file names (no subfolders).
 */
export function servePages(opts: { bundle: Map<string, Uint8Array>; dir: URL; extra?: Map<string, Uint8Array>; index?: (mode: string) => string }): Promise<PageServer> {
  const server = createServer((req, res) => {
    const m = /^\/([\w-]+)\/([\w.-]*)(\?.*)?$/.exec(req.url ?? '');
    if (!m) { res.writeHead(404).end(); return; }
    const [, mode, file] = m;
    const name = file || (opts.index?.(mode) ?? 'index.html');
    let body = opts.bundle.get(name) ?? opts.extra?.get(name) ?? null;
    if (!body) {
      const path = new URL(name, opts.dir);
      if (existsSync(path)) body = readFileSync(path);
    }
    if (!body) { res.writeHead(404).end(); return; }
    const headers: Record<string, string> = { 'Content-Type': TYPES[name.split('.').pop()!] ?? 'application/octet-stream' };
    if (mode === 'coi') {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    res.writeHead(200, headers).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resolve({ server, url, close: () => server.close() });
  }));
}

/** Debian's Chromium, headless; an error with the install command when it is missing. (No --disable-gpu
 *  by default: the webgpu pages need Chromium's GPU process for SwiftShader's WebGPU adapter.) */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: the browser tests need Debian's Chromium; run \`apt-get install -y chromium\``);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/**
 * Opens `url`, waits until the page sets window.result, and returns it. Errors the page throws or logs
 * fail the call (with the page's messages), as does a result with an `error` field.
 */
export async function pageResult<T>(browser: Browser, url: string, timeoutMs = 60_000): Promise<T> {
  const page = await browser.newPage();
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(url);
    await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined, null, { timeout: timeoutMs })
      .catch((e) => { throw new Error(`${url}: no result from the page (${e.message}); page errors: ${errors.join('; ')}`); });
    const r = await page.evaluate(() => (window as unknown as { result: T & { error?: string } }).result);
    if (errors.length) throw new Error(`${url}: errors in the page: ${errors.join('; ')}`);
    if (r.error !== undefined) throw new Error(`${url}: the page's checks threw:\n${r.error}`);
    return r;
  } finally {
    await page.close();
  }
}

/**
 * Opens `url` for a test that drives the page step by step (page.evaluate, downloads, file inputs): waits
 * until the page sets window.ready, and collects what the page throws or logs as an error in `errors`
 * (check it after each step). Close the page when done.
 */
export async function openPage(browser: Browser, url: string, timeoutMs = 60_000): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => (window as { ready?: unknown }).ready !== undefined, null, { timeout: timeoutMs })
    .catch(async (e) => {
      await page.close();
      throw new Error(`${url}: the page never set window.ready (${e.message}); page errors: ${errors.join('; ')}`);
    });
  return { page, errors };
}
