// backend/ref/pool.ts — max and average pooling driven by per-axis window tables (see PoolAttrs), so
// one pair of kernels serves 1-D and 2-D, strided, padded, dilated, ceil-mode and adaptive pooling.

import type { FloatArray, PoolAttrs } from '../backend.js';
import { allocFloat } from '../backend.js';

export function maxPool(x: FloatArray, a: PoolAttrs, needArgmax = true): { out: FloatArray; argmax: Int32Array } {
  const { planes, h, w } = a;
  const H = h.size, W = w.size, OH = h.outSize, OW = w.outSize;
  const out = allocFloat(x, planes * OH * OW);
  const argmax = new Int32Array(needArgmax ? planes * OH * OW : 0);
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
        if (needArgmax) argmax[o] = bi;
      }
    }
  }
  return { out, argmax };
}

export function maxPoolGrad(dy: FloatArray, argmax: Int32Array, a: PoolAttrs): FloatArray {
  const { planes, h, w } = a;
  const HW = h.size * w.size, OHW = h.outSize * w.outSize;
  const dx = allocFloat(dy, planes * HW);
  for (let p = 0; p < planes; p++) {
    for (let o = 0; o < OHW; o++) dx[p * HW + argmax[p * OHW + o]] += dy[p * OHW + o];
  }
  return dx;
}

export function avgPool(x: FloatArray, a: PoolAttrs): FloatArray {
  const { planes, h, w, divisorOverride } = a;
  const H = h.size, W = w.size, OH = h.outSize, OW = w.outSize;
  const out = allocFloat(x, planes * OH * OW);
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
  return out;
}

export function avgPoolGrad(dy: FloatArray, a: PoolAttrs): FloatArray {
  const { planes, h, w, divisorOverride } = a;
  const H = h.size, W = w.size, OH = h.outSize, OW = w.outSize;
  const dx = allocFloat(dy, planes * H * W);
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
  return dx;
}
