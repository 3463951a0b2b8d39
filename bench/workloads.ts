// bench/workloads.ts — the convolution workloads W1–W5, shared by bench/ops.ts and bench/peers.ts.

import type { Conv2dAttrs } from '../src/backend/backend.js';

export interface ConvWorkload {
  id: string;
  label: string;
  attrs: Conv2dAttrs;
}

function conv(id: string, label: string, N: number, C: number, OC: number, H: number, K: number,
              stride = 1, pad = 0, groups = 1): ConvWorkload {
  const OH = Math.floor((H + 2 * pad - K) / stride) + 1;
  return {
    id, label,
    attrs: { N, C, H, W: H, OC, KH: K, KW: K, OH, OW: OH, strideH: stride, strideW: stride,
      padTop: pad, padLeft: pad, dilationH: 1, dilationW: 1, groups },
  };
}

export const CONV_WORKLOADS: ConvWorkload[] = [
  conv('W1', 'N64 1→6 28×28 5×5', 64, 1, 6, 28, 5),
  conv('W2', 'N64 6→16 12×12 5×5', 64, 6, 16, 12, 5),
  conv('W3', 'N8 64→64 56×56 3×3 p1', 8, 64, 64, 56, 3, 1, 1),
  conv('W4', 'N1 3→64 224×224 7×7 s2 p3', 1, 3, 64, 224, 7, 2, 3),
  conv('W5', 'N8 128 56×56 depthwise 3×3 p1', 8, 128, 128, 56, 3, 1, 1, 128),
];

/** Multiply-adds × 2 of one conv forward (each gradient costs the same). */
export function convFlops(a: Conv2dAttrs): number {
  return 2 * a.N * a.OC * a.OH * a.OW * (a.C / a.groups) * a.KH * a.KW;
}

export function randomF32(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The timing loop of timeMedian / timeMedianAsync: yields once per call of the function (the untimed
 *  warm-up calls first, at least `warm` and for at least 200 ms: JIT compilers, V8's for WebAssembly
 *  included, optimise a function only once it has run a while), then returns the median of the timed
 *  calls; stops early once `budgetMs` is spent. */
function* timingLoop(runs: number, warm: number, budgetMs: number): Generator<void, number, void> {
  const w0 = performance.now();
  for (let i = 0; i < warm || (performance.now() - w0 < 200 && i < 100); i++) yield;
  const t: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    yield;
    t.push(performance.now() - t0);
    if (performance.now() - start > budgetMs && t.length >= 3) break;
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

/** Median wall time in ms of `fn` after untimed warm-up runs (see timingLoop). */
export function timeMedian(fn: () => unknown, runs: number, warm = 1, budgetMs = 4000): number {
  const loop = timingLoop(runs, warm, budgetMs);
  for (let r = loop.next(); ; r = loop.next()) { if (r.done) return r.value; fn(); }
}

/** timeMedian of an async `fn` (each call awaited). */
export async function timeMedianAsync(fn: () => Promise<unknown>, runs: number, warm = 1, budgetMs = 4000): Promise<number> {
  const loop = timingLoop(runs, warm, budgetMs);
  for (let r = loop.next(); ; r = loop.next()) { if (r.done) return r.value; await fn(); }
}
