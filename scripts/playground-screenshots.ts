// scripts/playground-screenshots.ts — `npm run playground:screenshots`: builds the playground into a temporary
// folder (no API reference), serves it, opens pages in Debian's Chromium at a fixed 1280×900 viewport and
// writes assets/playground/<page>.png (the pictures in the README). Not part of npm test.
//   node --import tsx scripts/playground-screenshots.ts [page …]     (default: index tutorial learn-kernel)

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/helpers/chromium.js';
// @ts-expect-error — plain .mjs scripts, no type declarations
import { buildPlayground } from './build-playground.mjs';
// @ts-expect-error — plain .mjs scripts, no type declarations
import { serveSite } from './playground.mjs';

const VIEWPORT = { width: 1280, height: 900 };
const OUT = fileURLToPath(new URL('../assets/playground/', import.meta.url));

/** What to do on each page before its picture: wait for it, click, scroll. name → [file, setup]. */
const SHOTS: Record<string, [string, (page: Page) => Promise<void>]> = {
  index: ['index.html', async () => {}],
  tutorial: ['tutorial.html', async (page) => {
    await page.waitForFunction(() => (window as { ready?: boolean; busy?: number }).ready && (window as { busy?: number }).busy === 0, null, { timeout: 60_000 });
  }],
  'tutorial-padding': ['tutorial.html', async (page) => {
    await page.waitForFunction(() => (window as { ready?: boolean; busy?: number }).ready && (window as { busy?: number }).busy === 0, null, { timeout: 60_000 });
    await page.evaluate(() => document.getElementById('padding')!.scrollIntoView());
  }],
  'learn-kernel': ['learn-kernel.html', async (page) => {
    await page.waitForFunction(() => (window as { ready?: boolean }).ready, null, { timeout: 60_000 });
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.converged === 'true', null, { timeout: 60_000 });
  }],
};

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SHOTS);
const dir = mkdtempSync(join(tmpdir(), 'convnet-playground-shots-'));
mkdirSync(OUT, { recursive: true });
await buildPlayground({ outDir: dir, docs: false, quiet: true });
const server = await serveSite({ dir, port: 0 });
const browser = await launchChromium();
try {
  for (const name of names) {
    const shot = SHOTS[name];
    if (!shot) throw new Error(`unknown page '${name}' (one of ${Object.keys(SHOTS).join(', ')})`);
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/${shot[0]}`);
    await shot[1](page);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    await page.close();
    if (errors.length) throw new Error(`${name}: ${errors.join('; ')}`);
    console.log(`wrote assets/playground/${name}.png`);
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
