// backend/wasm/elementwise.ts — unary maps, broadcasting binary maps and reductions on the wasm kernels
// (assembly/elementwise.ts), for float32 data. What they do not cover — float64/int32 data, ops without
// a kernel (sin, cos, round, sign, log1p, expm1, pow, atan2, hypot, comparisons, prod), broadcasts where both operands repeat, and
// reductions over axes that are not one contiguous block — runs as JavaScript loops over the same heap
// memory (array-kernels.ts), still without copying.

import type { BinaryOp, Kernels, ReduceOp, UnaryOp } from '../backend.js';
import type { Storage } from '../storage.js';
import { numel, splitAt } from '../../tensor/shape.js';
import { rt, threadsFor } from './runtime.js';
import { allF32, mem } from './memory.js';

const UNARY: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, relu: 2, sqrt: 3, square: 4, reciprocal: 5, floor: 6, ceil: 7, step: 8,
  exp: 9, log: 10, sigmoid: 11, tanh: 12,
};
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, reluGrad: 6 };
const REDUCE: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

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
  if (first < 0) return { bn: 1, inner: numel(outShape) };
  let bn = 1, inner = 1;
  for (let i = first; i <= last; i++) bn *= outShape[i];
  for (let i = last + 1; i < outShape.length; i++) inner *= outShape[i];
  return { bn, inner };
}

export function elementwiseKernels(js: Kernels): Pick<Kernels, 'unary' | 'binary' | 'reduce'> {
  return {
    unary(op: UnaryOp, x: Storage, out?: Storage): Storage {
      const code = UNARY[op];
      if (code === undefined || x.dtype !== 'float32') return js.unary(op, x, out);
      const m = mem();
      const o = out ?? m.alloc('float32', x.size);
      rt().run('unary', [code, m.ptr(x), m.ptr(o), x.size], threadsFor(x.size * (code >= 9 ? 20 : 2)));
      return o;
    },

    binary(op: BinaryOp, a: Storage, aShape: number[], b: Storage, bShape: number[], outShape: number[], out?: Storage): Storage {
      const code = BINARY[op];
      const n = numel(outShape);
      if (code === undefined || !allF32(a, b) || n === 0 ||
        (op === 'reluGrad' && (a.size !== n || b.size !== n))) { // reluGrad: as ref's same-shape loop only
        return js.binary(op, a, aShape, b, bShape, outShape, out);
      }
      let full: Storage, small: Storage, swap: boolean, pat: { bn: number; inner: number } | null;
      if (a.size === n) { full = a; small = b; swap = false; pat = b.size === n ? { bn: n, inner: 1 } : repeatPattern(bShape, outShape); }
      else if (b.size === n) { full = b; small = a; swap = true; pat = repeatPattern(aShape, outShape); }
      else pat = null;
      // The wasm kernel writes out[i] from full[i]: in place only over the full operand.
      if (!pat || (out && out !== full!)) return js.binary(op, a, aShape, b, bShape, outShape, out);
      const m = mem();
      const o = out ?? m.alloc('float32', n);
      rt().run('binary', [code, m.ptr(full!), m.ptr(small!), m.ptr(o), n, pat.bn, pat.inner, swap! ? 1 : 0],
        Math.min(threadsFor(n * 2), n / pat.inner));
      return o;
    },

    reduce(op: ReduceOp, x: Storage, shape: number[], axes: number[]): Storage {
      const code = REDUCE[op];
      if (code === undefined || x.dtype !== 'float32' || x.size === 0) return js.reduce(op, x, shape, axes);
      const contiguous = axes.length > 0 && axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
      const m = mem();
      if (code === 0 && !contiguous) {
        // Sum over every axis but one contiguous run of kept axes (a conv bias gradient: N, H, W of NCHW).
        const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
        if (kept.length > 0 && kept.every((k, i) => i === 0 || k === kept[i - 1] + 1)) {
          const [A, B, Cc] = splitAt(shape, kept[0], kept[kept.length - 1]);
          const o = m.alloc('float32', B);
          rt().run('sumKeepMid', [m.ptr(x), m.ptr(o), A, B, Cc], Math.min(B, threadsFor(x.size * 2)));
          return o;
        }
      }
      if (!contiguous) return js.reduce(op, x, shape, axes);
      const [outer, R, inner] = splitAt(shape, axes[0], axes[axes.length - 1]);
      const o = m.alloc('float32', outer * inner);
      rt().run('reduce', [code, m.ptr(x), m.ptr(o), outer, R, inner], threadsFor(x.size * 2));
      return o;
    },
  };
}
