// backend/wasm/pool.ts — max/avg pooling on the wasm kernels (assembly/pool.ts), driven by the same
// PoolAttrs window tables as ref (copied into scratch per call: a few ints per output row/column);
// planes split across threads.

import type { Kernels, PoolAttrs } from '../backend.js';
import type { Storage } from '../storage.js';
import { rt, threadsFor } from './runtime.js';
import { mem } from './memory.js';
import { Scratch } from './scratch.js';

const taps = (a: PoolAttrs): number => {
  let h = 0, w = 0;
  for (let i = 0; i < a.h.outSize; i++) h += a.h.count[i];
  for (let i = 0; i < a.w.outSize; i++) w += a.w.count[i];
  return a.planes * h * w;
};

/** 1/divisor per axis as f32 (the override, when given, goes on the h axis). */
function inverses(a: PoolAttrs): [Float32Array, Float32Array] {
  const { h, w, divisorOverride: d } = a;
  const hinv = new Float32Array(h.outSize), winv = new Float32Array(w.outSize);
  for (let i = 0; i < h.outSize; i++) hinv[i] = d !== undefined ? 1 / d : 1 / h.divisor[i];
  for (let i = 0; i < w.outSize; i++) winv[i] = d !== undefined ? 1 : 1 / w.divisor[i];
  return [hinv, winv];
}

/** Windows start at 2i and have 2 taps each, no dilation: 2×2 stride-2 pooling without padding. */
function isPair(ax: PoolAttrs['h']): boolean {
  if (ax.step !== 1 || 2 * ax.outSize > ax.size) return false;
  for (let i = 0; i < ax.outSize; i++) if (ax.start[i] !== 2 * i || ax.count[i] !== 2) return false;
  return true;
}

/** The window tables and divisors of an avg pooling call, in scratch. */
function avgTables(sc: Scratch, a: PoolAttrs): number[] {
  const [hinv, winv] = inverses(a);
  return [sc.i32(a.h.start), sc.i32(a.h.count), sc.f32(hinv), sc.i32(a.w.start), sc.i32(a.w.count), sc.f32(winv)];
}

/** avgPool or its gradient (the same tables, read the other way): src → a fresh output of n elements. */
function avgPoolRun(src: Storage, a: PoolAttrs, n: number, kernel: 'avgPool' | 'avgPoolGrad',
  fallback: (s: Storage, a: PoolAttrs) => Storage): Storage {
  // Average pooling has no dilation: other steps are adaptive tables the JS loops handle.
  if (src.dtype !== 'float32' || n === 0 || a.h.step !== 1 || a.w.step !== 1) return fallback(src, a);
  const r = rt(), m = mem(), sc = new Scratch(r);
  const out = m.alloc('float32', n);
  try {
    const [hs, hc, hinv, ws, wc, winv] = avgTables(sc, a);
    r.run(kernel, [a.planes, a.h.size, a.w.size, a.h.outSize, a.w.outSize, hs, hc, hinv, ws, wc, winv, m.ptr(src), m.ptr(out)],
      Math.min(a.planes, threadsFor(taps(a) * 2)));
  } finally { sc.done(); }
  return out;
}

export function poolKernels(js: Kernels): Pick<Kernels, 'maxPool' | 'maxPoolGrad' | 'avgPool' | 'avgPoolGrad'> {
  return {
    /** needArgmax false (inference): values only, and for 2×2 windows a kernel that does no index work. */
    maxPool(x: Storage, a: PoolAttrs, needArgmax: boolean): { out: Storage; argmax: Storage | null } {
      const n = a.planes * a.h.outSize * a.w.outSize;
      if (x.dtype !== 'float32' || n === 0) return js.maxPool(x, a, needArgmax);
      const r = rt(), m = mem(), sc = new Scratch(r);
      const H = a.h.size, W = a.w.size, OH = a.h.outSize, OW = a.w.outSize;
      const out = m.alloc('float32', n), argmax = needArgmax ? m.alloc('int32', n) : null;
      try {
        const px = m.ptr(x), po = m.ptr(out), pa = argmax ? m.ptr(argmax) : 0;
        if (isPair(a.h) && isPair(a.w)) {
          const nt = Math.min(a.planes, threadsFor(a.planes * H * W * (needArgmax ? 3 : 1)));
          if (needArgmax) r.run('maxPool2x2', [a.planes, H, W, OH, OW, px, po, pa], nt);
          else r.run('maxPool2x2Value', [a.planes, H, W, OH, OW, px, po], nt);
        } else {
          const hs = sc.i32(a.h.start), hc = sc.i32(a.h.count), ws = sc.i32(a.w.start), wc = sc.i32(a.w.count);
          r.run('maxPool', [a.planes, H, W, OH, OW, hs, hc, a.h.step, ws, wc, a.w.step, px, po, pa],
            Math.min(a.planes, threadsFor(taps(a) * 2)));
        }
      } finally { sc.done(); }
      return { out, argmax };
    },

    maxPoolGrad(dy: Storage, argmax: Storage, a: PoolAttrs): Storage {
      const HW = a.h.size * a.w.size, OHW = a.h.outSize * a.w.outSize;
      if (dy.dtype !== 'float32' || a.planes * HW === 0) return js.maxPoolGrad(dy, argmax, a);
      const m = mem();
      const dx = m.alloc('float32', a.planes * HW);
      rt().run('maxPoolGrad', [a.planes, HW, OHW, m.ptr(dy), m.ptr(argmax), m.ptr(dx)],
        Math.min(a.planes, threadsFor(a.planes * (HW + OHW) * 2)));
      return dx;
    },

    avgPool: (x, a) => avgPoolRun(x, a, a.planes * a.h.outSize * a.w.outSize, 'avgPool', js.avgPool),
    avgPoolGrad: (dy, a) => avgPoolRun(dy, a, a.planes * a.h.size * a.w.size, 'avgPoolGrad', js.avgPoolGrad),
  };
}
