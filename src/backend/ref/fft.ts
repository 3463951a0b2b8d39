// backend/ref/fft.ts — Fourier transforms along an axis, and 2-D convolution through the convolution
// theorem (forward and both gradients), on backend/fft-core.ts. Computation is float64; results are
// written in the output arrays' dtype.
//
// FFT convolution rules:
// - cross-correlation y[i, j] = Σ_ab x[i·s + a·d, j·s + b·d] · w[a, b] (x zero-padded) is, on an L-periodic
//   grid with L ≥ the padded extent (Hreq = (OH − 1)·s + d·(k − 1) + 1), the circular correlation
//   IFFT(X · conj(Wd)) read at multiples of the stride — no index wraps, so it is exact. Wd is the dilated
//   kernel. Zero padding is free: x is copied into a zero plane at (padTop, padLeft).
// - per output channel, the sum over its group's input channels happens in the frequency domain: one
//   inverse transform per (n, oc).
// - gradients are convolutions too, on the same grid: dx = IFFT(Σ_oc DY · Wd) (a true convolution of the
//   stride-upsampled dy with the kernel), dw = IFFT(Σ_n X · conj(DY)) read at the dilated taps.
// Planes are real, so only half spectra are kept (rfft2Plane).

import type { Conv2dAttrs, FftAttrs } from '../backend.js';
import type { DataArray } from '../../tensor/dtype.js';
import { convFftGrid, fftInPlace, irfft2Plane, rfft2Plane, type Spectrum2d } from '../fft-core.js';

/** Each line along the axis: crop / zero-pad to n, transform (see FftAttrs for the modes), keep nOut. */
export function fftInto(sRe: DataArray, sIm: DataArray | null, a: FftAttrs, oRe: DataArray, oIm: DataArray | null): void {
  const { outer, L, inner, n, nOut, inverse, scale, mode } = a;
  const re = new Float64Array(n), im = new Float64Array(n);
  const copy = Math.min(L, n), half = Math.floor(n / 2) + 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * L * inner + i;
      re.fill(0); im.fill(0);
      for (let j = 0; j < copy; j++) { re[j] = sRe[base + j * inner]; if (sIm) im[j] = sIm[base + j * inner]; }
      if (mode === 'c2r') {
        // Rebuild the Hermitian spectrum from the first n/2 + 1 bins; the imaginary parts of the zero
        // (and, for even n, the Nyquist) bin are ignored, as numpy does.
        for (let k = half; k < n; k++) { re[k] = 0; im[k] = 0; }
        im[0] = 0;
        if (n % 2 === 0) im[half - 1] = 0;
        for (let k = 1; k < half; k++) if (n - k >= half) { re[n - k] = re[k]; im[n - k] = -im[k]; }
      }
      fftInPlace(re, im, inverse);
      const ob = o * nOut * inner + i;
      for (let j = 0; j < nOut; j++) {
        oRe[ob + j * inner] = re[j] * scale;
        if (oIm) oIm[ob + j * inner] = im[j] * scale;
      }
    }
  }
}

/** Spectra of the zero-padded input planes [N·C] (only the rows/columns the output reads). */
function inputSpectra(xs: DataArray, a: Conv2dAttrs): Spectrum2d[] {
  const { N, C, H, W, padTop, padLeft } = a;
  const { hReq, wReq, lh, lw } = convFftGrid(a);
  const buf = new Float64Array(lh * lw);
  const X: Spectrum2d[] = [];
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
  return X;
}

/** Spectra of `planes` rows×cols planes of `src`, each spread onto the FFT grid with steps (sH, sW) between
 *  its elements and zeros between. */
function spreadSpectra(src: DataArray, planes: number, rows: number, cols: number, sH: number, sW: number, a: Conv2dAttrs): Spectrum2d[] {
  const { lh, lw } = convFftGrid(a);
  const buf = new Float64Array(lh * lw);
  const out: Spectrum2d[] = [];
  for (let pl = 0; pl < planes; pl++) {
    buf.fill(0);
    const off = pl * rows * cols;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) buf[i * sH * lw + j * sW] = src[off + i * cols + j];
    out.push(rfft2Plane(buf, lh, lw));
  }
  return out;
}

/** Spectra of the dilated kernels [OC·Cg]. */
const kernelSpectra = (ws: DataArray, a: Conv2dAttrs): Spectrum2d[] =>
  spreadSpectra(ws, a.OC * (a.C / a.groups), a.KH, a.KW, a.dilationH, a.dilationW, a);

/** Spectra of the stride-upsampled output gradients [N·OC]. */
const gradSpectra = (gs: DataArray, a: Conv2dAttrs): Spectrum2d[] =>
  spreadSpectra(gs, a.N * a.OC, a.OH, a.OW, a.strideH, a.strideW, a);

export function fftConv2dInto(xs: DataArray, ws: DataArray, bs: DataArray | null, a: Conv2dAttrs, out: DataArray): void {
  const { N, C, OC, OH, OW, strideH: sH, strideW: sW, groups } = a;
  const { lh, lw } = convFftGrid(a);
  const Cg = C / groups, OCg = OC / groups;
  const X = inputSpectra(xs, a), K = kernelSpectra(ws, a);
  const hw = (lw >> 1) + 1, bins = lh * hw;
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
}

export function fftConv2dGradInputInto(gs: DataArray, ws: DataArray, a: Conv2dAttrs, gx: DataArray): void {
  const { N, C, H, W, OC, padTop, padLeft, groups } = a;
  const { hReq, wReq, lh, lw } = convFftGrid(a);
  const Cg = C / groups, OCg = OC / groups;
  const K = kernelSpectra(ws, a), DY = gradSpectra(gs, a);
  const hw = (lw >> 1) + 1, bins = lh * hw;
  const accRe = new Float64Array(bins), accIm = new Float64Array(bins);
  gx.fill(0);
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
}

export function fftConv2dGradWeightInto(xs: DataArray, gs: DataArray, a: Conv2dAttrs, gw: DataArray): void {
  const { N, C, OC, KH, KW, dilationH: dH, dilationW: dW, groups } = a;
  const { lh, lw } = convFftGrid(a);
  const Cg = C / groups, OCg = OC / groups;
  const X = inputSpectra(xs, a), DY = gradSpectra(gs, a);
  const hw = (lw >> 1) + 1, bins = lh * hw;
  const accRe = new Float64Array(bins), accIm = new Float64Array(bins);
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
}
