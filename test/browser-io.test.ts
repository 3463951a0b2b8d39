// Saving, loading and images in a real browser: the bundle (built in memory from src/browser.ts) in Debian's
// Chromium, with WebGPU on its SwiftShader adapter so the webgpu backend runs too. The page
// (test/browser/io.html, io-checks.js) computes step by step; this file makes the inputs and the expected
// values in Node — safetensors bytes with Node's serialize/saveFile, images with Node's decodeImage, pixel
// values from the raw bytes — and judges. Node serves the files it wrote, puts one in the page's file
// input, and catches the page's download.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildBrowserBundle, launchChromium, openPage, servePages, type PageServer } from './helpers/chromium.js';
import { decodeImage, safetensors, tensor, type Tensor } from '../src/index.js';

const PAGE_DIR = new URL('./browser/', import.meta.url);
const IMAGES = new URL('../assets/images/', import.meta.url);

/** Tensors both sides build from the same plain data: float32 (values float32 cannot hold exactly),
 *  the int32 extremes, float64. */
const KNOWN = [
  { name: 'features.0.weight', dtype: 'float32', shape: [2, 1, 2, 2], values: [0.1, -2.5, 3.25, 1e-8, 65504.5, -0.3, 7, 1 / 3] },
  { name: 'counts', dtype: 'int32', shape: [4], values: [0, -1, 2147483647, -2147483648] },
  { name: 'double', dtype: 'float64', shape: [2, 1], values: [Math.PI, 1 / 3] },
] as const;

const knownTensors = (): Map<string, Tensor> =>
  new Map(KNOWN.map((s) => [s.name, tensor([...s.values], { dtype: s.dtype }).reshape([...s.shape])]));

/** What each tensor of KNOWN holds once stored in its dtype, computed from the plain values. */
const expectedValues = (s: (typeof KNOWN)[number]): number[] =>
  s.dtype === 'float32' ? Array.from(Float32Array.from(s.values)) : s.dtype === 'int32' ? Array.from(Int32Array.from(s.values)) : [...s.values];

type Described = Record<string, { dtype: string; shape: number[]; values: number[] }>;
type Failure = { threw: boolean; name?: string; message?: string };

function assertKnown(tensors: Described, what: string): void {
  assert.deepEqual(Object.keys(tensors), KNOWN.map((s) => s.name), `${what}: names in order`);
  for (const s of KNOWN) {
    assert.equal(tensors[s.name].dtype, s.dtype, `${what}: ${s.name} dtype`);
    assert.deepEqual(tensors[s.name].shape, s.shape, `${what}: ${s.name} shape`);
    assert.deepEqual(tensors[s.name].values, expectedValues(s), `${what}: ${s.name} values`);
  }
}

/** The float32 values the page sent as base64 of their bytes. */
function floatsOf(r: { dtype: string; shape: number[]; base64: string }): { shape: number[]; values: Float32Array } {
  assert.equal(r.dtype, 'float32');
  const b = Buffer.from(r.base64, 'base64');
  return { shape: r.shape, values: new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4) };
}

/** Bit-exact comparison of two float32 arrays, naming the first difference. */
function assertSameFloats(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length), b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const i = a.findIndex((v, j) => v !== b[j]);
  assert.equal(i, -1, `${what}: first difference at ${i}: browser ${got[i]}, Node ${want[i]}`);
}

/** A 3×2 raster, every byte different, alpha included (some not opaque). */
const RASTER = { width: 3, height: 2, rgba: [
  255, 0, 0, 255, 0, 128, 0, 200, 12, 34, 56, 0,
  200, 100, 50, 255, 1, 2, 3, 4, 250, 251, 252, 253,
] };
/** The same raster with every pixel opaque: a 2D canvas stores premultiplied alpha, so drawn sources
 *  come back exactly only where alpha is 255. */
const OPAQUE = { ...RASTER, rgba: RASTER.rgba.map((v, i) => (i % 4 === 3 ? 255 : v)) };

/** fromPixels' values of RGBA bytes, computed here: [C, H, W] planes, bytes / 255, grey as ITU-R 601-2 luma. */
function expectedPixels(rgba: number[], n: number, channels: number): number[] {
  const at = (i: number, c: number) => rgba[4 * i + c];
  const grey = (i: number) => Math.fround((0.299 * at(i, 0) + 0.587 * at(i, 1) + 0.114 * at(i, 2)) / 255);
  const planes: number[][] = [];
  if (channels <= 2) {
    planes.push(Array.from({ length: n }, (_, i) => grey(i)));
    if (channels === 2) planes.push(Array.from({ length: n }, (_, i) => Math.fround(at(i, 3) / 255)));
  } else {
    for (let c = 0; c < channels; c++) planes.push(Array.from({ length: n }, (_, i) => Math.fround(at(i, c) / 255)));
  }
  return planes.flat();
}

describe('browser build in Chromium: saving, loading and images', { timeout: 240_000 }, () => {
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let errors: string[];
  let dir: string;
  const files = new Map<string, Uint8Array>();

  /** Calls window.checks[name](...args) in the page; fails on anything the page logged as an error
   *  meanwhile, except what `allowed` matches. */
  async function callAllowing<T>(allowed: RegExp | null, name: string, ...args: unknown[]): Promise<T> {
    errors.length = 0;
    const r = await page.evaluate(([n, a]) => (window as unknown as { checks: Record<string, (...x: unknown[]) => unknown> }).checks[n as string](...(a as unknown[])), [name, args] as const);
    assert.deepEqual(errors.filter((e) => !allowed?.test(e)), [], `errors in the page during ${name}`);
    return r as T;
  }
  const call = <T>(name: string, ...args: unknown[]): Promise<T> => callAllowing<T>(null, name, ...args);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'convnet-browser-io-'));
    // A file written by Node's saveFile (with the checksum, as checkpoints), the same with one byte of its
    // data section flipped, and one without a checksum (as PyTorch writes them).
    await safetensors.saveFile(knownTensors(), join(dir, 'node.safetensors'), { epoch: '5' }, { checksum: true });
    const node = new Uint8Array(readFileSync(join(dir, 'node.safetensors')));
    files.set('node.safetensors', node);
    const flipped = node.slice();
    flipped[flipped.length - 3] ^= 0x10;
    files.set('flipped.safetensors', flipped);
    files.set('plain.safetensors', await safetensors.serialize(knownTensors()));
    for (const png of ['camera.png', 'coins.png', 'chelsea.png']) files.set(png, new Uint8Array(readFileSync(new URL(png, IMAGES))));
    server = await servePages({ bundle: await buildBrowserBundle(), dir: PAGE_DIR, extra: files, index: () => 'io.html' });
    browser = await launchChromium(['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader']);
    ({ page, errors } = await openPage(browser, `${server.url}/plain/io.html`));
  });

  after(async () => {
    await page?.close();
    await browser?.close();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the page is a secure context (WebCrypto) with WebGPU', async () => {
    const r = await call<{ isSecureContext: boolean; hasGpu: boolean }>('info');
    assert.equal(r.isSecureContext, true);
    assert.equal(r.hasGpu, true, 'navigator.gpu is missing: the webgpu steps below would fail');
  });

  for (const backend of ['wasm', 'webgpu']) {
    it(`${backend}: a model's stateDict saved to IndexedDB loads back bit-exact, and the loaded model predicts the same`, async () => {
      const r = await call<{
        backend: string; saved: Described; loaded: Described; metadata: Record<string, string>;
        y: number[]; yBefore: number[]; yAfter: number[]; names: string[];
      }>('indexedDbModel', backend, `model-${backend}`);
      assert.equal(r.backend, backend);
      assert.ok(r.names.includes(`model-${backend}`), `listIndexedDb: ${r.names.join(', ')}`);
      assert.equal(r.metadata.epoch, '3');
      assert.match(r.metadata[safetensors.CHECKSUM_KEY], /^[0-9a-f]{64}$/, 'saves carry the checksum');
      // Conv, BatchNorm (weights, running statistics, the int32 step count) and Linear.
      assert.deepEqual(Object.keys(r.saved), ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var',
        '1.num_batches_tracked', '5.weight', '5.bias']);
      assert.deepEqual(r.loaded, r.saved);
      assert.equal(r.saved['1.num_batches_tracked'].values[0], 1);
      assert.notDeepEqual(r.yBefore, r.y, 'the second model must start with other weights, or the load proves nothing');
      assert.deepEqual(r.yAfter, r.y);
    });
  }

  it('IndexedDB: a name never saved and a flipped stored byte are errors; delete removes', async () => {
    const r = await call<{ missing: Failure; flipped: Failure; namesAfterDelete: string[] }>('indexedDbErrors', 'corrupt');
    assert.equal(r.missing.threw, true);
    assert.equal(r.missing.name, 'SafetensorsError');
    assert.match(r.missing.message!, /indexeddb:no-such-model: nothing saved under this name \(saved: .*'model-wasm'/);
    assert.equal(r.flipped.threw, true);
    assert.match(r.flipped.message!, /^safetensors indexeddb:corrupt: the file does not match its SHA-256 checksum/);
    assert.ok(!r.namesAfterDelete.includes('corrupt'));
  });

  it("downloadSafetensors: the downloaded file's bytes are Node's serialize of the same tensors", async () => {
    const [dl, r] = await Promise.all([
      page.waitForEvent('download'),
      call<{ length: number }>('download', KNOWN, 'known.safetensors', { epoch: '7' }),
    ]);
    assert.equal(dl.suggestedFilename(), 'known.safetensors');
    const got = new Uint8Array(readFileSync((await dl.path())!));
    const want = await safetensors.serialize(knownTensors(), { metadata: { epoch: '7' }, checksum: true });
    assert.equal(r.length, want.length);
    assert.ok(Buffer.from(got).equals(Buffer.from(want)), `the download (${got.length} bytes) differs from Node's serialize (${want.length} bytes)`);
    // and Node reads it, checksum verified
    const back = safetensors.deserialize(got, { requireChecksum: true });
    assert.deepEqual([...back.tensors.values()].map((t) => Array.from(t.dataSync())), KNOWN.map(expectedValues));
  });

  it("loadSafetensorsUrl: a file written by Node's saveFile loads (values, dtypes, metadata)", async () => {
    const r = await call<{ tensors: Described; metadata: Record<string, string> }>('loadUrl', 'node.safetensors');
    assertKnown(r.tensors, 'node.safetensors');
    assert.equal(r.metadata.epoch, '5');
    const plain = await call<{ tensors: Described; metadata: Record<string, string> }>('loadUrl', 'plain.safetensors');
    assertKnown(plain.tensors, 'plain.safetensors (no checksum)');
  });

  it('loadSafetensorsUrl: a flipped byte is rejected with the checksum error; a missing URL names its status', async () => {
    const r = await call<{ error?: { name: string; message: string } }>('loadUrl', 'flipped.safetensors');
    assert.equal(r.error?.name, 'SafetensorsError');
    assert.match(r.error!.message, /^safetensors flipped\.safetensors: the file does not match its SHA-256 checksum \(convnet\.file-sha256\)/);
    // (the browser logs the 404 itself)
    const missing = await callAllowing<{ error?: { message: string } }>(/status of 404/, 'loadUrl', 'missing.safetensors');
    assert.match(missing.error!.message, /^safetensors missing\.safetensors: cannot fetch it: HTTP 404/);
  });

  it('loadSafetensorsFile: the file picked in an <input type="file"> loads; a flipped one is rejected', async () => {
    await page.setInputFiles('#pick', { name: 'picked.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(files.get('node.safetensors')!) });
    const r = await call<{ name: string; tensors: Described; metadata: Record<string, string> }>('loadPicked');
    assert.equal(r.name, 'picked.safetensors');
    assertKnown(r.tensors, 'picked file');
    assert.equal(r.metadata.epoch, '5');
    await page.setInputFiles('#pick', { name: 'bad.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(files.get('flipped.safetensors')!) });
    const bad = await call<{ error?: { message: string } }>('loadPicked');
    assert.match(bad.error!.message, /^safetensors bad\.safetensors: the file does not match its SHA-256 checksum/);
  });

  it('fromPixels of an ImageData: each channel count gives the bytes / 255 (grey: luma), in [C, H, W]', async () => {
    const r = await call<Record<string, unknown> & { default: number[]; shapeDefault: number[]; badChannels: Failure; notASource: Failure }>(
      'pixelsFromImageData', RASTER);
    const n = RASTER.width * RASTER.height;
    for (const c of [1, 2, 3, 4]) {
      const got = r[c] as { shape: number[]; values: number[] };
      assert.deepEqual(got.shape, [c, RASTER.height, RASTER.width], `channels ${c}: shape`);
      assert.deepEqual(got.values, expectedPixels(RASTER.rgba, n, c), `channels ${c}: values`);
    }
    assert.deepEqual(r.shapeDefault, [3, 2, 3], 'RGB by default');
    assert.deepEqual(r.default, expectedPixels(RASTER.rgba, n, 3));
    assert.match(r.badChannels.message!, /^fromPixels: channels must be 1, 2, 3 or 4, got 5/);
    assert.match(r.notASource.message!, /^fromPixels: expected ImageData, an HTMLImageElement, .* got Object/);
  });

  it('fromPixels of a <canvas>, an OffscreenCanvas and an ImageBitmap (opaque): the same values', async () => {
    const r = await call<Record<'canvas' | 'offscreen' | 'bitmap', number[]>>('pixelsFromDrawables', OPAQUE);
    const want = expectedPixels(OPAQUE.rgba, OPAQUE.width * OPAQUE.height, 4);
    for (const k of ['canvas', 'offscreen', 'bitmap'] as const) assert.deepEqual(r[k], want, k);
  });

  it("fromPixels of an <img> showing camera.png equals Node's decodeImage (rgb)", async () => {
    const got = floatsOf(await call('pixelsFromImgElement', 'camera.png'));
    const want = decodeImage(files.get('camera.png')!, { mode: 'rgb' });
    assert.deepEqual(got.shape, want.shape);
    assertSameFloats(got.values, want.dataSync() as Float32Array, 'camera.png via <img>');
  });

  for (const [file, mode] of [['camera.png', 'rgb'], ['chelsea.png', 'rgb'], ['chelsea.png', 'grey'], ['coins.png', 'grey'], ['chelsea.png', 'rgba']] as const) {
    it(`decodeImageBlob(${file}, ${mode}) (createImageBitmap) equals Node's decodeImage`, async () => {
      const got = floatsOf(await call('decodeBlob', file, mode));
      const want = decodeImage(files.get(file)!, { mode });
      assert.deepEqual(got.shape, want.shape);
      assertSameFloats(got.values, want.dataSync() as Float32Array, `${file} ${mode}`);
    });
  }

  it('decodeImageBlob: bytes that are no image, and mode unchanged, are errors that say so', async () => {
    const r = await call<{ notAnImage: Failure; unchanged: Failure }>('decodeBlobErrors');
    assert.match(r.notAnImage.message!, /^decodeImageBlob: cannot decode the 3-byte image\/png as an image/);
    assert.match(r.unchanged.message!, /^decodeImageBlob: mode must be 'rgb', 'grey' or 'rgba', got "unchanged" \(the browser's decoder/);
  });

  // Bytes k; the tensor holds k / 255, except two values outside [0, 1] where k is 0 and 255 (clamped).
  const K = [0, 255, 7, 64, 128, 200, 13, 99, 250, 1, 31, 77, 180, 222, 5, 144, 66, 240, 3, 111, 160, 55, 201, 42];
  const valuesOfK = (k: number[]) => k.map((v, i) => (i === 0 ? -0.5 : i === 1 ? 1.7 : v / 255));
  const cases = [
    { what: 'RGB [3, 2, 4]', shape: [3, 2, 4], k: K, rgba: (i: number) => [K[i], K[8 + i], K[16 + i], 255] },
    { what: 'grey [2, 4]', shape: [2, 4], k: K.slice(0, 8), rgba: (i: number) => [K[i], K[i], K[i], 255] },
  ];
  for (const backend of ['wasm', 'webgpu']) {
    for (const c of cases) {
      it(`${backend}: toCanvas / toImageData of ${c.what} → getImageData gives the bytes; fromPixels reads them back`, async () => {
        const r = await call<{
          backend: string; isCanvas: boolean; returnedGiven: boolean; width: number; height: number; rgba: number[]; rgbaGiven: number[];
          imageData: { width: number; height: number; rgba: number[] }; back: number[]; badShape: Failure;
        }>('canvasRoundTrip', backend, { shape: c.shape, values: valuesOfK(c.k) });
        assert.equal(r.backend, backend);
        assert.equal(r.isCanvas, true, 'a new <canvas> in a page');
        assert.equal(r.returnedGiven, true, 'the canvas given is the one drawn on');
        assert.deepEqual([r.width, r.height], [4, 2]);
        const want = Array.from({ length: 8 }, (_, i) => c.rgba(i)).flat();
        assert.deepEqual(r.rgba, want);
        assert.deepEqual(r.rgbaGiven, want);
        assert.deepEqual(r.imageData, { width: 4, height: 2, rgba: want });
        const channels = c.shape.length === 2 ? 1 : 3;
        assert.deepEqual(r.back, expectedPixels(want, 8, channels));
        assert.match(r.badShape.message!, /^toCanvas: expected an image tensor .* got shape \[5, 1, 1\]/);
      });
    }
  }
});
