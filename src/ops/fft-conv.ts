// ops/fft-conv.ts — convolution through the convolution theorem, and conv2d's automatic choice of it.
//
// F.fftConv2d(x, w, b, opts) takes exactly F.conv2d's arguments and gives its result (to rounding): it runs
// conv2d's own argument checks, padding modes and unbatched handling, and swaps only the kernel. The rules:
// - cross-correlation y[i, j] = Σ_ab x[i·s + a·d, j·s + b·d] · w[a, b] (x zero-padded) is, on an L-periodic
//   grid with L ≥ the padded extent (Hreq = (OH − 1)·s + d·(k − 1) + 1), the circular correlation
//   IFFT(X · conj(Wd)) read at multiples of the stride — no index wraps, so it is exact. Wd is the dilated
//   kernel. Zero padding is free: x is copied into a zero plane at (padTop, padLeft).
// - per output channel, the sum over its group's input channels happens in the frequency domain: one
//   inverse transform per (n, oc).
// - gradients are convolutions too, also done by FFT on the same grid: dx = IFFT(Σ_oc DY · Wd) (a true
//   convolution of the stride-upsampled dy with the kernel), dw = IFFT(Σ_n X · conj(DY)) read at the
//   dilated taps, db = Σ dy.
// Planes are real, so only half spectra are kept (signal/fft-core.ts rfft2Plane). Computation is float64.
//
// Automatic choice: conv2d calls the hook registered below (a marked branch in ops/conv.ts). In 'auto'
// mode the FFT runs when a cost model says it is cheaper than the direct (im2col) kernel — in practice
// for large kernels; bench/fft-crossover.ts measures where that happens and prints the crossover kernel
// size. setFftConvPolicy({ mode: 'never' }) turns it off, 'always' forces it.

import { type Conv2dAttrs, type FloatArray, getBackend } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor, allocDType } from '../tensor/tensor.js';
import type { DType } from '../backend/backend.js';
import { cast } from './util.js';
import { sum } from './reduce.js';
import { conv2d, setConv2dFftHook, type ConvOptions } from './conv.js';
import { irfft2Plane, nextFastLen, rfft2Plane, type Spectrum2d } from '../signal/fft-core.js';

export interface FftConvPolicy {
  /** 'auto' (default): FFT where the cost model predicts a win; 'always'; 'never'. */
  mode: 'auto' | 'always' | 'never';
  /** Auto mode only considers kernels with kH·kW ≥ minKernelArea (default 81, i.e. 9×9). */
  minKernelArea: number;
  /** Auto mode picks the FFT when directCost > ratio · fftCost (see costs() below); from the benchmark. */
  ratio: number;
  /** Backends whose direct conv the ratio was calibrated against; others are left alone in auto mode. */
  backends: string[];
}

// Calibrated with bench/fft-crossover.ts on the ref backend: measured crossover 11×11 (1→1 256², 3→8 128²) to
// 15×15 (16→16 64²); ratio 1.5 keeps the automatic choice on the safe side of it.
const policy: FftConvPolicy = { mode: 'auto', minKernelArea: 81, ratio: 1.5, backends: ['ref'] };

export function setFftConvPolicy(p: Partial<FftConvPolicy>): FftConvPolicy {
  if (p.mode !== undefined && !['auto', 'always', 'never'].includes(p.mode)) {
    throw new Error(`setFftConvPolicy: mode must be 'auto', 'always' or 'never', got ${JSON.stringify(p.mode)}`);
  }
  Object.assign(policy, p);
  return { ...policy };
}

export function getFftConvPolicy(): FftConvPolicy {
  return { ...policy, backends: [...policy.backends] };
}

/** FFT grid of a convolution: the extent each axis needs and the fast transform length covering it. */
function grid(a: Conv2dAttrs) {
  const hReq = (a.OH - 1) * a.strideH + a.dilationH * (a.KH - 1) + 1;
  const wReq = (a.OW - 1) * a.strideW + a.dilationW * (a.KW - 1) + 1;
  return { hReq, wReq, lh: nextFastLen(hReq), lw: nextFastLen(wReq) };
}

/** Estimated work of the direct and the FFT convolution (multiply-adds, arbitrary but shared units). */
export function convCosts(a: Conv2dAttrs): { direct: number; fft: number } {
  const { lh, lw } = grid(a);
  const Cg = a.C / a.groups;
  const direct = a.N * a.OC * Cg * a.OH * a.OW * a.KH * a.KW;
  const planes = a.N * a.C + a.OC * Cg + a.N * a.OC;  // forward transforms of x and w, inverse per output
  const half = lh * ((lw >> 1) + 1);
  // A real 2-D transform ≈ 2.5·L·log2 L real multiply-adds, plus copy overhead; the spectral product is
  // 4 multiply-adds per bin.
  const fft = planes * (2.5 * lh * lw * Math.log2(lh * lw) + 4 * lh * lw) + 4 * a.N * a.OC * Cg * half;
  return { direct, fft };
}

/** Whether conv2d's automatic choice would use the FFT for these attributes. */
export function prefersFft(a: Conv2dAttrs): boolean {
  if (policy.mode === 'never') return false;
  if (policy.mode === 'always') return true;
  if (!policy.backends.includes(getBackend())) return false;
  if (a.KH * a.KW < policy.minKernelArea) return false;
  const { direct, fft } = convCosts(a);
  return direct > policy.ratio * fft;
}

let forced = 0;

/** The FFT convolution itself, on conv2d's validated attributes. `input` is already padded by any
 *  non-zero padding mode; zero padding is in a.padTop/padLeft (and the bottom/right implied by OH/OW). */
export function fftConvCore(input: Tensor, w: Tensor, bias: Tensor | null, a: Conv2dAttrs, dtype: DType): Tensor {
  const fdt = dtype === 'float64' ? 'float64' : 'float32';
  const xs = cast(input, fdt).storage as FloatArray, ws = cast(w, fdt).storage as FloatArray;
  const bs = bias ? (cast(bias, fdt).storage as FloatArray) : null;
  const { N, C, H, W, OC, KH, KW, OH, OW, strideH: sH, strideW: sW, dilationH: dH, dilationW: dW, padTop, padLeft, groups } = a;
  const { hReq, wReq, lh, lw } = grid(a);
  const Cg = C / groups, OCg = OC / groups;
  const plane = lh * lw;

  // Spectra of the zero-padded input planes (only the rows/columns the output reads).
  const X: Spectrum2d[] = [];
  const buf = new Float64Array(plane);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      buf.fill(0);
      const src = (n * C + c) * H * W;
      for (let y = 0; y < H; y++) {
        const gy = y + padTop;
        if (gy < 0 || gy >= hReq) continue;
        for (let x = 0; x < W; x++) {
          const gx = x + padLeft;
          if (gx >= 0 && gx < wReq) buf[gy * lw + gx] = xs[src + y * W + x];
        }
      }
      X.push(rfft2Plane(buf, lh, lw));
    }
  }
  // Spectra of the dilated kernels.
  const K: Spectrum2d[] = [];
  for (let o = 0; o < OC; o++) {
    for (let ci = 0; ci < Cg; ci++) {
      buf.fill(0);
      const src = (o * Cg + ci) * KH * KW;
      for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) buf[p * dH * lw + q * dW] = ws[src + p * KW + q];
      K.push(rfft2Plane(buf, lh, lw));
    }
  }
  const hw = (lw >> 1) + 1, bins = lh * hw;
  const out = allocDType(fdt, N * OC * OH * OW) as FloatArray;
  const accRe = new Float64Array(bins), accIm = new Float64Array(bins);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < OC; o++) {
      accRe.fill(0); accIm.fill(0);
      const g = Math.floor(o / OCg);
      for (let ci = 0; ci < Cg; ci++) {
        const x = X[n * C + g * Cg + ci], k = K[o * Cg + ci];
        const xr = x.re, xi = x.im, kr = k.re, ki = k.im;
        // X · conj(K): correlation
        for (let b = 0; b < bins; b++) { accRe[b] += xr[b] * kr[b] + xi[b] * ki[b]; accIm[b] += xi[b] * kr[b] - xr[b] * ki[b]; }
      }
      const y = irfft2Plane({ re: accRe, im: accIm, h: lh, w: hw }, lw);
      const dst = (n * OC + o) * OH * OW, b0 = bs ? bs[o] : 0;
      for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) out[dst + i * OW + j] = y[i * sH * lw + j * sW] + b0;
    }
  }
  const result = new Tensor(out, [N, OC, OH, OW], fdt);
  const inputs = bias ? [input, w, bias] : [input, w];
  return record('fftConv2d', result, inputs, (g) => {
    const gs = cast(g, fdt).storage;
    // Spectra of the stride-upsampled output gradients.
    const DY: Spectrum2d[] = [];
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < OC; o++) {
        buf.fill(0);
        const src = (n * OC + o) * OH * OW;
        for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) buf[i * sH * lw + j * sW] = gs[src + i * OW + j];
        DY.push(rfft2Plane(buf, lh, lw));
      }
    }
    let dx: Tensor | null = null, dw: Tensor | null = null;
    if (input.requiresGrad) {
      const gx = allocDType(fdt, N * C * H * W);
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
          accRe.fill(0); accIm.fill(0);
          const gi = Math.floor(c / Cg), ci = c - gi * Cg;
          for (let oo = 0; oo < OCg; oo++) {
            const o = gi * OCg + oo;
            const d = DY[n * OC + o], k = K[o * Cg + ci];
            // DY · K: true convolution
            for (let b = 0; b < bins; b++) { accRe[b] += d.re[b] * k.re[b] - d.im[b] * k.im[b]; accIm[b] += d.re[b] * k.im[b] + d.im[b] * k.re[b]; }
          }
          const full = irfft2Plane({ re: accRe, im: accIm, h: lh, w: hw }, lw);
          const dst = (n * C + c) * H * W;
          for (let y = 0; y < H; y++) {
            const gy = y + padTop;
            if (gy < 0 || gy >= hReq) continue;
            for (let x = 0; x < W; x++) {
              const gx2 = x + padLeft;
              if (gx2 >= 0 && gx2 < wReq) gx[dst + y * W + x] = full[gy * lw + gx2];
            }
          }
        }
      }
      dx = new Tensor(gx, input.shape, fdt);
    }
    if (w.requiresGrad) {
      const gw = allocDType(fdt, OC * Cg * KH * KW);
      for (let o = 0; o < OC; o++) {
        const gi = Math.floor(o / OCg);
        for (let ci = 0; ci < Cg; ci++) {
          accRe.fill(0); accIm.fill(0);
          for (let n = 0; n < N; n++) {
            const x = X[n * C + gi * Cg + ci], d = DY[n * OC + o];
            // X · conj(DY): correlation of the input with the output gradient
            for (let b = 0; b < bins; b++) { accRe[b] += x.re[b] * d.re[b] + x.im[b] * d.im[b]; accIm[b] += x.im[b] * d.re[b] - x.re[b] * d.im[b]; }
          }
          const r = irfft2Plane({ re: accRe, im: accIm, h: lh, w: hw }, lw);
          const dst = (o * Cg + ci) * KH * KW;
          for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) gw[dst + p * KW + q] = r[p * dH * lw + q * dW];
        }
      }
      dw = new Tensor(gw, w.shape, fdt);
    }
    return [dx, dw, bias?.requiresGrad ? sum(g, [0, 2, 3]) : null];
  });
}

// The hook conv2d calls (ops/conv.ts): null means "run the direct kernel".
setConv2dFftHook((input, w, bias, a, dtype) => {
  if (dtype === 'int32') return null;
  if (forced === 0 && !prefersFft(a)) return null;
  return fftConvCore(input, w, bias, a, dtype);
});

/**
 * conv2d computed by FFT: same arguments, options and result as F.conv2d (stride, padding incl. 'same',
 * dilation, groups, paddingMode, unbatched input), differentiable. Faster than the direct kernel for
 * large kernels; conv2d itself switches to it there (see setFftConvPolicy).
 */
export function fftConv2d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvOptions, options?: ConvOptions): Tensor {
  forced++;
  try {
    return conv2d(input, weight, bias, options);
  } finally {
    forced--;
  }
}
