// The playground (playground/, scripts/build-playground.mjs, scripts/playground.mjs) in Debian's Chromium:
// the site is built into a temporary folder (without the API reference, so it is quick) and served by the
// playground's own server, with its COOP/COEP headers. Each page is opened and the numbers it shows are
// read back from its tables and compared with the same computations in Node (src/index.ts); learning
// [1, −1] must converge; no page may throw or log an error.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage } from './helpers/chromium.js';
import { tensor, F, fft, arange, round, vis, kernels, readImage, type Tensor } from '../src/index.js';
import { learnKernel } from '../examples/learn-kernel.js';
// @ts-expect-error — plain .mjs scripts, no type declarations
import { buildPlayground } from '../scripts/build-playground.mjs';
// @ts-expect-error — plain .mjs scripts, no type declarations
import { serveSite } from '../scripts/playground.mjs';

const rowsOf = async (t: Tensor): Promise<number[][]> => {
  const v = Array.from(await t.dataAsync()), w = t.shape[t.ndim - 1];
  return Array.from({ length: v.length / w }, (_, i) => v.slice(i * w, (i + 1) * w));
};

/** The page's numbers as it shows them: every <table class="matrix" data-name> as rows of numbers. */
async function shownTables(page: Page): Promise<Record<string, number[][]>> {
  const raw = await page.$$eval('table.matrix[data-name]', (tables) => Object.fromEntries(tables.map((t) => [
    t.getAttribute('data-name')!, Array.from(t.querySelectorAll('tbody tr'), (tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
  ])));
  return Object.fromEntries(Object.entries(raw).map(([k, rows]) => [k, rows.map((r) => r.map((s) => Number(s.trim().replace('−', '-'))))]));
}

function assertClose(got: number[][] | undefined, want: number[][], tol: number, what: string): void {
  assert.ok(got, `${what}: not shown`);
  assert.deepEqual(got.map((r) => r.length), want.map((r) => r.length), `${what}: shape`);
  want.forEach((r, i) => r.forEach((w, j) => assert.ok(Math.abs(got[i][j] - w) <= tol, `${what}[${i}, ${j}]: page ${got[i][j]}, Node ${w}`)));
}

describe('playground', { timeout: 60_000 }, () => {
  let dir: string;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'convnet-playground-'));
    await buildPlayground({ outDir: dir, docs: false, quiet: true });
    server = await serveSite({ dir, port: 0 });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the site with the COOP/COEP headers and content types; index.html lists the pages', async () => {
    for (const [path, type] of [['/', 'text/html'], ['/tutorial.js', 'text/javascript'], ['/style.css', 'text/css'], ['/static/images/camera.png', 'image/png']]) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin', path);
      assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp', path);
      assert.ok(res.headers.get('content-type')?.startsWith(type), `${path}: ${res.headers.get('content-type')}`);
      await res.arrayBuffer();
    }
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json']) {
      assert.ok([403, 404].includes((await fetch(`${server.url}${path}`)).status), `${path} is not served`);
    }
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/index.html`);
      const links = await page.$$eval('#pages a', (as) => as.map((a) => a.getAttribute('href')));
      for (const p of ['tutorial.html', 'learn-kernel.html']) assert.ok(links.includes(p), `index links ${p}`);
    } finally {
      await page.close();
    }
  });

  it('tutorial.html shows the tutorial\'s numbers, equal to Node\'s, and the padding artifact measured', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/tutorial.html`);
    try {
      await page.waitForFunction(() => (window as { busy?: number }).busy === 0, null, { timeout: 30_000 });
      assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the page is cross-origin isolated');
      const shown = await shownTables(page);
      // The tutorial's worked example, as it prints it.
      assert.deepEqual(shown.corr2d, [[19, 25], [37, 43]]);
      assert.deepEqual(shown['pool-max'], [[4, 5], [7, 8]]);
      assert.deepEqual(shown['pool-avg'], [[2, 3], [5, 6]]);
      // Every table against the library in Node.
      const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), K = tensor([[0, 1], [2, 3]]);
      const X5 = tensor([[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]]).reshape([1, 1, 5, 5]);
      const K9 = arange(1, 10).reshape([1, 1, 3, 3]).float();
      const X4 = arange(0, 16).float().reshape([1, 1, 4, 4]);
      const a = tensor([1, 2, 3, 4]), v = tensor([1, 0, -1]);
      const want: Record<string, Tensor> = {
        corr2d: F.corr2d(X, K), convolve2d: F.convolve2d(X, K), 'convolve2d-full': F.convolve2d(X, K, { mode: 'full' }),
        'padding-conv': F.conv2d(X5, K9, { padding: 1 }).reshape([5, 5]),
        'stride-2-0': F.conv2d(X5, K9, { stride: 2 }).reshape([2, 2]),
        'stride-2-1': F.conv2d(X5, K9, { stride: 2, padding: 1 }).reshape([3, 3]),
        'stride-3x1': F.conv2d(X5, K9, { stride: [3, 1], padding: [0, 1] }).reshape([1, 5]),
        'pool-max': F.maxPool2d(X.reshape([1, 1, 3, 3]), 2, { stride: 1 }).reshape([2, 2]),
        'pool-avg': F.avgPool2d(X.reshape([1, 1, 3, 3]).float(), 2, { stride: 1 }).reshape([2, 2]),
        'pool-max4': F.maxPool2d(X4, 3, { padding: 1, stride: 2 }).reshape([2, 2]),
        'conv1d-direct': F.convolve1d(a, v),
        'conv1d-fft': round(fft.irfft(fft.rfft(a, { n: 6 }).mul(fft.rfft(v, { n: 6 })), { n: 6 }).mul(1e4)).div(1e4),
        'fft-re': fft.fft(a).re, 'fft-im': fft.fft(a).im,
      };
      for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) want[`pad-${mode}`] = F.pad(X5, [1, 1, 1, 1], { mode }).reshape([7, 7]);
      for (const [name, t] of Object.entries(want)) assertClose(shown[name], await rowsOf(t), 1e-4, name);
      // The padding demo on camera.png with the 9×9 box, as `convnet padding-demo` measures it.
      const res = await vis.paddingDemo(readImage(new URL('../assets/images/camera.png', import.meta.url).pathname, { mode: 'grey' }), kernels.boxKernel(9));
      const rows = await page.$$eval('table[data-name="padding-demo"] tr[data-mode]', (trs) => trs.map((tr) => [tr.getAttribute('data-mode'), ...Array.from(tr.querySelectorAll('td'), (td) => td.textContent)]));
      assert.deepEqual(rows.map((r) => r[0]), ['zeros', 'reflect', 'replicate', 'circular']);
      for (const r of res.rows) {
        const got = rows.find((x) => x[0] === r.mode)!.slice(2).map((s) => Number(s!.replace('−', '-').replace('+', '')));
        assert.ok(Math.abs(got[0] - r.borderMad) < 1.5e-4, `${r.mode} border MAD: page ${got[0]}, Node ${r.borderMad}`);
        assert.ok(Math.abs(got[1] - r.borderBias) < 1.5e-4, `${r.mode} border bias: page ${got[1]}, Node ${r.borderBias}`);
        assert.ok(Math.abs(got[3] - r.interiorMad) < 1.5e-4, `${r.mode} interior MAD: page ${got[3]}, Node ${r.interiorMad}`);
      }
      assert.ok(res.rows[0].borderBias < -0.01, 'zero padding darkens the border');
      // Stride: the output-size rule holds in every row; the FFT convolution equals the direct one.
      const sizes = await page.$$eval('table[data-name="stride-sizes"] tr', (trs) => trs.slice(1).map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
      assert.equal(sizes.length, 6);
      for (const [, formula, conv] of sizes) assert.equal(formula, conv);
      const rel = Number(await page.getAttribute('[data-name="fft-compare"]', 'data-rel'));
      assert.ok(rel < 1e-4, `fftConv2d vs conv2d: ${rel}`);
      assert.ok(await page.locator('canvas[data-name="spectrum"]').count() === 1, 'the spectrum is drawn');
      // A typed kernel re-renders the photo sections.
      await page.selectOption('#kernel', 'laplacian');
      await page.waitForFunction(() => (window as { rendered?: string }).rendered === JSON.stringify({ image: 'camera.png', kernel: [[0, 1, 0], [1, -4, 1], [0, 1, 0]] }), null, { timeout: 20_000 });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('learn-kernel.html: Step prints the tutorial\'s losses, Run converges to [1, −1]', async () => {
    const { page, errors } = await openPage(browser, `${server.url}/learn-kernel.html`);
    try {
      for (let i = 0; i < 20; i++) await page.click('#step');
      await page.waitForFunction(() => document.getElementById('status')?.dataset.steps === '20');
      const node = await learnKernel({ steps: 20, lr: 0.01, seed: 0 });
      const lines = (await page.textContent('#log'))!.trim().split('\n');
      assert.deepEqual(lines, [5, 10, 15, 20].map((s) => `step ${s}, loss ${node.losses[s - 1].toFixed(3)}`));
      await page.click('#run');
      await page.waitForFunction(() => document.getElementById('status')?.dataset.converged === 'true', null, { timeout: 30_000 });
      const shown = await shownTables(page);
      const [w0, w1] = shown.kernel[0], b = shown.bias[0][0];
      assert.ok(Math.abs(w0 - 1) < 1e-3 && Math.abs(w1 + 1) < 1e-3, `kernel [${w0}, ${w1}]`);
      assert.ok(Math.abs(b) < 1e-3, `bias ${b}`);
      assert.equal(await page.locator('#chart canvas').count(), 1, 'the loss curve is drawn');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
