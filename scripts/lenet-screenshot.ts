// scripts/lenet-screenshot.ts — assets/playground/lenet.png: the LeNet-5 playground page after a short
// training run in Debian's Chromium (a fixed 1280-pixel-wide viewport, the whole page).
//
//   node --import tsx scripts/lenet-screenshot.ts [--site DIR] [--out FILE] [--epochs N]
//
// Without --site it bundles playground/lenet.ts and lenet-worker.ts itself (esm, browser, as
// scripts/build-playground.mjs does) and serves them with the data step's files
// (scripts/playground-data.mjs); with --site it serves a built site (npm run build:playground).
// screenshotLenet(pageUrl, outFile) is the part a screenshots script of all pages can call.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, cpSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
// playwright-core is test/'s package (test/node_modules): the helper there imports it.
import { launchChromium } from '../test/helpers/chromium.js';
// @ts-expect-error — a plain .mjs script, no type declarations
import { copyPlaygroundData } from './playground-data.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** Builds the LeNet page alone into `dir`: its two bundles, its HTML, the shared CSS and the data. */
export async function buildLenetSite(dir: string): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: { lenet: join(ROOT, 'playground/lenet.ts'), 'lenet-worker': join(ROOT, 'playground/lenet-worker.ts') },
    outdir: dir, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', loader: { '.css': 'css' }, logLevel: 'warning',
  });
  for (const f of ['lenet.html', 'style.css']) if (existsSync(join(ROOT, 'playground', f))) cpSync(join(ROOT, 'playground', f), join(dir, f));
  copyPlaygroundData(dir);
}

/** Serves `dir` on 127.0.0.1; resolves with its URL and a close function. */
function serveDir(dir: string): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!path.startsWith(dir) || !existsSync(path)) { res.writeHead(404).end(); return; }
    try {
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    } catch { res.writeHead(404).end(); }
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() })));
}

/** Opens the page, trains for `epochs`, classifies a test image, and saves a full-page screenshot. */
export async function screenshotLenet(pageUrl: string, outFile: string, epochs = 4): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pageUrl);
    await page.waitForFunction(() => (window as { ready?: boolean }).ready === true, null, { timeout: 60_000 });
    await page.fill('#epochs', String(epochs));
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as { lenet: { done: unknown } }).lenet.done !== null, null, { timeout: 300_000 });
    await page.click('#gallery canvas[data-index="12"]');
    await page.waitForFunction(() => document.querySelector('#gallery canvas.selected')?.getAttribute('data-index') === '12');
    await page.waitForTimeout(500);
    if (errors.length) throw new Error(`errors in the page: ${errors.join('; ')}`);
    mkdirSync(dirname(outFile), { recursive: true });
    await page.screenshot({ path: outFile, fullPage: true });
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { site: { type: 'string' }, out: { type: 'string' }, epochs: { type: 'string' } } });
  const out = resolve(values.out ?? join(ROOT, 'assets', 'playground', 'lenet.png'));
  const tmp = values.site ? undefined : mkdtempSync(join(tmpdir(), 'lenet-site-'));
  try {
    if (tmp) await buildLenetSite(tmp);
    const server = await serveDir(resolve(values.site ?? tmp!));
    try {
      await screenshotLenet(`${server.url}/lenet.html`, out, Number(values.epochs ?? 4));
    } finally {
      server.close();
    }
    console.log(`wrote ${out}`);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
