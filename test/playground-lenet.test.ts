// test/playground-lenet.test.ts — the playground's LeNet-5 page (playground/lenet.html, lenet.ts and its
// worker lenet-worker.ts) in Debian's Chromium: built by the playground's own build into a temporary
// folder (scripts/build-playground.mjs, which also copies the data), served by its own server
// (scripts/playground.mjs, cross-origin isolated), and driven through its buttons. Checks: the pretrained model classifies the test images as README.md says (and as the library
// does in Node); training in the worker reaches the issue's bar (>= 75 % test accuracy) while the page
// handles clicks while it trains; pause stops the batches and resume continues them; save → reload → load
// gives the same predictions.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './helpers/chromium.js';
// @ts-expect-error — a plain .mjs script, no type declarations
import { buildPlayground } from '../scripts/build-playground.mjs';
// @ts-expect-error — a plain .mjs script, no type declarations
import { serveSite } from '../scripts/playground.mjs';
import { FashionMNIST, FASHION_MNIST_MEAN, FASHION_MNIST_STD, DataLoader, transforms, models, safetensors, noGrad, argmax, type Tensor } from '../src/index.js';

const ROOT = new URL('..', import.meta.url).pathname;
const SUBSET = join(ROOT, 'data', 'fashion-mnist-subset');
const PRETRAINED = join(ROOT, 'playground', 'static', 'lenet5-subset.safetensors');
/** Epochs the in-page training runs: 4 (the CLI's `convnet start`), about 81 % on the subset. */
const EPOCHS = 4;

/** The accuracy README.md states for the shipped model (its line about lenet5-subset.safetensors). */
function statedAccuracy(): { percent: number; correct: number } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const i = readme.indexOf('lenet5-subset.safetensors');
  assert.ok(i >= 0, 'README.md says nothing about playground/static/lenet5-subset.safetensors');
  const m = /classifies ([\d.]+) % of the subset's 1,000 test images right \((\d+)\/1,000\)/.exec(readme.slice(i));
  assert.ok(m, 'README.md: no "classifies X % of the subset\'s 1,000 test images right (N/1,000)" after the model\'s name');
  return { percent: Number(m[1]), correct: Number(m[2]) };
}

/** The shipped model's predictions on the subset's test images, computed in Node with the library. */
async function nodePredictions(): Promise<number[]> {
  const model = models.lenet5();
  model.loadStateDict(safetensors.loadFile(PRETRAINED));
  model.eval();
  const test = new FashionMNIST(SUBSET, { train: false, transform: new transforms.Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD) });
  const preds: number[] = [];
  for (const [x] of new DataLoader(test, { batchSize: 500 })) preds.push(...await noGrad(() => argmax(model(x) as Tensor, -1)).dataAsync());
  return preds;
}

interface Lenet {
  ready: boolean; running: boolean; paused: boolean; batches: number; lastStep: number; source: string; errors: string[];
  epochs: { epoch: number; testAccuracy: number; time: number }[]; done: { time: number } | null;
  request(type: string, payload?: Record<string, unknown>): Promise<Record<string, unknown>>;
}
type W = Window & { lenet: Lenet; ready?: boolean; clicks?: { latency: number; batches: number; running: boolean }[] };

async function openLenet(page: Page, url: string, errors: string[]): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as W).ready === true, null, { timeout: 60_000 })
    .catch((e) => { throw new Error(`the page never became ready (${e.message}); page errors: ${errors.join('; ')}`); });
  // The worker chose its backend with useBestBackend (webgpu on a real GPU, else wasm) and says so.
  const status = await page.textContent('#status') ?? '';
  assert.match(status, /^Ready: .* images on (wasm, \d+ thread\(s\)|webgpu, .+)\. /);
}

const predictAll = (page: Page) => page.evaluate(async () => {
  const r = await (window as unknown as W).lenet.request('predictAll');
  return { predictions: r.predictions as number[], accuracy: r.accuracy as number, source: r.source as string };
});

describe('playground: LeNet-5 live (playground/lenet.html) in Chromium', { timeout: 240_000 }, () => {
  let dir = '';
  let server: { url: string; close(): Promise<void> } | undefined;
  let url = '';
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'convnet-lenet-site-'));
    await buildPlayground({ outDir: dir, docs: false, quiet: true });
    server = await serveSite({ dir, port: 0 });
    url = `${server!.url}/lenet.html`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await openLenet(page, url, errors);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the pretrained model classifies the test images as README.md states, with the predictions the library makes in Node', async () => {
    const stated = statedAccuracy();
    const expected = await nodePredictions();
    const test = new FashionMNIST(SUBSET, { train: false });
    const correct = expected.filter((p, i) => p === test.targets[i]).length;
    assert.equal(correct, stated.correct, `Node: ${correct}/1000 right, README.md says ${stated.correct}`);
    assert.equal((100 * correct / 1000).toFixed(2), stated.percent.toFixed(2));
    const r = await predictAll(page);
    assert.equal(r.source, 'pretrained');
    const differ = r.predictions.filter((p, i) => p !== expected[i]).length;
    console.log(`# pretrained: ${(100 * r.accuracy).toFixed(2)} % in the page, ${stated.percent} % stated; ${differ} predictions differ from Node's`);
    assert.equal(Math.round(r.accuracy * 1000), stated.correct, 'the page\'s accuracy');
    assert.ok(differ <= 2, `${differ} predictions differ from Node's`);
    // And a click on a test image shows its class probabilities.
    await page.click('#gallery canvas[data-index="3"]');
    await page.waitForFunction(() => document.querySelector('#gallery canvas.selected')?.getAttribute('data-index') === '3');
    await page.waitForFunction((p) => document.getElementById('bars')?.dataset.predicted === String(p), expected[3]);
    assert.deepEqual(errors, []);
  });

  it('an uploaded photo (a test image as a product shot: dark on white, 4× larger) is classified as its label', async () => {
    const test = new FashionMNIST(SUBSET, { train: false });
    const i = 2, S = 4, N = 28 * S;
    assert.equal(test.classes[test.targets[i]], 'Trouser');
    const png = new PNG({ width: N, height: N });
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < N; x++) {
        const v = 255 - test.data[i * 784 + Math.floor(y / S) * 28 + Math.floor(x / S)], p = 4 * (y * N + x);
        png.data[p] = png.data[p + 1] = png.data[p + 2] = v;
        png.data[p + 3] = 255;
      }
    }
    await page.setInputFiles('#photo', { name: 'trousers.png', mimeType: 'image/png', buffer: PNG.sync.write(png) });
    await page.waitForFunction(() => /^trousers\.png: /.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => document.getElementById('bars')?.dataset.predicted), String(test.targets[i]));
    assert.match(await page.textContent('#status') ?? '', /^trousers\.png: Trouser/);
    assert.deepEqual(errors, []);
  });

  it(`trains LeNet-5 in the worker for ${EPOCHS} epochs to >= 75 % test accuracy; clicks handled mid-training while batches keep coming; pause stops the batches, resume continues`, async () => {
    await page.fill('#epochs', String(EPOCHS));
    await page.evaluate(() => {
      const w = window as unknown as W;
      w.clicks = [];
      // A trusted click's timeStamp is when the input arrived: the handler's delay is now − timeStamp (printed,
      // not judged: timings fail on a loaded machine). Judged: the batch the page had seen, and whether
      // training was running, when each click was handled.
      document.addEventListener('click', (e) => w.clicks!.push({ latency: performance.now() - e.timeStamp, batches: w.lenet.batches, running: w.lenet.done === null }), true);
    });
    const t0 = Date.now();
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as W).lenet.batches >= 10, null, { timeout: 30_000 });
    // Clicks while it trains: test images (each asks the worker for a prediction).
    for (let k = 0; k < 6; k++) {
      await page.click(`#gallery canvas[data-index="${k}"]`);
      await new Promise((r) => setTimeout(r, 150));
    }
    // Pause: the batches stop (one may be on its way), then resume.
    await page.click('#pause');
    await page.waitForFunction(() => (window as unknown as W).lenet.paused, null, { timeout: 10_000 });
    const atPause = await page.evaluate(() => (window as unknown as W).lenet.batches);
    await new Promise((r) => setTimeout(r, 1500));
    const afterWait = await page.evaluate(() => (window as unknown as W).lenet.batches);
    assert.equal(afterWait, atPause, 'batches ran while paused');
    const pausedStatus = await page.textContent('#status');
    assert.match(pausedStatus ?? '', /^Paused/);
    await page.click('#resume');
    await page.waitForFunction((n) => (window as unknown as W).lenet.batches > n + 3, atPause, { timeout: 10_000 });
    await page.waitForFunction(() => (window as unknown as W).lenet.done !== null, null, { timeout: 120_000 });
    const wall = (Date.now() - t0) / 1000;
    const r = await page.evaluate(() => {
      const l = (window as unknown as W).lenet;
      return { epochs: l.epochs.map((e) => ({ epoch: e.epoch, testAccuracy: e.testAccuracy })), time: l.done!.time, batches: l.batches, lastStep: l.lastStep, clicks: (window as unknown as W).clicks! };
    });
    console.log(`# trained ${EPOCHS} epochs in the worker: test accuracy ${r.epochs.map((e) => `${(100 * e.testAccuracy).toFixed(1)} %`).join(', ')}; ` +
      `${r.time.toFixed(1)} s in the worker (1.5 s of it paused), ${wall.toFixed(1)} s wall; paused at batch ${atPause}; ` +
      `click latencies ${r.clicks.map((c) => c.latency.toFixed(1)).join(', ')} ms`);
    assert.deepEqual(r.epochs.map((e) => e.epoch), Array.from({ length: EPOCHS }, (_, i) => i + 1));
    assert.equal(r.batches, r.lastStep, 'every batch reached the page once');
    assert.equal(r.lastStep, EPOCHS * Math.ceil(5000 / 64));
    assert.ok(r.epochs.at(-1)!.testAccuracy >= 0.75, `test accuracy ${r.epochs.at(-1)!.testAccuracy}`);
    assert.ok(r.clicks.length >= 8, `${r.clicks.length} clicks seen`);
    // The six gallery clicks came while training ran (the first after batch 10), and the page kept taking
    // the worker's batch messages between them: a page that blocked while training would hold both.
    const gallery = r.clicks.slice(1, 7);
    assert.ok(gallery.every((c) => c.running && c.batches >= 10), `clicks handled at batches ${gallery.map((c) => c.batches).join(', ')}`);
    assert.ok(gallery[5].batches > gallery[0].batches, `no batch reached the page between the clicks (${gallery.map((c) => c.batches).join(', ')})`);
    // The confusion matrix shows the last epoch's counts: 1,000 test images.
    const total = await page.evaluate(() => [...document.querySelectorAll('#confusion td')].reduce((a, td) => a + Number(td.textContent), 0));
    assert.equal(total, 1000);
    assert.deepEqual(errors, []);
  });

  it('save → reload the page → load gives the same predictions', async () => {
    const trained = await predictAll(page);
    assert.match(trained.source, /^trained here/);
    await page.click('#save');
    await page.waitForFunction(() => /^Saved/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 10_000 });
    await page.reload();
    await openLenet(page, url, errors);
    const fresh = await predictAll(page);
    assert.equal(fresh.source, 'pretrained');
    await page.click('#load');
    await page.waitForFunction(() => (window as unknown as W).lenet.source === 'loaded from this browser', null, { timeout: 10_000 });
    const loaded = await predictAll(page);
    assert.deepEqual(loaded.predictions, trained.predictions);
    assert.equal(loaded.accuracy, trained.accuracy);
    assert.notDeepEqual(fresh.predictions, trained.predictions, 'the pretrained model predicts as the trained one: the check above proves nothing');
    assert.deepEqual(errors, []);
  });
});
