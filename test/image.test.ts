// test/image.test.ts — PNG/JPEG decoding and PNG encoding against PIL, the named kernels and filter2d
// against an independent numpy computation (test/fixtures/gen_image_fixtures.py), and the colour maps.
// Decoding and encoding are IO (checked once); filter2d and the named kernels run ops, so they run on every
// registered backend (forEachBackend; ref first, the oracle). Values are read through `await t.dataAsync()`.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, Tensor, narrow, kernels, filter2d } from '../src/index.js';
import { decodeImage, encodePng, toRgba, rgbToGrey, colorAt } from '../src/io/image.js';
import { upscale } from '../src/vis/grid.js';
import { readImage, writeImage } from '../src/io/image-file.js';
import { kernelFromSpec } from '../src/kernels.js';
import { forEachBackend, nested, scalar, values } from './helpers/backends.js';

const here = dirname(fileURLToPath(import.meta.url));
const asset = (f: string) => join(here, '..', 'assets', 'images', f);
const fx = JSON.parse(readFileSync(join(here, 'fixtures', 'image_filters.json'), 'utf8'));
const { top, left, height, width } = fx.crop as Record<string, number>;

async function maxAbsDiff(t: Tensor, ref: number[][] | number[][][]): Promise<number> {
  const flat = (ref as unknown[]).flat(2) as number[];
  assert.equal(t.numel(), flat.length, 'sizes differ');
  const v = await values(t);
  let m = 0;
  for (let i = 0; i < flat.length; i++) m = Math.max(m, Math.abs(v[i] - flat[i]));
  return m;
}

const cameraCrop = () => narrow(narrow(readImage(asset('camera.png')), 1, top, height), 2, left, width);

describe('decodeImage / readImage', () => {
  test('camera.png is grey [1, 512, 512] in [0, 1], the same pixels PIL decodes', async () => {
    const img = readImage(asset('camera.png'));
    assert.deepEqual(img.shape, [1, 512, 512]);
    assert.equal(img.dtype, 'float32');
    assert.ok(await maxAbsDiff(cameraCrop(), fx.camera) < 1e-6);
  });

  test('chelsea.png is RGB [3, 300, 451]; mode grey matches PIL convert("L") within rounding', async () => {
    const img = readImage(asset('chelsea.png'));
    assert.deepEqual(img.shape, [3, 300, 451]);
    const [l, t, r, b] = fx.chelsea.box as number[];
    const crop = narrow(narrow(img, 1, t, b - t), 2, l, r - l);
    assert.ok(await maxAbsDiff(crop.mul(255), fx.chelsea.rgb) < 1e-3);
    const grey = readImage(asset('chelsea.png'), { mode: 'grey' });
    assert.deepEqual(grey.shape, [1, 300, 451]);
    const gcrop = narrow(narrow(grey, 1, t, b - t), 2, l, r - l);
    assert.ok(await maxAbsDiff(gcrop.mul(255), fx.chelsea.grey) <= 1.0, 'PIL rounds to integers');
    assert.ok(await maxAbsDiff(rgbToGrey(crop), (fx.chelsea.grey as number[][]).map((row) => row.map((v) => v / 255))) <= 1 / 255 + 1e-6);
  });

  test('modes: grey PNG as rgb repeats the channel; rgba adds an opaque alpha', async () => {
    const rgb = readImage(asset('coins.png'), { mode: 'rgb' });
    assert.deepEqual(rgb.shape, [3, 303, 384]);
    const n = 303 * 384;
    const rgbv = await values(rgb);
    for (const i of [0, 1000, 54321]) assert.equal(rgbv[i], rgbv[2 * n + i]);
    const rgba = readImage(asset('coins.png'), { mode: 'rgba' });
    assert.equal((await values(rgba))[3 * n + 7], 1);
  });

  test('a JPEG written by PIL decodes to within JPEG decoder differences', async () => {
    const img = decodeImage(readFileSync(join(here, 'fixtures', 'chelsea-crop.jpg')));
    assert.deepEqual(img.shape, [3, 48, 64]);
    const ref = (fx['chelsea-crop.jpg'] as number[][][]).flat(2);
    const v = await values(img);
    let sum = 0, max = 0;
    for (let i = 0; i < ref.length; i++) { const d = Math.abs(v[i] * 255 - ref[i]); sum += d; max = Math.max(max, d); }
    assert.ok(sum / ref.length < 1.0, `mean |diff| ${sum / ref.length}`);
    assert.ok(max <= 16, `max |diff| ${max}` + " (chroma upsampling differs between decoders)");
  });

  test('clear errors for missing files and bad bytes', () => {
    assert.throws(() => readImage('/nonexistent/x.png'), /readImage: cannot read '\/nonexistent\/x.png' \(ENOENT\)/);
    assert.throws(() => decodeImage(new Uint8Array([1, 2, 3, 4])), /decodeImage: unknown image format/);
    assert.throws(() => decodeImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1])), /decodeImage: not a valid PNG/);
    assert.throws(() => decodeImage(new Uint8Array(10), { mode: 'bgr' as never }), /mode must be one of/);
  });
});

describe('encodePng / writeImage', () => {
  test('grey and RGB round-trip exactly through 8 bits', async () => {
    const img = readImage(asset('chelsea.png'));
    const back = decodeImage(encodePng(img));
    assert.deepEqual(back.shape, img.shape);
    assert.deepEqual(await back.dataAsync(), await img.dataAsync());
    const grey = readImage(asset('coins.png'));
    const backGrey = decodeImage(encodePng(grey));
    assert.deepEqual(backGrey.shape, [1, 303, 384]);
    assert.deepEqual(await backGrey.dataAsync(), await grey.dataAsync());
  });

  test('normalisations: fixed clamps, minmax stretches, symmetric centres 0', () => {
    const t = tensor([[-1, 0, 0.5, 2]]);
    const px = (o: object) => Array.from(toRgba(t, o).data.filter((_, i) => i % 4 === 0));
    assert.deepEqual(px({}), [0, 0, 128, 255]);
    assert.deepEqual(px({ normalize: 'minmax' }), [0, 85, 128, 255]);
    assert.deepEqual(px({ normalize: 'symmetric' }), [64, 128, 159, 255]);
    assert.deepEqual(px({ range: [-1, 2] }), [0, 85, 128, 255]);
    assert.throws(() => toRgba(t, { range: [1, 0] }), /range must be \[lo, hi\] with hi > lo/);
  });

  test('diverging colour map: negative blue, zero white, positive red', () => {
    const img = toRgba(tensor([[-3, 0, 3]]), { cmap: 'diverging' });
    const [neg, zero, pos] = [0, 1, 2].map((i) => Array.from(img.data.slice(4 * i, 4 * i + 3)));
    assert.ok(neg[2] > neg[0], `blue ${neg}`);
    assert.deepEqual(zero, [247, 247, 247]);
    assert.ok(pos[0] > pos[2], `red ${pos}`);
    assert.deepEqual(colorAt('viridis', 0), [68, 1, 84]);
    assert.equal(decodeImage(encodePng(tensor([[-3, 0, 3]]), { cmap: 'diverging' })).shape[0], 3);
    assert.throws(() => toRgba(tensor([[[1]], [[1]], [[1]]]), { cmap: 'viridis' }), /needs a one-channel map, got 3 channels/);
  });

  test('shapes: [H, W], [1, C, H, W], scale; bad shapes and paths are refused', async () => {
    assert.equal(toRgba(tensor([[0, 1], [1, 0]]), { scale: 3 }).width, 6);
    assert.equal(toRgba(tensor([[[[0, 1]]]])).width, 2);
    assert.throws(() => toRgba(tensor([[[[0]]], [[[0]]]])), /expected an image tensor/);
    assert.throws(() => toRgba(tensor([1, 2])), /expected an image tensor/);
    assert.deepEqual(await nested(upscale(tensor([[1, 2]]), 2)), [[1, 1, 2, 2], [1, 1, 2, 2]]);
    const dir = mkdtempSync(join(tmpdir(), 'convnet-img-'));
    try {
      await writeImage(join(dir, 'sub', 'a.png'), tensor([[0, 1]]));
      assert.deepEqual(await nested(readImage(join(dir, 'sub', 'a.png'))), [[[0, 1]]]);
      await assert.rejects(() => writeImage(join(dir, 'a.jpg'), tensor([[0]])), /only PNG output/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

forEachBackend('encodePng of a filter2d map (vs PIL)', () => {
  test('PIL-written Sobel PNG equals the fixture; our min-max encoding of the same map matches it', async () => {
    const png = decodeImage(readFileSync(join(here, 'fixtures', 'camera-sobel.png')));
    assert.ok(await maxAbsDiff(png.mul(255), fx['camera-sobel.png']) < 1e-3);
    const mag = filter2d(cameraCrop(), 'sobel');
    // The values read first (await, as on a GPU) and given to the encoder.
    const ours = decodeImage(encodePng(mag, { normalize: 'minmax' }, await mag.dataAsync()));
    assert.ok(await maxAbsDiff(ours.mul(255), fx['camera-sobel.png']) <= 1.0001);
  });
});

forEachBackend('kernels and filter2d (vs numpy, test/fixtures/gen_image_fixtures.py)', () => {
  for (const mode of ['reflect', 'zeros'] as const) {
    for (const name of ['sobel-x', 'sobel-y', 'sobel', 'laplacian', 'gaussian']) {
      test(`${name} of the camera crop, padding ${mode}`, async () => {
        const y = filter2d(cameraCrop(), name, { paddingMode: mode });
        assert.deepEqual(y.shape, [1, height, width]);
        assert.ok(await maxAbsDiff(y, fx[mode][name]) < 1e-5);
      });
    }
  }

  test('named kernels', async () => {
    assert.deepEqual(await nested(kernels.sobelX), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]);
    assert.deepEqual(await nested(kernels.sobelY), [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]);
    assert.deepEqual(await nested(kernels.laplacian), [[0, 1, 0], [1, -4, 1], [0, 1, 0]]);
    assert.ok(Math.abs(await scalar(kernels.gaussian.sum()) - 1) < 1e-6);
    assert.ok(Math.abs(await scalar(kernels.box.sum()) - 1) < 1e-6);
    assert.equal(await scalar(kernels.sharpen.sum()), 1);
    const a = kernels.sobelX;
    a.fill_(99);
    assert.equal((await values(a))[0], 99);
    assert.equal((await values(kernels.sobelX))[0], -1, 'each access is a fresh tensor');
    assert.deepEqual(await nested(kernelFromSpec('[[1, 2], [3, 4]]')), [[1, 2], [3, 4]]);
    assert.throws(() => kernelFromSpec('[[1, 2], [3]]'), /rectangular matrix/);
    assert.throws(() => kernelFromSpec('sobol'), /unknown kernel 'sobol'/);
  });

  test('per channel on RGB, stride, and every padding mode keeps the size', async () => {
    const img = readImage(asset('chelsea.png'));
    for (const padding of ['zeros', 'reflect', 'replicate', 'circular'] as const) {
      assert.deepEqual(filter2d(img, kernels.gaussian, { paddingMode: padding }).shape, [3, 300, 451]);
    }
    assert.deepEqual(filter2d(img, 'box', { stride: 2 }).shape, [3, 150, 226]);
    // depthwise: each channel filtered alone
    const r = filter2d(narrow(img, 0, 0, 1), 'laplacian');
    const all = filter2d(img, 'laplacian');
    assert.deepEqual(await values(narrow(all, 0, 0, 1)), await values(r));
  });
});
