// test/properties.test.ts — the properties that make convolution fit images, checked: translation
// equivariance (exact with circular padding; exact away from the borders with zero padding; for pooling at
// multiples of its stride) and local connectivity with weight sharing (parameter counts, and each output
// depends only on its window). Every case runs on every backend; values are read through data().

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, randn, manualSeed, nn, F, narrow } from '../src/index.js';
import { fromArray } from '../src/tensor/creation.js';
import { forEachBackend, scalar, values } from './helpers/backends.js';

/** torch.roll over the last two dims, by its definition on the values read back (not by the library's ops). */
async function roll(x: Tensor, dy: number, dx: number): Promise<Tensor> {
  const H = x.shape[x.ndim - 2], W = x.shape[x.ndim - 1], planes = x.numel() / (H * W);
  const src = await x.dataAsync(), out = new Float32Array(src.length);
  for (let p = 0; p < planes; p++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
    out[p * H * W + (((i + dy) % H + H) % H) * W + (((j + dx) % W + W) % W)] = src[p * H * W + i * W + j];
  }
  return fromArray(out, x.shape);
}
const maxDiff = (a: Tensor, b: Tensor) => scalar(a.sub(b).abs().max());

forEachBackend('translation equivariance', () => {
  before(() => manualSeed(11)); // the same layers and inputs on every backend
  for (const [dy, dx] of [[1, 0], [0, 3], [5, 7], [-4, 9]]) {
    test(`circular padding, shift (${dy}, ${dx}): exact`, async () => {
      const conv = new nn.Conv2d(3, 4, 5, { padding: 2, paddingMode: 'circular' });
      const x = randn([2, 3, 20, 24]);
      assert.equal(await maxDiff(conv(await roll(x, dy, dx)), await roll(conv(x), dy, dx)), 0);
    });
  }

  test('zero padding: exact away from the borders, not at them', async () => {
    const conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
    const x = randn([1, 2, 16, 16]);
    const a = conv(await roll(x, 3, 2)), b = await roll(conv(x), 3, 2);
    const inner = (t: Tensor) => narrow(narrow(t, 2, 4, 10), 3, 3, 10);
    assert.equal(await maxDiff(inner(a), inner(b)), 0);
    assert.ok(await maxDiff(a, b) > 0.1);
  });

  test('valid convolution of a shifted crop is the shifted output', async () => {
    const x = randn([1, 1, 30, 30]), w = randn([2, 1, 4, 4]);
    const y = F.conv2d(x, w);
    const ys = F.conv2d(narrow(narrow(x, 2, 3, 27), 3, 5, 25), w);
    assert.equal(await maxDiff(ys, narrow(narrow(y, 2, 3, 24), 3, 5, 22)), 0);
  });

  test('max pooling is equivariant to shifts by its stride', async () => {
    const x = randn([1, 2, 16, 16]);
    assert.equal(await maxDiff(F.maxPool2d(await roll(x, 4, 2), 2), await roll(F.maxPool2d(x, 2), 2, 1)), 0);
  });
});

forEachBackend('local connectivity and weight sharing', () => {
  before(() => manualSeed(12));
  test('Conv2d(1, 6, 5) vs Linear on a 28×28 input: 156 vs 3,692,640 parameters', () => {
    const count = (m: nn.Module) => m.parameters().reduce((s, p) => s + p.numel(), 0);
    const conv = new nn.Conv2d(1, 6, 5, { padding: 2 });
    assert.equal(count(conv), 6 * 25 + 6);
    assert.equal(count(new nn.Linear(28 * 28, 6 * 28 * 28)), 784 * 4704 + 4704);
    // the parameter count does not depend on the image size; a dense layer's grows with its square
    assert.deepEqual(conv(randn([1, 1, 64, 64])).shape, [1, 6, 64, 64]);
  });

  test('each output depends only on its k×k window (the gradient is zero elsewhere)', async () => {
    const conv = new nn.Conv2d(1, 1, 3, { padding: 1 });
    const x = randn([1, 1, 9, 9], { requiresGrad: true });
    conv(x).select(2, 4).select(2, 4).sum().backward();
    const g = await values(x.grad!.reshape([9, 9]));
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) {
      const inside = Math.abs(i - 4) <= 1 && Math.abs(j - 4) <= 1;
      if (!inside) assert.equal(g[i * 9 + j], 0, `(${i}, ${j})`);
    }
  });

  test('weight sharing: the same kernel at every position (an impulse reproduces the flipped kernel everywhere)', async () => {
    const conv = new nn.Conv2d(1, 1, 3, { padding: 1, bias: false });
    const w = await values(conv.weight);
    for (const [i, j] of [[2, 2], [5, 7]]) {
      const impulse = new Float32Array(100);
      impulse[i * 10 + j] = 1;
      const y = await values(conv(fromArray(impulse, [1, 1, 10, 10])));
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
        assert.equal(y[(i + 1 - a) * 10 + (j + 1 - b)], w[a * 3 + b]);
      }
    }
  });
});
