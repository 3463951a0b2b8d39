// test/transforms-photo.test.ts — the photo transforms (issue 11 item 4, issue 14 item 8): every
// deterministic function of transforms.functional against torchvision 0.14 on every backend (fixtures from
// test/fixtures/gen_transforms_fixtures.py); the random classes by seeded structure (a twin generator
// replays the draws, so forward must equal the functional call with those parameters) and by statistics;
// the classes' PyTorch calling conventions and reprs; gradients of resize and rotate by float64 differences.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, tensor, rand, transforms as T, Generator, gradcheck } from '../src/index.js';
import { forEachBackend, assertClose, values, type FixtureTensor } from './helpers/backends.js';

const TF = T.functional;
const here = dirname(fileURLToPath(import.meta.url));

interface Case { name: string; fn: string; image: 'rgb' | 'grey'; args: Record<string, unknown>; shape: number[]; data: number[] }
const fixtures = JSON.parse(readFileSync(join(here, 'fixtures/transforms.json'), 'utf8')) as { images: Record<string, FixtureTensor>; cases: Case[] };
const image = (name: 'rgb' | 'grey'): Tensor => tensor(fixtures.images[name].data).reshape(fixtures.images[name].shape);

/** Runs a fixture case through convnet's function of the same name, by keyword (the options object). */
function run(c: Case, img: Tensor): Tensor {
  const a = c.args as Record<string, never>;
  switch (c.fn) {
    case 'resize': return TF.resize(img, a.size, { interpolation: a.interpolation, maxSize: a.maxSize, antialias: a.antialias });
    case 'centerCrop': return TF.centerCrop(img, a.size);
    case 'crop': return TF.crop(img, a.top, a.left, a.height, a.width);
    case 'resizedCrop': return TF.resizedCrop(img, a.top, a.left, a.height, a.width, a.size, { antialias: a.antialias });
    case 'rotate': return TF.rotate(img, a.angle, { interpolation: a.interpolation, expand: a.expand, center: a.center, fill: a.fill });
    case 'adjustBrightness': return TF.adjustBrightness(img, a.factor);
    case 'adjustContrast': return TF.adjustContrast(img, a.factor);
    case 'adjustSaturation': return TF.adjustSaturation(img, a.factor);
    case 'adjustHue': return TF.adjustHue(img, a.factor);
    case 'rgbToGrayscale': return TF.rgbToGrayscale(img, a.numOutputChannels);
    case 'normalize': return TF.normalize(img, a.mean, a.std);
    case 'hflip': return TF.hflip(img);
    case 'vflip': return TF.vflip(img);
  }
  throw new Error(`no function for ${c.fn}`);
}

forEachBackend('transforms.functional against torchvision', () => {
  for (const c of fixtures.cases) {
    test(c.name, async () => {
      // Selections (nearest, crops, flips) are exact; interpolation sums a few float32 products.
      const exact = c.fn === 'crop' || c.fn === 'centerCrop' || c.fn.endsWith('flip') || c.args.interpolation === 'nearest';
      // (The JSON keeps 9 digits, which round-trip to the float32 values PyTorch computed.)
      const expected = { shape: c.shape, data: c.data.map(Math.fround) };
      await assertClose(run(c, image(c.image)), expected, exact ? { atol: 0, rtol: 0, name: c.name } : { atol: 2e-6, rtol: 2e-5, name: c.name });
    });
  }
});

forEachBackend('photo transform classes', () => {
  const img = () => image('rgb');

  test('Resize and CenterCrop are their functions; positional and named arguments agree', async () => {
    await assertClose(new T.Resize([7, 9], 'bicubic', undefined, false)(img()), TF.resize(img(), [7, 9], { interpolation: 'bicubic', antialias: false }), { atol: 0, rtol: 0 });
    await assertClose(new T.Resize({ size: 10, antialias: false })(img()), TF.resize(img(), 10, 'bilinear', undefined, false), { atol: 0, rtol: 0 });
    assert.deepEqual(new T.Resize(10)(img()).shape, [3, 10, 13]);
    assert.deepEqual(new T.Resize(6, { maxSize: 8 })(img()).shape, [3, 6, 7]);
    await assertClose(new T.CenterCrop(8)(img()), TF.centerCrop(img(), [8, 8]), { atol: 0, rtol: 0 });
    // An unbatched grey [H, W] image and a batch [N, C, H, W] work as torchvision's [..., H, W].
    assert.deepEqual(new T.Resize([4, 5])(rand([13, 17])).shape, [4, 5]);
    assert.deepEqual(new T.CenterCrop(3)(rand([2, 3, 13, 17])).shape, [2, 3, 3, 3]);
  });

  test('RandomCrop with a fill: windows of the image padded with the fill; the batched kernel agrees', async () => {
    const x = tensor([[[1, 2], [3, 4]]]);
    const v = 0.5;
    const padded = [[v, v, v, v], [v, 1, 2, v], [v, 3, 4, v], [v, v, v, v]];
    const windows = new Set<string>();
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) windows.add(JSON.stringify([padded[r].slice(c, c + 2), padded[r + 1].slice(c, c + 2)]));
    const t = new T.RandomCrop(2, 1, false, v, { generator: new Generator(4) });
    const twin = new T.RandomCrop(2, { padding: 1, fill: v, generator: new Generator(4) });
    const seen = new Set<string>();
    for (let k = 0; k < 60; k++) {
      const out = await values(t(x));
      const s = JSON.stringify([out.slice(0, 2), out.slice(2, 4)]);
      assert.ok(windows.has(s), s);
      seen.add(s);
      const dst = new Float32Array(4);
      twin.sample.apply(Float32Array.of(1, 2, 3, 4), dst, [1, 2, 2]);
      assert.deepEqual(Array.from(dst), out, 'the batched kernel draws and fills the same');
    }
    assert.equal(seen.size, 9);
  });

  test('RandomResizedCrop: forward is resizedCrop at getParams (a twin generator replays the draws)', async () => {
    const t = new T.RandomResizedCrop(8, { generator: new Generator(7) });
    const twin = new T.RandomResizedCrop(8, { generator: new Generator(7) });
    for (let k = 0; k < 5; k++) {
      const [i, j, h, w] = twin.getParams(13, 17);
      await assertClose(t(img()), TF.resizedCrop(img(), i, j, h, w, [8, 8]), { atol: 0, rtol: 0 });
    }
    const other = new T.RandomResizedCrop(8, { generator: new Generator(8) });
    assert.notDeepEqual(await values(other(img())), await values(new T.RandomResizedCrop(8, { generator: new Generator(7) })(img())));
  });

  test('ColorJitter: forward applies the drawn factors in the drawn order', async () => {
    const opts = { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 };
    const t = new T.ColorJitter({ ...opts, generator: new Generator(3) });
    const twin = new T.ColorJitter({ ...opts, generator: new Generator(3) });
    for (let k = 0; k < 4; k++) {
      const [order, b, c, s, h] = twin.getParams();
      let want = img();
      for (const f of order) {
        want = f === 0 ? TF.adjustBrightness(want, b!) : f === 1 ? TF.adjustContrast(want, c!) : f === 2 ? TF.adjustSaturation(want, s!) : TF.adjustHue(want, h!);
      }
      await assertClose(t(img()), want, { atol: 0, rtol: 0 });
    }
  });

  test('RandomRotation: forward is rotate by getParams with the fill given per channel', async () => {
    const t = new T.RandomRotation(30, 'bilinear', { fill: 0.5, generator: new Generator(11) });
    const twin = new T.RandomRotation(30, 'bilinear', { fill: 0.5, generator: new Generator(11) });
    for (let k = 0; k < 3; k++) {
      const angle = twin.getParams();
      await assertClose(t(img()), TF.rotate(img(), angle, 'bilinear', false, undefined, [0.5, 0.5, 0.5]), { atol: 0, rtol: 0 });
    }
    assert.deepEqual(new T.RandomRotation(45, { expand: true })(img()).shape.length, 3);
  });
});

// The draws themselves need no tensors: checked once.
test('RandomResizedCrop.getParams: windows inside the image, area and aspect within range, areas spread over scale', () => {
  // On a 300 × 300 image no draw of scale [0.25, 0.75] and ratio [3/4, 4/3] leaves the image (the longest
  // side is √(0.75 · 300² · 4/3) = 300), so the first draw is taken: the area fraction is uniform over the
  // scale range (mean 0.5) and log(w / h) uniform over ±log(4/3) (mean 0).
  const t = new T.RandomResizedCrop(32, [0.25, 0.75], [3 / 4, 4 / 3], { generator: new Generator(0) });
  const H = 300, W = 300, fractions: number[] = [], logRatios: number[] = [];
  for (let k = 0; k < 4000; k++) {
    const [i, j, h, w] = t.getParams(H, W);
    assert.ok(i >= 0 && j >= 0 && i + h <= H && j + w <= W && h > 0 && w > 0, `window ${[i, j, h, w]}`);
    // The rounded sides keep the area and the ratio within their ranges up to rounding.
    const f = (h * w) / (H * W);
    assert.ok(f > 0.245 && f < 0.755, `area fraction ${f}`);
    assert.ok(w / h > 0.74 && w / h < 1.35, `ratio ${w / h}`);
    fractions.push(f);
    logRatios.push(Math.log(w / h));
  }
  const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  assert.ok(Math.abs(avg(fractions) - 0.5) < 0.01, `mean area fraction ${avg(fractions)}, expected about 0.5`);
  assert.ok(Math.abs(avg(logRatios)) < 0.01, `mean log ratio ${avg(logRatios)}, expected about 0`);
  // An impossible ratio falls back to the central crop with the ratio clamped, as torchvision.
  const thin = new T.RandomResizedCrop(8, [0.9, 1], [10, 20], { generator: new Generator(0) });
  assert.deepEqual(thin.getParams(100, 20), [49, 0, 2, 20]);  // h = round(20 / 10), top = (100 − 2) / 2
});

test('ColorJitter.getParams: a permutation of the four, factors within the ranges; off when not asked for', () => {
  const t = new T.ColorJitter(0.5, [0.8, 1.2], 0, 0.25, { generator: new Generator(1) });
  assert.equal(t.saturation, null);
  const firsts = new Set<number>();
  for (let k = 0; k < 500; k++) {
    const [order, b, c, s, h] = t.getParams();
    assert.deepEqual([...order].sort(), [0, 1, 2, 3]);
    firsts.add(order[0]);
    assert.ok(b! >= 0.5 && b! <= 1.5 && c! >= 0.8 && c! <= 1.2 && s === null && h! >= -0.25 && h! <= 0.25);
  }
  assert.equal(firsts.size, 4);
  assert.throws(() => new T.ColorJitter(0, 0, 0, 0.6), /ColorJitter: hue values should be between \[-0.5, 0.5\]/);
  assert.throws(() => new T.ColorJitter(-1), /ColorJitter: if brightness is a single number, it must be non-negative, got -1/);
});

test('RandomRotation.getParams: uniform over [-d, d]', () => {
  const t = new T.RandomRotation([-10, 30], { generator: new Generator(2) });
  let sum = 0;
  for (let k = 0; k < 4000; k++) {
    const a = t.getParams();
    assert.ok(a >= -10 && a <= 30);
    sum += a;
  }
  assert.ok(Math.abs(sum / 4000 - 10) < 0.6, `mean angle ${sum / 4000}`);
});

test('PyTorch calling conventions and torchvision reprs', () => {
  assert.throws(() => new T.Resize(32, { max_size: 40 }), /Resize: unknown option 'max_size': did you mean maxSize\?/);
  assert.throws(() => new T.Resize(32, 'linear'), /Resize: argument 2 \(interpolation\) must be 'nearest', 'bilinear' or 'bicubic', got the string "linear"/);
  assert.throws(() => new T.CenterCrop(), /CenterCrop: missing required argument 'size'/);
  assert.throws(() => new T.RandomCrop(28, { padding: 4, padding_mode: 'reflect' }), /RandomCrop: unknown option 'padding_mode'/);
  assert.throws(() => new T.Normalize(0.5), /Normalize: missing required argument 'std'/);
  assert.throws(() => new T.RandomHorizontalFlip(0.5, { generator: 3 }), /RandomHorizontalFlip: generator must be a Generator/);
  assert.throws(() => TF.resize(rand([3, 4, 4]), [2, 2], { antialias: 'yes' }), /resize: antialias must be a boolean/);
  assert.equal(new T.RandomCrop(28, 4).repr, 'RandomCrop(size=(28, 28), padding=4)');
  assert.equal(new T.Resize(32).repr, 'Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)');
  assert.equal(new T.CenterCrop([3, 4]).repr, 'CenterCrop(size=(3, 4))');
  assert.equal(new T.ColorJitter(0.5).repr, 'ColorJitter(brightness=(0.5, 1.5), contrast=None, saturation=None, hue=None)');
  assert.equal(new T.RandomRotation(10).repr, 'RandomRotation(degrees=[-10, 10], interpolation=nearest, expand=False, fill=0)');
  assert.equal(String(new T.Compose([new T.ToTensor(), new T.Lambda((x: Tensor) => x)])), 'Compose(\n    ToTensor()\n    Lambda()\n)');
  assert.ok(new T.Resize(8) instanceof T.Transform && typeof new T.Resize(8) === 'function');
  // Errors name the op and what came.
  assert.throws(() => TF.adjustHue(rand([3, 2, 2]), 0.7), /adjustHue: hueFactor must be in \[-0.5, 0.5\], got 0.7/);
  assert.throws(() => TF.rotate(rand([3, 4, 4]), 10, { fill: [1, 2] }), /rotate: fill must be one number or one per channel \(3\), got 2 values/);
  assert.throws(() => TF.adjustSaturation(rand([2, 4, 4]), 0.5), /adjustSaturation: expected an RGB image \[\.\.\., 3, H, W\], got \[2, 4, 4\]/);
});

test('resize, resizedCrop and rotate are differentiable (float64 central differences)', () => {
  const x = rand([2, 5, 6], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((t) => TF.resize(t, [3, 8], { antialias: true }), [x]));
  assert.ok(gradcheck((t) => TF.resize(t, [4, 4], 'bicubic', undefined, false), [x]));
  assert.ok(gradcheck((t) => TF.rotate(t, 33, 'bilinear', true, undefined, [0.2, 0.4]), [x]));
  const rgb = rand([3, 4, 5], { dtype: 'float64', requiresGrad: true });
  assert.ok(gradcheck((t) => TF.adjustContrast(t.mul(0.5).add(0.25), 1.3), [rgb]));
});
