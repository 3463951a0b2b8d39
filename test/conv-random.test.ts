// Randomized: conv2d against its definition written as plain nested loops, on random shapes and options
// (stride, zero padding incl. 'same', dilation, groups, padding modes, bias), forward and all gradients.
// The gradients of the definition are taken by the same nested loops (the adjoint of each multiply-add).

import { before, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { F, manualSeed, randn, tensor, zeros } from '../src/index.js';
import { randomInt } from '../src/tensor/random.js';
import { assertClose, forEachBackend, values } from './helpers/backends.js';

interface Spec {
  N: number; C: number; H: number; W: number; OC: number; KH: number; KW: number;
  s: [number, number]; d: [number, number]; g: number;
  pad: [number, number, number, number]; // top, bottom, left, right (after resolving 'same')
  padding: number | [number, number] | 'same';
  mode: 'zeros' | 'reflect' | 'replicate' | 'circular';
}

function source(mode: Spec['mode'], p: number, size: number): number {
  if (p >= 0 && p < size) return p;
  if (mode === 'zeros') return -1;
  if (mode === 'replicate') return p < 0 ? 0 : size - 1;
  if (mode === 'reflect') return p < 0 ? -p : 2 * (size - 1) - p;
  return ((p % size) + size) % size;
}

/** y[n,o,i,j] = b[o] + Σ_c Σ_a Σ_b x[n, g·Cg + c, i·s − pT + a·d, j·s − pL + b·d] · w[o, c, a, b]. */
function definition(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, dy: ArrayLike<number>, sp: Spec) {
  const { N, C, H, W, OC, KH, KW, s, d, g, pad, mode } = sp;
  const Cg = C / g, OCg = OC / g;
  const OH = Math.floor((H + pad[0] + pad[1] - d[0] * (KH - 1) - 1) / s[0]) + 1;
  const OW = Math.floor((W + pad[2] + pad[3] - d[1] * (KW - 1) - 1) / s[1]) + 1;
  const y = new Float64Array(N * OC * OH * OW), dx = new Float64Array(x.length), dw = new Float64Array(w.length), db = new Float64Array(OC);
  for (let n = 0; n < N; n++) for (let o = 0; o < OC; o++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    const yi = ((n * OC + o) * OH + i) * OW + j;
    let acc = b[o];
    const group = Math.floor(o / OCg);
    for (let c = 0; c < Cg; c++) for (let a = 0; a < KH; a++) for (let bb = 0; bb < KW; bb++) {
      const ih = source(mode, i * s[0] - pad[0] + a * d[0], H), iw = source(mode, j * s[1] - pad[2] + bb * d[1], W);
      if (ih < 0 || iw < 0) continue;
      const xi = ((n * C + group * Cg + c) * H + ih) * W + iw, wi = ((o * Cg + c) * KH + a) * KW + bb;
      acc += x[xi] * w[wi];
      dx[xi] += dy[yi] * w[wi];
      dw[wi] += dy[yi] * x[xi];
    }
    y[yi] = acc;
    db[o] += dy[yi];
  }
  return { y, dx, dw, db, shape: [N, OC, OH, OW] };
}

function randomSpec(): Spec {
  const g = [1, 1, 2, 3][randomInt(0, 4)];
  const C = g * randomInt(1, 3), OC = g * randomInt(1, 3);
  const KH = randomInt(1, 4), KW = randomInt(1, 4);
  const d: [number, number] = [randomInt(1, 3), randomInt(1, 3)];
  const mode = (['zeros', 'zeros', 'reflect', 'replicate', 'circular'] as const)[randomInt(0, 5)];
  const same = randomInt(0, 4) === 0;
  const s: [number, number] = same ? [1, 1] : [randomInt(1, 3), randomInt(1, 3)];
  const H = d[0] * (KH - 1) + 1 + randomInt(0, 5), W = d[1] * (KW - 1) + 1 + randomInt(0, 5);
  let padding: Spec['padding'];
  let pad: Spec['pad'];
  if (same) {
    padding = 'same';
    const th = d[0] * (KH - 1), tw = d[1] * (KW - 1);
    pad = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else {
    const ph = randomInt(0, 3), pw = randomInt(0, 3);
    padding = ph === pw && randomInt(0, 2) ? ph : [ph, pw];
    pad = [ph, ph, pw, pw];
  }
  // reflect needs pad < size; circular pad <= size
  const limit = mode === 'reflect' ? 1 : 0;
  if (mode !== 'zeros' && (Math.max(pad[0], pad[1]) > H - limit || Math.max(pad[2], pad[3]) > W - limit)) return randomSpec();
  return { N: randomInt(1, 3), C, H, W, OC, KH, KW, s, d, g, pad, padding, mode };
}

// The same 60 cases on every backend (the seed is reset per backend). Each is checked against the
// definition, so the wasm kernels are held to the same float64 reference as ref, at the same tolerance.
forEachBackend('conv2d vs nested-loop definition, random cases', () => {
  before(() => manualSeed(7));
  for (let k = 0; k < 60; k++) {
    it(`random case ${k}`, async () => {
      const sp = randomSpec();
      const x = randn([sp.N, sp.C, sp.H, sp.W], { requiresGrad: true });
      const w = randn([sp.OC, sp.C / sp.g, sp.KH, sp.KW], { requiresGrad: true });
      const b = randn([sp.OC], { requiresGrad: true });
      const opts = { stride: sp.s, dilation: sp.d, groups: sp.g, padding: sp.padding, paddingMode: sp.mode };
      const label = JSON.stringify({ x: x.shape, w: w.shape, ...opts });
      const y = F.conv2d(x, w, b, opts);
      const dy = randn(y.shape);
      const ref = definition(await x.dataAsync(), await w.dataAsync(), await b.dataAsync(), await dy.dataAsync(), sp);
      assert.deepEqual(y.shape, ref.shape, `${label} shape`);
      const tol = { atol: 1e-4, rtol: 1e-4 };
      await assertClose(y, ref.y, { ...tol, name: `${label} forward` });
      y.backward(dy);
      await assertClose(x.grad!, ref.dx, { ...tol, name: `${label} dx` });
      await assertClose(w.grad!, ref.dw, { ...tol, name: `${label} dw` });
      await assertClose(b.grad!, ref.db, { ...tol, name: `${label} db` });
    });
  }
});

// An empty batch (N = 0) flows through convolution and pooling as in PyTorch: empty outputs of the
// formula's shape, and the gradients of the weights and bias are sums over no example, zeros.
forEachBackend('an empty batch', () => {
  test('conv2d (s=2 p=1, and depthwise), maxPool2d, avgPool2d ceilMode with N = 0: shapes, zero weight and bias gradients', async () => {
    const x = zeros([0, 3, 6, 6], { requiresGrad: true }), w = randn([4, 3, 3, 3], { requiresGrad: true }), b = randn([4], { requiresGrad: true });
    const y = F.conv2d(x, w, b, { padding: 1, stride: 2 });
    assert.deepEqual(y.shape, [0, 4, 3, 3]);
    const p = F.maxPool2d(y, 2), a = F.avgPool2d(y, 2, { ceilMode: true });
    assert.deepEqual([p.shape, a.shape], [[0, 4, 1, 1], [0, 4, 2, 2]]);
    p.sum().add(a.sum()).backward();
    assert.deepEqual(x.grad!.shape, [0, 3, 6, 6]);
    assert.deepEqual(await values(w.grad!), new Array(4 * 3 * 3 * 3).fill(0));
    assert.deepEqual(await values(b.grad!), [0, 0, 0, 0]);
    assert.deepEqual(F.conv2d(zeros([0, 4, 5, 5]), randn([4, 1, 3, 3]), null, { groups: 4 }).shape, [0, 4, 3, 3]);
    assert.throws(() => F.conv2d(zeros([1, 3, 0, 5]), w), /conv2d: input of shape \[1, 3, 0, 5\] is empty/);
  });

  // Found by test/fuzz.test.ts: an empty batch let these sizes reach per-axis tables of billions of entries.
  test('an empty batch padded by 2^31, or adaptively pooled to 2^31 × 2^31, is an empty tensor and allocates nothing', async () => {
    const before = process.memoryUsage.rss();
    const x = zeros([0, 3, 4, 12], { requiresGrad: true });
    const padded = F.pad(x, [2 ** 31, 4]);
    assert.deepEqual(padded.shape, [0, 3, 4, 12 + 2 ** 31 + 4]);
    const pooled = F.adaptiveAvgPool2d(x, 2 ** 31), [maxed, idx] = F.adaptiveMaxPool2d(x, [2 ** 31, 1], { returnIndices: true });
    assert.deepEqual([pooled.shape, maxed.shape, idx.shape, idx.dtype], [[0, 3, 2 ** 31, 2 ** 31], [0, 3, 2 ** 31, 1], [0, 3, 2 ** 31, 1], 'int32']);
    padded.sum().add(pooled.sum()).add(maxed.sum()).backward();
    assert.deepEqual(x.grad!.shape, [0, 3, 4, 12]);
    assert.ok(process.memoryUsage.rss() - before < 2 ** 28, `resident memory grew by ${((process.memoryUsage.rss() - before) / 2 ** 20).toFixed(0)} MiB`);
  });

  test('a pool window larger than the input is an error naming the sizes, with or without a batch (not a bare RangeError)', () => {
    for (const n of [0, 1]) {
      assert.throws(() => F.maxPool2d(zeros([n, 2, 1, 4]), 4, { dilation: 2 }), /maxPool2d: input size \[1, 4\] is too small for kernelSize=\[4,4\], padding=\[0,0\], dilation=\[2,2\]: calculated output size along dim -2 is -1/); // ⌊(1 − 2·3 − 1)/4⌋ + 1
      assert.throws(() => F.avgPool2d(zeros([n, 1, 1, 7]), [4, 1]), /avgPool2d: input size \[1, 7\] is too small/);
    }
  });
});

// IEEE arithmetic, as PyTorch: a zero weight times NaN or ∞ is NaN, so a window holding one gives NaN. (ref's
// GEMM used to skip zero entries and gave 0 there.)
forEachBackend('NaN and ∞ under a zero weight', () => {
  test('conv2d x=[1,1,3,3] with a NaN and an ∞, w=zeros [2,1,2,2]: NaN exactly in the windows that hold one', async () => {
    const x = tensor([[[[1, NaN, 2], [3, 4, Infinity], [5, 6, 7]]]]);
    const y = F.conv2d(x, zeros([2, 1, 2, 2]));
    assert.deepEqual(await values(y), [NaN, NaN, 0, NaN, NaN, NaN, 0, NaN]);
    assert.deepEqual(await values(F.conv2d(tensor([[[[1, 2], [3, 4]]]]), zeros([1, 1, 1, 1]))), [0, 0, 0, 0]);
  });
});
