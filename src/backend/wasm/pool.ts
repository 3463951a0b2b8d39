// backend/wasm/pool.ts — max/avg pooling on the wasm kernels (assembly/pool.ts), driven by the same
// PoolAttrs window tables as ref; planes split across threads.

import type { FloatArray, PoolAttrs } from '../backend.js';
import { refBackend } from '../ref/index.js';
import { rt, threadsFor, type Runtime } from './runtime.js';

const f32 = (x: FloatArray): x is Float32Array => x instanceof Float32Array;
const taps = (a: PoolAttrs): number => {
  let h = 0, w = 0;
  for (let i = 0; i < a.h.outSize; i++) h += a.h.count[i];
  for (let i = 0; i < a.w.outSize; i++) w += a.w.count[i];
  return a.planes * h * w;
};

/** 1/divisor per axis as f32 (the override, when given, goes on the h axis). */
function inverses(r: Runtime, a: PoolAttrs): [number, number] {
  const { h, w, divisorOverride: d } = a;
  const hinv = new Float32Array(h.outSize), winv = new Float32Array(w.outSize);
  for (let i = 0; i < h.outSize; i++) hinv[i] = d !== undefined ? 1 / d : 1 / h.divisor[i];
  for (let i = 0; i < w.outSize; i++) winv[i] = d !== undefined ? 1 : 1 / w.divisor[i];
  return [r.put(hinv), r.put(winv)];
}

/** Windows start at 2i and have 2 taps each, no dilation: 2×2 stride-2 pooling without padding. */
function isPair(ax: PoolAttrs['h']): boolean {
  if (ax.step !== 1 || 2 * ax.outSize > ax.size) return false;
  for (let i = 0; i < ax.outSize; i++) if (ax.start[i] !== 2 * i || ax.count[i] !== 2) return false;
  return true;
}

const NO_ARGMAX = new Int32Array(0);

/** needArgmax false (inference): values only, and for 2×2 windows a kernel that does no index work. */
export function maxPool(x: FloatArray, a: PoolAttrs, needArgmax = true): { out: FloatArray; argmax: Int32Array } {
  const n = a.planes * a.h.outSize * a.w.outSize;
  if (!f32(x) || n === 0) return refBackend.maxPool(x, a, needArgmax);
  const r = rt();
  r.reset();
  const H = a.h.size, W = a.w.size, OH = a.h.outSize, OW = a.w.outSize;
  const px = r.put(x), out = r.alloc(n * 4), arg = needArgmax ? r.alloc(n * 4) : 0;
  if (isPair(a.h) && isPair(a.w)) {
    const nt = Math.min(a.planes, threadsFor(a.planes * H * W * (needArgmax ? 3 : 1)));
    if (needArgmax) r.run('maxPool2x2', [a.planes, H, W, OH, OW, px, out, arg], nt);
    else r.run('maxPool2x2Value', [a.planes, H, W, OH, OW, px, out], nt);
  } else {
    const hs = r.put(a.h.start), hc = r.put(a.h.count), ws = r.put(a.w.start), wc = r.put(a.w.count);
    r.run('maxPool', [a.planes, H, W, OH, OW, hs, hc, a.h.step, ws, wc, a.w.step, px, out, arg],
      Math.min(a.planes, threadsFor(taps(a) * 2)));
  }
  return { out: r.takeF32(out, n), argmax: arg ? r.takeI32(arg, n) : NO_ARGMAX };
}

export function maxPoolGrad(dy: FloatArray, argmax: Int32Array, a: PoolAttrs): FloatArray {
  const HW = a.h.size * a.w.size, OHW = a.h.outSize * a.w.outSize;
  if (!f32(dy) || a.planes * HW === 0) return refBackend.maxPoolGrad(dy, argmax, a);
  const r = rt();
  r.reset();
  const pdy = r.put(dy), parg = r.put(argmax), dx = r.alloc(a.planes * HW * 4);
  r.run('maxPoolGrad', [a.planes, HW, OHW, pdy, parg, dx], Math.min(a.planes, threadsFor(a.planes * (HW + OHW) * 2)));
  return r.takeF32(dx, a.planes * HW);
}

export function avgPool(x: FloatArray, a: PoolAttrs): FloatArray {
  const n = a.planes * a.h.outSize * a.w.outSize;
  if (!f32(x) || n === 0) return refBackend.avgPool(x, a);
  const r = rt();
  r.reset();
  const px = r.put(x), out = r.alloc(n * 4);
  const hs = r.put(a.h.start), hc = r.put(a.h.count), ws = r.put(a.w.start), wc = r.put(a.w.count);
  const [hinv, winv] = inverses(r, a);
  if (a.h.step !== 1 || a.w.step !== 1) return refBackend.avgPool(x, a); // avg pooling has no dilation
  r.run('avgPool', [a.planes, a.h.size, a.w.size, a.h.outSize, a.w.outSize, hs, hc, hinv, ws, wc, winv, px, out],
    Math.min(a.planes, threadsFor(taps(a) * 2)));
  return r.takeF32(out, n);
}

export function avgPoolGrad(dy: FloatArray, a: PoolAttrs): FloatArray {
  const n = a.planes * a.h.size * a.w.size;
  if (!f32(dy) || n === 0 || a.h.step !== 1 || a.w.step !== 1) return refBackend.avgPoolGrad(dy, a);
  const r = rt();
  r.reset();
  const pdy = r.put(dy), dx = r.alloc(n * 4);
  const hs = r.put(a.h.start), hc = r.put(a.h.count), ws = r.put(a.w.start), wc = r.put(a.w.count);
  const [hinv, winv] = inverses(r, a);
  r.run('avgPoolGrad', [a.planes, a.h.size, a.w.size, a.h.outSize, a.w.outSize, hs, hc, hinv, ws, wc, winv, pdy, dx],
    Math.min(a.planes, threadsFor(taps(a) * 2)));
  return r.takeF32(dx, n);
}
