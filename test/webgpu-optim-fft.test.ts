// test/webgpu-optim-fft.test.ts — the webgpu backend's optimizer steps (sgdStep, adamStep) and Fourier
// kernels (fft, fftConv2d and its gradients) against ref. The optimizer cases run several steps on the
// same state and compare the parameter and every state buffer; the FFT cases cover every mode, both
// directions, power-of-two and other lengths (Bluestein), crop and zero-pad, and lines along the first,
// a middle and the last axis. GPU results are f32 (ref's FFTs are float64): tolerances say so.

import { describe, test } from 'node:test';
import type { AdamAttrs, Conv2dAttrs, FftAttrs, SgdAttrs } from '../src/backend/backend.js';
import { useWebgpu, rnd, webgpuWanted } from './helpers/webgpu.js';

describe('webgpu optimizer steps and FFT', { skip: webgpuWanted ? false : 'CONVNET_TEST_WEBGPU=0' }, () => {
  const gpu = useWebgpu();

  // ---------------------------------------------------------------------------------------- SGD
  const sgdCases: [string, SgdAttrs, boolean][] = [
    ['plain (no buffer)', { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, false],
    ['plain, weight decay, maximize', { lr: 0.05, momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false, maximize: true }, false],
    ['momentum 0 with a buffer', { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, true],
    ['momentum 0.9', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, true],
    ['momentum 0.9, dampening 0.3', { lr: 0.1, momentum: 0.9, dampening: 0.3, weightDecay: 0, nesterov: false, maximize: false }, true],
    ['momentum 0.9, nesterov', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true, maximize: false }, true],
    ['momentum 0.9, weight decay 0.01', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: false, maximize: false }, true],
    ['momentum 0.5, nesterov, weight decay, maximize', { lr: 0.2, momentum: 0.5, dampening: 0, weightDecay: 0.05, nesterov: true, maximize: true }, true],
  ];
  for (const [name, a, withBuf] of sgdCases) {
    test(`sgdStep ${name}: 4 steps, parameter and buffer`, async () => {
      await gpu.compare(`sgd ${name}`, (b, S) => {
        const n = 1037;
        const p = S(rnd(n)), buf = withBuf ? S(new Float32Array(n)) : null;
        for (let step = 0; step < 4; step++) b.sgdStep(p, S(rnd(n)), buf, step === 0, a);
        return [p, buf];
      }, { rtol: 1e-5, atol: 1e-6 });
    });
  }

  // --------------------------------------------------------------------------------------- Adam
  const adam = (o: Partial<AdamAttrs>): Omit<AdamAttrs, 'step'> =>
    ({ lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, maximize: false, ...o });
  const adamCases: [string, Omit<AdamAttrs, 'step'>][] = [
    ['Adam', adam({})],
    ['Adam, weight decay 0.1 (L2)', adam({ weightDecay: 0.1 })],
    ['AdamW, weight decay 0.1', adam({ weightDecay: 0.1, decoupled: true })],
    ['AdamW, weight decay 0', adam({ decoupled: true })],
    ['Adam amsgrad', adam({ amsgrad: true })],
    ['AdamW amsgrad, maximize', adam({ amsgrad: true, decoupled: true, weightDecay: 0.05, maximize: true })],
    ['Adam maximize, betas 0.5/0.9, eps 1e-3', adam({ maximize: true, beta1: 0.5, beta2: 0.9, eps: 1e-3, lr: 0.1 })],
  ];
  for (const [name, a] of adamCases) {
    test(`adamStep ${name}: 5 steps, parameter and state`, async () => {
      await gpu.compare(`adam ${name}`, (b, S) => {
        const n = 1037;
        const p = S(rnd(n)), m = S(new Float32Array(n)), v = S(new Float32Array(n));
        const vmax = a.amsgrad ? S(new Float32Array(n)) : null;
        // gradients shrinking after the first steps, so amsgrad's maximum keeps an old v
        for (let step = 1; step <= 5; step++) b.adamStep(p, S(rnd(n, -2 / step, 2 / step)), m, v, vmax, { ...a, step });
        return [p, m, v, vmax];
      }, { rtol: 1e-5, atol: 1e-6 });
    });
  }
  test('sgdStep and adamStep with NaN and ±∞ gradients propagate them as ref does', async () => {
    const g = new Float32Array([NaN, Infinity, -Infinity, 0, 1, -1]);
    await gpu.compare('sgd special', (b, S) => {
      const p = S(rnd(6)), buf = S(new Float32Array(6));
      b.sgdStep(p, S(g), buf, true, sgdCases[3][1]);
      return [p, buf];
    });
    await gpu.compare('adam amsgrad special', (b, S) => {
      const p = S(rnd(6)), m = S(new Float32Array(6)), v = S(new Float32Array(6)), vmax = S(new Float32Array(6));
      b.adamStep(p, S(rnd(6)), m, v, vmax, { ...adam({ amsgrad: true }), step: 1 });
      b.adamStep(p, S(g), m, v, vmax, { ...adam({ amsgrad: true }), step: 2 });
      return [p, m, v, vmax];
    });
  });

  // ---------------------------------------------------------------------------------------- fft
  // [outer, inner] around the transformed axis: last, middle, first.
  const layouts: [string, number, number][] = [['last axis', 6, 1], ['middle axis', 2, 3], ['first axis', 1, 5]];
  for (const mode of ['c2c', 'r2c', 'c2r'] as const) {
    for (const n of [1, 2, 8, 5, 12, 64]) {
      test(`fft ${mode} n=${n}: forward and inverse, lines along 3 axes, crop / exact / zero-pad`, async () => {
        const half = Math.floor(n / 2) + 1;
        const base = mode === 'c2r' ? half : n;
        const nOut = mode === 'r2c' ? half : n;
        for (const inverse of [false, true]) {
          for (const [where, outer, inner] of layouts) {
            for (const L of [...new Set([base, base + 3, Math.max(1, base - 2)])]) {
              const scale = inverse ? 1 / n : 1;
              const a: FftAttrs = { outer, L, inner, n, nOut, inverse, scale, mode };
              const size = outer * L * inner;
              await gpu.compare(`fft ${mode} n=${n} L=${L} ${inverse ? 'inverse' : 'forward'} ${where}`, (b, S) => {
                const re = S(rnd(size)), im = mode === 'r2c' ? null : S(rnd(size));
                return b.fft(re, im, a);
              }, { rtol: 1e-4, atol: 1e-5 });
            }
          }
        }
      });
    }
  }
  test('fft c2c with no imaginary input, ortho scale; long lines (n = 1024, and 1000 through Bluestein)', async () => {
    for (const n of [3, 1024, 1000]) {
      const a: FftAttrs = { outer: 2, L: n, inner: 1, n, nOut: n, inverse: false, scale: 1 / Math.sqrt(n), mode: 'c2c' };
      await gpu.compare(`fft c2c real input n=${n}`, (b, S) => b.fft(S(rnd(2 * n)), null, a), { rtol: 1e-4, atol: 1e-5 });
      await gpu.compare(`ifft n=${n}`, (b, S) => b.fft(S(rnd(2 * n)), S(rnd(2 * n)), { ...a, inverse: true }), { rtol: 1e-4, atol: 1e-5 });
    }
  });

  // ------------------------------------------------------------------------------ FFT convolution
  interface ConvCase { N: number; C: number; H: number; W: number; OC: number; KH: number; KW: number;
    stride?: [number, number]; pad?: [number, number, number, number]; dilation?: [number, number]; groups?: number }
  const attrs = (c: ConvCase): Conv2dAttrs => {
    const [sH, sW] = c.stride ?? [1, 1], [pT, pB, pL, pR] = c.pad ?? [0, 0, 0, 0], [dH, dW] = c.dilation ?? [1, 1];
    const OH = Math.floor((c.H + pT + pB - dH * (c.KH - 1) - 1) / sH) + 1, OW = Math.floor((c.W + pL + pR - dW * (c.KW - 1) - 1) / sW) + 1;
    return { N: c.N, C: c.C, H: c.H, W: c.W, OC: c.OC, KH: c.KH, KW: c.KW, OH, OW, strideH: sH, strideW: sW,
      padTop: pT, padLeft: pL, dilationH: dH, dilationW: dW, groups: c.groups ?? 1 };
  };
  const convCases: [string, ConvCase][] = [
    ['3x3, padding 1', { N: 2, C: 3, H: 9, W: 7, OC: 4, KH: 3, KW: 3, pad: [1, 1, 1, 1] }],
    ['stride 2, uneven padding, dilation (2, 1)', { N: 2, C: 2, H: 11, W: 10, OC: 3, KH: 3, KW: 2, stride: [2, 2], pad: [1, 2, 0, 1], dilation: [2, 1] }],
    ['stride (1, 3), no padding', { N: 1, C: 2, H: 8, W: 13, OC: 2, KH: 2, KW: 4, stride: [1, 3] }],
    ['groups 2', { N: 2, C: 4, H: 6, W: 7, OC: 6, KH: 3, KW: 2, pad: [1, 0, 1, 0], groups: 2 }],
    ['depthwise (groups = C), stride 2', { N: 1, C: 3, H: 9, W: 9, OC: 3, KH: 3, KW: 3, stride: [2, 2], pad: [1, 1, 1, 1], groups: 3 }],
    ['1-D (H = KH = 1), padding 2', { N: 2, C: 2, H: 1, W: 20, OC: 3, KH: 1, KW: 5, pad: [0, 0, 2, 2] }],
    ['7x7 kernel on 16x16 (the FFT case)', { N: 1, C: 2, H: 16, W: 16, OC: 2, KH: 7, KW: 7, pad: [3, 3, 3, 3] }],
  ];
  for (const [name, c] of convCases) {
    test(`fftConv2d ${name}: output (with and without bias), input and weight gradients`, async () => {
      const a = attrs(c);
      const xs = a.N * a.C * a.H * a.W, ws = a.OC * (a.C / a.groups) * a.KH * a.KW, ys = a.N * a.OC * a.OH * a.OW;
      const tol = { rtol: 1e-4, atol: 1e-4 };
      await gpu.compare(`fftConv2d ${name}`, (b, S) => b.fftConv2d(S(rnd(xs)), S(rnd(ws)), S(rnd(a.OC)), a), tol);
      await gpu.compare(`fftConv2d ${name} no bias`, (b, S) => b.fftConv2d(S(rnd(xs)), S(rnd(ws)), null, a), tol);
      await gpu.compare(`fftConv2dGradInput ${name}`, (b, S) => b.fftConv2dGradInput(S(rnd(ys)), S(rnd(ws)), a), tol);
      await gpu.compare(`fftConv2dGradWeight ${name}`, (b, S) => b.fftConv2dGradWeight(S(rnd(xs)), S(rnd(ys)), a), tol);
    });
  }
});
