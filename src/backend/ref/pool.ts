// backend/ref/pool.ts — max and average pooling driven by per-axis window tables (see PoolAttrs), so
// one pair of kernels serves 1-D and 2-D, strided, padded, dilated, ceil-mode and adaptive pooling.

import type { PoolAttrs } from '../backend.js';
import type { DataArray } from '../../tensor/dtype.js';

/** argmax (int32, or null when not needed) gets each window's index into its input plane. */
export function maxPoolInto(x: DataArray, a: PoolAttrs, out: DataArray, argmax: DataArray | null): void {
  const { planes, h, w } = a;
  const H = h.size, W = w.size, OH = h.outSize, OW = w.outSize;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const hs = h.start[oh], hc = h.count[oh];
      for (let ow = 0; ow < OW; ow++) {
        const ws = w.start[ow], wc = w.count[ow];
        let best = -Infinity, bi = hs * W + ws;
        search: for (let i = 0, ih = hs; i < hc; i++, ih += h.step) {
          for (let j = 0, iw = ws; j < wc; j++, iw += w.step) {
            const v = x[base + ih * W + iw];
            if (v > best || v !== v) {
              best = v;
              bi = ih * W + iw;
              if (v !== v) break search; // NaN propagates, as in PyTorch
            }
          }
        }
        const o = (p * OH + oh) * OW + ow;
        out[o] = best;
        if (argmax) argmax[o] = bi;
      }
    }
  }
}

export function maxPoolGradInto(dy: DataArray, argmax: DataArray, a: PoolAttrs, dx: DataArray): void {
  const { planes, h, w } = a;
  const HW = h.size * w.size, OHW = h.outSize * w.outSize;
  dx.fill(0);
  for (let p = 0; p < planes; p++) {
    for (let o = 0; o < OHW; o++) dx[p * HW + argmax[p * OHW + o]] += dy[p * OHW + o];
  }
}

export function avgPoolInto(x: DataArray, a: PoolAttrs, out: DataArray): void {
  const { planes, h, w, divisorOverride } = a;
  const H = h.size, W = w.size, OH = h.outSize, OW = w.outSize;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const hs = h.start[oh], hc = h.count[oh];
      for (let ow = 0; ow < OW; ow++) {
        const ws = w.start[ow], wc = w.count[ow];
        let s = 0;
        for (let ih = hs; ih < hs + hc; ih++) {
          const r = base + ih * W;
          for (let iw = ws; iw < ws + wc; iw++) s += x[r + iw];
        }
        out[(p * OH + oh) * OW + ow] = s / (divisorOverride ?? h.divisor[oh] * w.divisor[ow]);
      }
    }
  }
}

export function avgPoolGradInto(dy: DataArray, a: PoolAttrs, dx: DataArray): void {
  const { planes, h, w, divisorOverride } = a;
  const H = h.size, W = w.size, OH = h.outSize, OW = w.outSize;
  dx.fill(0);
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const hs = h.start[oh], hc = h.count[oh];
      for (let ow = 0; ow < OW; ow++) {
        const ws = w.start[ow], wc = w.count[ow];
        const g = dy[(p * OH + oh) * OW + ow] / (divisorOverride ?? h.divisor[oh] * w.divisor[ow]);
        for (let ih = hs; ih < hs + hc; ih++) {
          const r = base + ih * W;
          for (let iw = ws; iw < ws + wc; iw++) dx[r + iw] += g;
        }
      }
    }
  }
}
