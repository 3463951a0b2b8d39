// test/properties.test.ts — the properties that make convolution fit images, checked: translation
// equivariance (exact with circular padding; exact away from the borders with zero padding; for pooling at
// multiples of its stride) and local connectivity with weight sharing (parameter counts, and each output
// depends only on its window).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, randn, manualSeed, nn, F, narrow, zeros } from '../src/index.js';

function roll(x: Tensor, dy: number, dx: number): Tensor {
  const H = x.shape[x.ndim - 2], W = x.shape[x.ndim - 1], out = x.storage.slice(), planes = x.numel() / (H * W);
  for (let p = 0; p < planes; p++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
    out[p * H * W + (((i + dy) % H + H) % H) * W + (((j + dx) % W + W) % W)] = x.storage[p * H * W + i * W + j];
  }
  return new Tensor(out, x.shape);
}
const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();

describe('translation equivariance', () => {
  manualSeed(11);
  for (const [dy, dx] of [[1, 0], [0, 3], [5, 7], [-4, 9]]) {
    test(`circular padding, shift (${dy}, ${dx}): exact`, () => {
      const conv = new nn.Conv2d(3, 4, 5, { padding: 2, paddingMode: 'circular' });
      const x = randn([2, 3, 20, 24]);
      assert.equal(maxDiff(conv(roll(x, dy, dx)), roll(conv(x), dy, dx)), 0);
    });
  }

  test('zero padding: exact away from the borders, not at them', () => {
    const conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
    const x = randn([1, 2, 16, 16]);
    const a = conv(roll(x, 3, 2)), b = roll(conv(x), 3, 2);
    const inner = (t: Tensor) => narrow(narrow(t, 2, 4, 10), 3, 3, 10);
    assert.equal(maxDiff(inner(a), inner(b)), 0);
    assert.ok(maxDiff(a, b) > 0.1);
  });

  test('valid convolution of a shifted crop is the shifted output', () => {
    const x = randn([1, 1, 30, 30]), w = randn([2, 1, 4, 4]);
    const y = F.conv2d(x, w);
    const ys = F.conv2d(narrow(narrow(x, 2, 3, 27), 3, 5, 25), w);
    assert.equal(maxDiff(ys, narrow(narrow(y, 2, 3, 24), 3, 5, 22)), 0);
  });

  test('max pooling is equivariant to shifts by its stride', () => {
    const x = randn([1, 2, 16, 16]);
    assert.equal(maxDiff(F.maxPool2d(roll(x, 4, 2), 2), roll(F.maxPool2d(x, 2), 2, 1)), 0);
  });
});

describe('local connectivity and weight sharing', () => {
  test('Conv2d(1, 6, 5) vs Linear on a 28×28 input: 156 vs 3,692,640 parameters', () => {
    const count = (m: nn.Module) => m.parameters().reduce((s, p) => s + p.numel(), 0);
    const conv = new nn.Conv2d(1, 6, 5, { padding: 2 });
    assert.equal(count(conv), 6 * 25 + 6);
    assert.equal(count(new nn.Linear(28 * 28, 6 * 28 * 28)), 784 * 4704 + 4704);
    // the parameter count does not depend on the image size; a dense layer's grows with its square
    assert.deepEqual(conv(randn([1, 1, 64, 64])).shape, [1, 6, 64, 64]);
  });

  test('each output depends only on its k×k window (the gradient is zero elsewhere)', () => {
    const conv = new nn.Conv2d(1, 1, 3, { padding: 1 });
    const x = randn([1, 1, 9, 9], { requiresGrad: true });
    conv(x).select(2, 4).select(2, 4).sum().backward();
    const g = x.grad!.reshape([9, 9]);
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) {
      const inside = Math.abs(i - 4) <= 1 && Math.abs(j - 4) <= 1;
      if (!inside) assert.equal(g.storage[i * 9 + j], 0, `(${i}, ${j})`);
    }
  });

  test('weight sharing: the same kernel at every position (an impulse reproduces the flipped kernel everywhere)', () => {
    const conv = new nn.Conv2d(1, 1, 3, { padding: 1, bias: false });
    for (const [i, j] of [[2, 2], [5, 7]]) {
      const x = zeros([1, 1, 10, 10]);
      x.storage[i * 10 + j] = 1;
      const y = conv(x);
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
        assert.equal(y.storage[(i + 1 - a) * 10 + (j + 1 - b)], conv.weight.storage[a * 3 + b]);
      }
    }
  });
});
