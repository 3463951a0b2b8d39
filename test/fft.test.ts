// test/fft.test.ts — fft/ifft/rfft/irfft against numpy.fft (test/fixtures/signal.json) and against the DFT
// written out, on random lengths including primes; F.convolve1d against numpy.convolve; F.fftConv2d against
// the direct conv2d (1e-4 relative) and gradcheck; conv2d's automatic FFT choice.
// Every case that runs a kernel runs on every registered backend (forEachBackend; ref first, the oracle),
// reading values through `await t.dataAsync()`; the FFT-policy decision is checked once.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, tensor, randn, manualSeed, F, fft as fftNs, gradcheck, setFftConvPolicy, getFftConvPolicy, getBackend, setBackend } from '../src/index.js';
import { fromArray } from '../src/tensor/creation.js';
import { Complex, fft, ifft, rfft, irfft, fft2, rfft2, irfft2, ifft2, fftfreq, rfftfreq, fftshift, ifftshift } from '../src/signal/fft.js';
import { nextFastLen } from '../src/backend/fft-core.js';
import { prefersFft } from '../src/ops/fft-conv.js';
import { forEachBackend, nested, test64, values, widestFloat } from './helpers/backends.js';

const here = dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(readFileSync(join(here, 'fixtures', 'signal.json'), 'utf8'));

/** A real tensor of these values in dtype dt. */
const real = (dt: 'float32' | 'float64') => (data: number[], shape: number[] = [data.length]) =>
  fromArray(dt === 'float64' ? Float64Array.from(data) : Float32Array.from(data), shape);
type CJ = { shape: number[]; re: number[]; im: number[] };
type RJ = { shape: number[]; data: number[] };

// The comparisons with numpy and with the DFT run in float64 where the backend has it (tolerances 1e-10 to
// 1e-12); webgpu has no float64 (WGSL), so there they run in float32, within FLOAT32_TOL of the float64
// answer (relative to the largest value, as close() measures).
const FLOAT32_TOL = 1e-5;
const tolFor = (dt: 'float32' | 'float64') => (tol64: number) => (dt === 'float64' ? tol64 : FLOAT32_TOL);

/** |got − want| ≤ tol · max(1, max |want|) element by element; got read through data(). */
async function close(t: Tensor, want: ArrayLike<number>, tol: number, what: string): Promise<void> {
  const got = await values(t);
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 1;
  for (const v of Array.from(want)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * scale)) assert.fail(`${what}: [${i}] ${got[i]} vs ${want[i]}`);
  }
}

/** The DFT written out, float64. */
function dft(re: number[], im: number[], inverse = false): [number[], number[]] {
  const n = re.length, R: number[] = [], I: number[] = [];
  const s = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const t = (s * 2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j] * Math.cos(t) - im[j] * Math.sin(t);
      si += re[j] * Math.sin(t) + im[j] * Math.cos(t);
    }
    R.push(sr); I.push(si);
  }
  return [R, I];
}

// The random lengths are drawn once, so every backend is tested on the same ones.
const randomLengths = [3, 11, 19, 23, 29, 37, 41, 53, 61, 67, 71, 101, 127, 131, 199, 211, 257, 331, 360, 486, 625, 1001, 1021];
for (let trial = 0; trial < 6; trial++) randomLengths.push(2 + Math.floor(Math.random() * 400));

forEachBackend('fft vs numpy.fft (fixtures)', (backend) => {
  const wide = widestFloat(backend), f64 = real(wide), tol = tolFor(wide);
  const cplx = (j: CJ) => new Complex(f64(j.re, j.shape), f64(j.im, j.shape));
  for (const c of fx.fft as { op: string; input: CJ | RJ; out: CJ | RJ; norm: 'backward'; n?: number; dim?: number; s?: [number, number] }[]) {
    const len = c.input.shape.join('×');
    test(`${c.op} n=${c.n ?? len} norm=${c.norm}${c.dim !== undefined ? ` dim=${c.dim}` : ''}`, async () => {
      const x = 'data' in c.input ? f64(c.input.data, c.input.shape) : cplx(c.input);
      const opts = { n: c.n, norm: c.norm, ...(c.dim !== undefined ? { dim: c.dim } : {}) };
      const fn: Record<string, () => Complex | Tensor> = {
        fft: () => fft(x, opts), ifft: () => ifft(x, opts), rfft: () => rfft(x as Tensor, opts), irfft: () => irfft(x, opts),
        fft2: () => fft2(x), rfft2: () => rfft2(x as Tensor), irfft2: () => irfft2(x, { s: c.s }),
      };
      const y = fn[c.op]();
      if (y instanceof Complex) {
        const o = c.out as CJ;
        assert.deepEqual(y.shape, o.shape);
        await close(y.re, o.re, tol(1e-10), 're');
        await close(y.im, o.im, tol(1e-10), 'im');
      } else {
        const o = c.out as RJ;
        assert.deepEqual(y.shape, o.shape);
        await close(y, o.data, tol(1e-10), 'out');
      }
    });
  }
});

forEachBackend('fft vs the DFT written out, random lengths incl. primes', (backend) => {
  const wide = widestFloat(backend), f64 = real(wide), tol = tolFor(wide);
  for (const n of randomLengths) {
    test(`n=${n}`, async () => {
      manualSeed(7 + n);
      const re = await values(randn([n], { dtype: wide })), im = await values(randn([n], { dtype: wide }));
      const z = fft(new Complex(f64(re), f64(im)));
      const [R, I] = dft(re, im);
      await close(z.re, R, tol(1e-11), 're');
      await close(z.im, I, tol(1e-11), 'im');
      const back = ifft(z);
      await close(back.re, re, tol(1e-12), 'ifft re');
      await close(back.im, im, tol(1e-12), 'ifft im');
      const h = rfft(f64(re));
      assert.deepEqual(h.shape, [Math.floor(n / 2) + 1]);
      const [RR, RI] = dft(re, new Array(n).fill(0));
      await close(h.re, RR.slice(0, Math.floor(n / 2) + 1), tol(1e-11), 'rfft re');
      await close(h.im, RI.slice(0, Math.floor(n / 2) + 1), tol(1e-11), 'rfft im');
      await close(irfft(h, { n }), re, tol(1e-12), 'irfft');
      const [IR] = dft(re, im, true);
      await close(ifft(new Complex(f64(re), f64(im))).re, IR.map((v) => v / n), tol(1e-11), 'ifft vs inverse DFT');
    });
  }
});

forEachBackend('fft API', () => {
  test('float32 in, float32 out; 2-D round trips; [..., 2] layout', async () => {
    const x = randn([4, 6]);
    const z = fft2(x);
    assert.equal(z.dtype, 'float32');
    await close(ifft2(z).re, await values(x), 1e-5, 'ifft2');
    await close(irfft2(rfft2(x), { s: [4, 6] }), await values(x), 1e-5, 'irfft2');
    const t = z.toTensor();
    assert.deepEqual(t.shape, [4, 6, 2]);
    assert.deepEqual(await values(Complex.fromTensor(t).re), await values(z.re));
    assert.throws(() => Complex.fromTensor(randn([3])), /last dimension is 2/);
  });

  test('the namespace mirrors torch.fft; freq helpers match numpy', async () => {
    assert.equal(typeof fftNs.rfft, 'function');
    assert.deepEqual((await values(fftfreq(5))).map((v) => +v.toFixed(4)), [0, 0.2, 0.4, -0.4, -0.2]);
    assert.deepEqual((await values(rfftfreq(6, 0.5))).map((v) => +v.toFixed(4)), [0, 0.3333, 0.6667, 1]);
    assert.deepEqual(await nested(fftshift(tensor([0, 1, 2, 3, 4]))), [3, 4, 0, 1, 2]);
    assert.deepEqual(await nested(ifftshift(tensor([3, 4, 0, 1, 2]))), [0, 1, 2, 3, 4]);
    assert.equal(nextFastLen(97), 100);
    assert.equal(nextFastLen(1025), 1080);
  });

  test('fft of a pure tone peaks at its frequency', async () => {
    const n = 30;
    const x = tensor(Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * 4 * j) / n)));
    const mag = await values(rfft(x).abs());
    assert.equal(mag.indexOf(Math.max(...mag)), 4);
    assert.ok(Math.abs(mag[4] - n / 2) < 1e-4);
  });

  test('errors name the function and the argument', () => {
    assert.throws(() => fft(tensor(3)), /fft: input must have at least one dimension/);
    assert.throws(() => fft(randn([4]), { n: 0 }), /fft: n must be a positive integer, got 0/);
    assert.throws(() => fft(randn([4]), { dim: 1 }), /fft: dim 1 is out of range/);
    assert.throws(() => fft(randn([4]), { norm: 'none' as never }), /fft: norm must be/);
    assert.throws(() => rfft(new Complex(randn([4])) as never), /rfft: input must be real/);
  });
});

forEachBackend('F.convolve1d vs numpy.convolve (fixtures)', (backend) => {
  const wide = widestFloat(backend), f64 = real(wide), tol = tolFor(wide);
  for (const c of fx.convolve as { a: number[]; v: number[]; mode: 'full' | 'same' | 'valid'; out: number[] }[]) {
    test(`len ${c.a.length} * ${c.v.length} mode=${c.mode}`, async () => {
      const y = F.convolve1d(f64(c.a), f64(c.v), { mode: c.mode });
      await close(y, c.out, tol(1e-12), 'convolve1d');
    });
  }

  test('default mode is full; the tutorial signal example; errors', async () => {
    assert.deepEqual(await nested(F.convolve1d(tensor([1, 2, 3]), tensor([0, 1, 0.5]))), [0, 1, 2.5, 4, 1.5]);
    assert.throws(() => F.convolve1d(randn([2, 2]), randn([2])), /convolve1d: a must be 1-D, got shape \[2, 2\]/);
    assert.throws(() => F.convolve1d(randn([3]), randn([2]), { mode: 'circular' as never }), /mode must be 'full', 'same' or 'valid'/);
  });

  test64('differentiable: gradcheck (float64) of mode same', () => {
    assert.ok(gradcheck((a, v) => F.convolve1d(a, v, { mode: 'same' }), [randn([7], { requiresGrad: true }), randn([3], { requiresGrad: true })]));
  });
});

forEachBackend('F.fftConv2d = F.conv2d', () => {
  const cases: [string, number[], number[], object][] = [
    ['x=[2,3,12,15] w=[4,3,5,5]', [2, 3, 12, 15], [4, 3, 5, 5], {}],
    ['p=2', [1, 2, 9, 9], [3, 2, 3, 3], { padding: 2 }],
    ['p=same k=4x6', [1, 2, 11, 13], [2, 2, 4, 6], { padding: 'same' }],
    ['s=2 p=[1,3]', [2, 2, 13, 17], [3, 2, 5, 4], { stride: 2, padding: [1, 3] }],
    ['s=[3,2] d=[2,1]', [1, 2, 20, 19], [2, 2, 3, 4], { stride: [3, 2], dilation: [2, 1] }],
    ['g=2 d=2', [1, 4, 16, 16], [6, 2, 3, 3], { groups: 2, dilation: 2, padding: 1 }],
    ['depthwise reflect', [1, 3, 10, 12], [3, 1, 7, 7], { groups: 3, padding: 3, paddingMode: 'reflect' }],
    ['circular s=2', [2, 2, 9, 10], [2, 2, 3, 3], { padding: 2, paddingMode: 'circular', stride: 2 }],
    ['replicate same', [1, 1, 8, 8], [1, 1, 5, 2], { padding: 'same', paddingMode: 'replicate' }],
    ['prime sizes 31x37 k=13', [1, 1, 31, 37], [1, 1, 13, 13], { padding: 6 }],
    ['kernel = input', [1, 2, 6, 7], [2, 2, 6, 7], {}],
  ];
  cases.forEach(([name, xs, ws, opts], i) => {
    test(name, async () => {
      manualSeed(3 + i);
      const x = randn(xs), w = randn(ws), b = randn([ws[0]]);
      const want = F.conv2d(x, w, b, opts), got = F.fftConv2d(x, w, b, opts);
      assert.deepEqual(got.shape, want.shape);
      const wantValues = await values(want);
      const scale = Math.max(...wantValues.map(Math.abs));
      await close(got, wantValues, 1e-4, 'fftConv2d');
      assert.ok(scale > 0);
    });
  });

  test('unbatched input and no bias', async () => {
    manualSeed(14);
    const x = randn([2, 8, 8]), w = randn([3, 2, 3, 3]);
    const got = F.fftConv2d(x, w, { padding: 1 });
    assert.deepEqual(got.shape, [3, 8, 8]);
    await close(got, await values(F.conv2d(x, w, { padding: 1 })), 1e-4, 'unbatched');
  });

  test('gradients equal the direct conv gradients', async () => {
    manualSeed(15);
    const opts = { stride: 2, padding: [2, 1], dilation: [1, 2], groups: 2 };
    const x1 = randn([2, 4, 11, 12], { requiresGrad: true }), w1 = randn([6, 2, 3, 3], { requiresGrad: true }), b1 = randn([6], { requiresGrad: true });
    const x2 = x1.detach().requiresGrad_(), w2 = w1.detach().requiresGrad_(), b2 = b1.detach().requiresGrad_();
    const g = randn(F.conv2d(x1, w1, b1, opts).shape);
    F.conv2d(x1, w1, b1, opts).mul(g).sum().backward();
    F.fftConv2d(x2, w2, b2, opts).mul(g).sum().backward();
    await close(x2.grad!, await values(x1.grad!), 1e-4, 'dx');
    await close(w2.grad!, await values(w1.grad!), 1e-4, 'dw');
    await close(b2.grad!, await values(b1.grad!), 1e-4, 'db');
  });

  test64('gradcheck (float64) with padding modes, stride and dilation', () => {
    manualSeed(16);
    const x = randn([1, 2, 7, 8], { requiresGrad: true }), w = randn([2, 1, 3, 2], { requiresGrad: true }), b = randn([2], { requiresGrad: true });
    assert.ok(gradcheck((x, w, b) => F.fftConv2d(x, w, b, { groups: 2, stride: [2, 1], dilation: [1, 2], padding: 1, paddingMode: 'reflect' }), [x, w, b]));
    assert.ok(gradcheck((x, w) => F.fftConv2d(x, w, null, { padding: 'same' }), [randn([1, 1, 6, 5], { requiresGrad: true }), randn([1, 1, 4, 3], { requiresGrad: true })]));
  });

  test('errors are conv2d\'s', () => {
    assert.throws(() => F.fftConv2d(randn([1, 3, 8, 8]), randn([2, 4, 3, 3])), /conv2d: input has 3 channels but weight \[2, 4, 3, 3\] with groups=1 expects 4/);
    assert.throws(() => F.fftConv2d(randn([1, 1, 4, 4]), randn([1, 1, 5, 5])), /kernel size 5x5 \(after dilation\) is larger than the padded input/);
  });
});

describe('conv2d chooses the FFT by itself for large kernels: the policy', () => {
  const attrs = (k: number, hw = 128, C = 1, OC = 1) => ({
    N: 1, C, H: hw, W: hw, OC, KH: k, KW: k, OH: hw - k + 1, OW: hw - k + 1, strideH: 1, strideW: 1,
    padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1, groups: 1,
  });
  // A policy decision (no kernel runs), checked once, on the backend the policy names.
  test('small kernels stay direct, large ones go through the FFT (ref backend)', async () => {
    const saved = getFftConvPolicy();
    const savedBackend = getBackend();
    await setBackend('ref');
    try {
      setFftConvPolicy({ mode: 'auto', backends: ['ref'] });
      assert.equal(prefersFft(attrs(3, 128, 16, 16)), false);
      assert.equal(prefersFft(attrs(5, 28, 1, 6)), false);
      assert.equal(prefersFft(attrs(31, 256, 1, 1)), true);
      setFftConvPolicy({ mode: 'never' });
      assert.equal(prefersFft(attrs(31, 256, 1, 1)), false);
      setFftConvPolicy({ mode: 'always' });
      assert.equal(prefersFft(attrs(3, 128, 16, 16)), true);
      assert.throws(() => setFftConvPolicy({ mode: 'sometimes' as never }), /mode must be 'auto', 'always' or 'never'/);
    } finally {
      setFftConvPolicy(saved);
      await setBackend(savedBackend);
    }
  });
});

forEachBackend('conv2d chooses the FFT by itself for large kernels', () => {
  test('the automatic path gives the direct result and gradient', async () => {
    const saved = getFftConvPolicy();
    try {
      manualSeed(17);
      const x = randn([1, 1, 40, 40], { requiresGrad: true }), w = randn([1, 1, 21, 21], { requiresGrad: true });
      setFftConvPolicy({ mode: 'never' });
      const direct = F.conv2d(x, w, null, { padding: 10 });
      direct.sum().backward();
      const [dx, dw] = [x.grad!, w.grad!];
      x.grad = null; w.grad = null;
      setFftConvPolicy({ mode: 'always' });
      const viaFft = F.conv2d(x, w, null, { padding: 10 });
      assert.equal(viaFft.gradFn?.op, 'fftConv2d');
      viaFft.sum().backward();
      await close(viaFft, await values(direct), 1e-4, 'y');
      await close(x.grad!, await values(dx), 1e-4, 'dx');
      await close(w.grad!, await values(dw), 1e-4, 'dw');
    } finally {
      setFftConvPolicy(saved);
    }
  });
});
