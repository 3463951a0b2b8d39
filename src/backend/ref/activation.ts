// backend/ref/activation.ts — softmax / logSoftmax, leakyRelu and dropout, forward and backward.
//
// Along an axis a tensor is [outer, n, inner]; every (outer, inner) pair is one row of n values.
//   softmax:    y = exp(x − max) / Σ exp(x − max)            dx = y ⊙ (g − Σ g⊙y)
//   logSoftmax: y = x − max − log Σ exp(x − max)             dx = g − exp(y) · Σ g
// Shifting by the row maximum keeps exp() from overflowing, so large logits give exact results, not NaN.
// A row whose maximum is −∞ (all −∞) gives NaN, as PyTorch does.

import type { AxisLayout } from '../backend.js';
import type { DataArray } from '../../tensor/dtype.js';

/** Writes softmax (log = false) or logSoftmax (log = true) of x into out (any float arrays), row by row. */
export function softmaxInto(x: ArrayLike<number>, l: AxisLayout, log: boolean, out: DataArray): void {
  const { outer, n, inner } = l;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < inner; i++) {
      const b = base + i;
      let m = -Infinity;
      for (let k = 0, p = b; k < n; k++, p += inner) if (x[p] > m) m = x[p];
      if (m === Infinity || m === -Infinity) m = m === Infinity ? m : 0; // all −∞ → NaN below; +∞ → NaN as torch
      let s = 0;
      if (log) {
        for (let k = 0, p = b; k < n; k++, p += inner) s += Math.exp(x[p] - m);
        const lse = m + Math.log(s);
        for (let k = 0, p = b; k < n; k++, p += inner) out[p] = x[p] - lse;
      } else {
        for (let k = 0, p = b; k < n; k++, p += inner) { const e = Math.exp(x[p] - m); out[p] = e; s += e; }
        const r = 1 / s;
        for (let k = 0, p = b; k < n; k++, p += inner) out[p] *= r;
      }
    }
  }
}

export function softmaxGradInto(y: DataArray, g: DataArray, l: AxisLayout, log: boolean, dx: DataArray): void {
  const { outer, n, inner } = l;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < inner; i++) {
      const b = base + i;
      let s = 0;
      if (log) {
        for (let k = 0, p = b; k < n; k++, p += inner) s += g[p];
        for (let k = 0, p = b; k < n; k++, p += inner) dx[p] = g[p] - Math.exp(y[p]) * s;
      } else {
        for (let k = 0, p = b; k < n; k++, p += inner) s += g[p] * y[p];
        for (let k = 0, p = b; k < n; k++, p += inner) dx[p] = y[p] * (g[p] - s);
      }
    }
  }
}

export function leakyReluInto(x: DataArray, slope: number, out: DataArray): void {
  for (let i = 0; i < x.length; i++) { const v = x[i]; out[i] = v > 0 ? v : v * slope; }
}

export function leakyReluGradInto(g: DataArray, x: DataArray, slope: number, dx: DataArray): void {
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? g[i] : g[i] * slope;
}

/** A 32-bit integer hash with good avalanche (Wellons' "lowbias32"); every backend computes the same. */
function mix32(x: number): number {
  x ^= x >>> 16; x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15; x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The uniform draw in [0, 1) of element i under seeds (s0, s1): a counter-based generator, so a mask
 *  needs no sequential state and any backend (or GPU thread) can produce element i on its own. */
function dropoutUniform(i: number, s0: number, s1: number): number {
  return mix32((mix32((i ^ s0) >>> 0) + s1) >>> 0) * 2.3283064365386963e-10;
}

export function dropoutInto(x: DataArray, p: number, s0: number, s1: number, y: DataArray, mask: DataArray): void {
  const scale = p >= 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < x.length; i++) {
    const m = dropoutUniform(i, s0, s1) >= p ? scale : 0;
    mask[i] = m;
    y[i] = x[i] * m;
  }
}
