// backend/wasm/elementwise.ts — unary maps, broadcasting binary maps and reductions on the wasm kernels
// (assembly/elementwise.ts), with ref taking what they do not cover: float64/int32 data, ops without a
// kernel (sin, cos, round, sign, pow, comparisons, prod), broadcasts where both operands repeat, and
// reductions over axes that are not one contiguous block.
//
// Why small arrays stay in JS: these ops are memory-bound, and the heap round trip (copy in, copy out)
// costs two extra passes; below SMALL elements the JS loop is faster than the call into wasm.

import type { BinaryOp, DataArray, FloatArray, ReduceOp, UnaryOp } from '../backend.js';
import { refBackend } from '../ref/index.js';
import { rt, threadsFor } from './runtime.js';

const SMALL = 4096;

const UNARY: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, relu: 2, sqrt: 3, square: 4, reciprocal: 5, floor: 6, ceil: 7, step: 8,
  exp: 9, log: 10, sigmoid: 11, tanh: 12,
};
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, reluGrad: 6 };
const REDUCE: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

export function unary(op: UnaryOp, x: FloatArray): FloatArray {
  const code = UNARY[op];
  if (code === undefined || !(x instanceof Float32Array) || x.length < SMALL) return refBackend.unary(op, x);
  const r = rt();
  r.reset();
  const px = r.put(x), out = r.alloc(x.length * 4);
  r.run('unary', [code, px, out, x.length], threadsFor(x.length * (code >= 9 ? 20 : 2)));
  return r.takeF32(out, x.length);
}

/** The repeating pattern of a broadcast operand: its element (i / inner) % bn goes with out[i].
 *  Null unless its non-1 dims are one contiguous run of out's dims, matching them exactly. */
function repeatPattern(shape: number[], outShape: number[]): { bn: number; inner: number } | null {
  const off = outShape.length - shape.length;
  let first = -1, last = -1;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    if (shape[i] !== outShape[i + off]) return null;
    if (first < 0) first = i + off;
    else if (last !== i + off - 1) return null;
    last = i + off;
  }
  if (first < 0) return { bn: 1, inner: outShape.reduce((p, d) => p * d, 1) };
  let bn = 1, inner = 1;
  for (let i = first; i <= last; i++) bn *= outShape[i];
  for (let i = last + 1; i < outShape.length; i++) inner *= outShape[i];
  return { bn, inner };
}

export function binary(op: BinaryOp, a: DataArray, aShape: number[], b: DataArray, bShape: number[], outShape: number[]): DataArray {
  const code = BINARY[op];
  const n = outShape.reduce((p, d) => p * d, 1);
  if (code === undefined || !(a instanceof Float32Array) || !(b instanceof Float32Array) || n < SMALL ||
    (op === 'reluGrad' && (a.length !== n || b.length !== n))) { // reluGrad: as ref's same-shape loop only
    return refBackend.binary(op, a, aShape, b, bShape, outShape);
  }
  let full: Float32Array, small: Float32Array, swap: boolean, pat: { bn: number; inner: number } | null;
  if (a.length === n) { full = a; small = b; swap = false; pat = b.length === n ? { bn: n, inner: 1 } : repeatPattern(bShape, outShape); }
  else if (b.length === n) { full = b; small = a; swap = true; pat = repeatPattern(aShape, outShape); }
  else pat = null;
  if (!pat) return refBackend.binary(op, a, aShape, b, bShape, outShape);
  const r = rt();
  r.reset();
  const pf = r.put(full!), ps = r.put(small!), out = r.alloc(n * 4);
  r.run('binary', [code, pf, ps, out, n, pat.bn, pat.inner, swap! ? 1 : 0], Math.min(threadsFor(n * 2), n / pat.inner));
  return r.takeF32(out, n);
}

export function reduce(op: ReduceOp, x: DataArray, shape: number[], axes: number[]): DataArray {
  const code = REDUCE[op];
  const contiguous = axes.length > 0 && axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (code === 0 && !contiguous && x instanceof Float32Array && x.length >= SMALL) {
    // Sum over every axis but one contiguous run of kept axes (a conv bias gradient: N, H, W of NCHW).
    const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
    if (kept.length > 0 && kept.every((k, i) => i === 0 || k === kept[i - 1] + 1)) {
      let A = 1, B = 1, Cc = 1;
      shape.forEach((d, i) => { if (i < kept[0]) A *= d; else if (i <= kept[kept.length - 1]) B *= d; else Cc *= d; });
      const r = rt();
      r.reset();
      const px = r.put(x), out = r.alloc(B * 4);
      r.run('sumKeepMid', [px, out, A, B, Cc], Math.min(B, threadsFor(x.length * 2)));
      return r.takeF32(out, B);
    }
  }
  if (code === undefined || !(x instanceof Float32Array) || x.length < SMALL || !contiguous) {
    return refBackend.reduce(op, x, shape, axes);
  }
  let outer = 1, R = 1, inner = 1;
  shape.forEach((d, i) => { if (i < axes[0]) outer *= d; else if (i <= axes[axes.length - 1]) R *= d; else inner *= d; });
  if (R === 0) return refBackend.reduce(op, x, shape, axes);
  const r = rt();
  r.reset();
  const px = r.put(x), out = r.alloc(outer * inner * 4);
  r.run('reduce', [code, px, out, outer, R, inner], threadsFor(x.length * 2));
  return r.takeF32(out, outer * inner);
}
