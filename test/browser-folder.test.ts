// ImageFolder in a real browser: Node writes a folder of PNG and JPEG files (one subfolder per class), the
// test picks it for the page's <input webkitdirectory> (Playwright sets webkitRelativePath as a user's pick
// does), and the page reads it with ImageFolder.fromFiles from the browser bundle (decoded by Chromium).
// The layout (classes, classToIdx, samples, targets) must equal Node's ImageFolder over the same folder,
// and so must the PNG images' values, bit for bit; the JPEG within a few levels (two decoders).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import type { Browser, Page } from 'playwright-core';
import { buildBrowserBundle, launchChromium, openPage, servePages, type PageServer } from './helpers/chromium.js';
import { ImageFolder, encodePng, tensor } from '../src/index.js';

const PAGE_DIR = new URL('./browser/', import.meta.url);

describe('browser build in Chromium: ImageFolder.fromFiles over a picked folder', { timeout: 120_000 }, () => {
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let errors: string[];
  let dir = '';
  let root = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'convnet-browser-folder-'));
    root = join(dir, 'photos');
    for (const d of ['dog', 'cat/sub', 'ant']) mkdirSync(join(root, d), { recursive: true });
    const png = (file: string, h: number, w: number, seed: number) => {
      const v = Array.from({ length: 3 * h * w }, (_, i) => ((i * 29 + seed * 53) % 256) / 255);
      writeFileSync(join(root, file), encodePng(tensor(v).reshape([3, h, w])));
    };
    png('cat/b.png', 4, 5, 1);
    png('cat/sub/c.png', 4, 5, 2);
    png('dog/x.png', 6, 2, 3);
    png('ant/q.png', 2, 2, 4);
    writeFileSync(join(root, 'cat/a.jpg'), jpeg.encode({ data: Buffer.alloc(4 * 5 * 4, 180), width: 5, height: 4 }, 95).data);
    writeFileSync(join(root, 'dog/notes.txt'), 'not an image');
    server = await servePages({ bundle: await buildBrowserBundle(), dir: PAGE_DIR, index: () => 'folder.html' });
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser, `${server.url}/plain/folder.html`));
  });

  after(async () => {
    await page?.close();
    await browser?.close();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('classes, samples and images as Node reads them', async () => {
    await page.setInputFiles('#pick', root);
    const r = await page.evaluate(() => (window as unknown as { checks: { folder(): Promise<unknown> } }).checks.folder()) as {
      root: string; classes: string[]; classToIdx: Record<string, number>; samples: [string, number][]; targets: number[];
      items: { shape: number[]; label: number; values: number[] }[]; batch: { shape: number[]; labels: number[] }; pngOnly: number; error: string | null;
    };
    assert.deepEqual(errors, []);
    const node = new ImageFolder(root);
    assert.equal(r.root, 'photos');
    assert.deepEqual(r.classes, node.classes);
    assert.deepEqual(r.classToIdx, node.classToIdx);
    assert.deepEqual(r.samples, node.samples.map(([p, c]) => [p.slice(root.length + 1), c]));
    assert.deepEqual(r.targets, Array.from(node.targets));
    for (let i = 0; i < node.length; i++) {
      const [x, y] = node.getItem(i);
      assert.equal(r.items[i].label, y);
      assert.deepEqual(r.items[i].shape, x.shape);
      const want = Array.from(x.dataSync());
      if (node.samples[i][0].endsWith('.png')) assert.deepEqual(r.items[i].values, want, `${node.samples[i][0]}: bit for bit`);
      else r.items[i].values.forEach((v, k) => assert.ok(Math.abs(v - want[k]) <= 3 / 255, `${node.samples[i][0]}[${k}]: ${v} vs ${want[k]}`));
    }
    assert.equal(r.pngOnly, 4);
    assert.deepEqual(r.batch, { shape: [4, 3, 3, 3], labels: [0, 1, 1, 2] });
    assert.match(r.error ?? '', /ImageFolder\.fromFiles: found no valid file for the classes ant, cat, dog in photos\. Supported extensions are: \.gif/);
  });
});
