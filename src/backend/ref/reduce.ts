// backend/ref/reduce.ts — reductions over any set of axes, arg-max/min along one axis, the gradient
// of a product, and running sums (cumsum). Each run of adjacent reduced axes is read in place as
// [outer, R, inner], last run first.

import type { ReduceOp } from '../backend.js';
import { allocArray, dtypeOf, type DataArray } from '../../tensor/dtype.js';
import { splitAt } from '../../tensor/shape.js';

/** The error of an int32 sum or product whose exact value leaves int32 (PyTorch's would be int64, which
 *  convnet does not have; wrapping around silently is never right). webgpu's kernels report the same. */
export function overflowMessage(op: ReduceOp, value?: number): string {
  return `${op}: the int32 ${op === 'sum' ? 'sum' : 'product'}${value === undefined ? '' : ` ${value}`} does not fit in int32 ` +
    `(PyTorch would give int64, which convnet does not have): convert the input to float32 or float64 first, e.g. x.float().${op}()`;
}

/** The error of an int32 cumsum whose running sum leaves int32 (same reason as overflowMessage's). */
export function cumsumOverflowMessage(value?: number): string {
  return `cumsum: the int32 running sum${value === undefined ? '' : ` ${value}`} does not fit in int32 ` +
    '(PyTorch would give int64, which convnet does not have): convert the input to float32 or float64 first, e.g. x.float().cumsum(dim)';
}

function reduceBlock(op: ReduceOp, x: DataArray, outer: number, R: number, inner: number, out: DataArray): void {
  // int32 results are checked: the accumulator is a float64, exact for every int32 sum of up to 2^22
  // terms and past int32 long before it stops being exact.
  const checked = out instanceof Int32Array && (op === 'sum' || op === 'prod');
  for (let o = 0; o < outer; o++) {
    const base = o * R * inner;
    for (let i = 0; i < inner; i++) {
      let p = base + i;
      let acc: number;
      if (op === 'sum') { acc = 0; for (let r = 0; r < R; r++, p += inner) acc += x[p]; }
      else if (op === 'prod') { acc = 1; for (let r = 0; r < R; r++, p += inner) acc *= x[p]; }
      else if (op === 'max') {
        acc = -Infinity;
        for (let r = 0; r < R; r++, p += inner) { const v = x[p]; if (v > acc || v !== v) { acc = v; if (v !== v) break; } }
      } else {
        acc = Infinity;
        for (let r = 0; r < R; r++, p += inner) { const v = x[p]; if (v < acc || v !== v) { acc = v; if (v !== v) break; } }
      }
      if (checked && !(acc >= -2147483648 && acc <= 2147483647)) throw new Error(overflowMessage(op, acc));
      out[o * inner + i] = acc;
    }
  }
}

/** out holds the reduced values (size = product of the kept dims). */
export function reduceInto(op: ReduceOp, x: DataArray, shape: readonly number[], axes: readonly number[], out: DataArray): void {
  if (axes.length === 0) { out.set(x); return; }
  // Reduce the last run of adjacent axes in place ([outer, R, inner]), then the runs before it: no
  // transposing copy is needed (conv's bias gradient sums over [0, 2, 3] this way).
  let first = axes.length - 1;
  while (first > 0 && axes[first - 1] === axes[first] - 1) first--;
  const [outer, R, inner] = splitAt(shape, axes[first], axes[axes.length - 1]);
  if (first === 0) { reduceBlock(op, x, outer, R, inner, out); return; }
  // int32 partial sums are kept in float64: a partial may leave int32 where the total does not.
  const partial = x instanceof Int32Array && (op === 'sum' || op === 'prod') ? new Float64Array(outer * inner) : allocArray(dtypeOf(x), outer * inner);
  reduceBlock(op, x, outer, R, inner, partial);
  const kept = shape.map((d, i) => (i >= axes[first] && i <= axes[axes.length - 1] ? 1 : d));
  reduceInto(op, partial, kept, axes.slice(0, first), out);
}

export function argReduceInto(op: 'argmax' | 'argmin', x: DataArray, shape: readonly number[], axis: number, out: DataArray): void {
  const [outer, R, inner] = splitAt(shape, axis, axis);
  const better = op === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let p = o * R * inner + i;
      let best = x[p], bi = 0;
      if (best === best) {
        p += inner;
        for (let r = 1; r < R; r++, p += inner) {
          const v = x[p];
          if (v !== v) { bi = r; break; } // NaN wins, as in PyTorch
          if (better(v, best)) { best = v; bi = r; }
        }
      }
      out[o * inner + i] = bi;
    }
  }
}

/** d prod(row) / d x_i · g for rows of x [outer, R]: the product of the other entries (prefix times
 *  suffix products), so zeros need no special case and nothing is divided. */
export function prodGradInto(x: DataArray, g: DataArray, outer: number, R: number, out: DataArray): void {
  for (let o = 0; o < outer; o++) {
    const base = o * R, gv = g[o];
    // out[r] = g · Π_{j<r} x_j, then multiplied by Π_{j>r} x_j walking back.
    let pre = gv;
    for (let r = 0; r < R; r++) { out[base + r] = pre; pre *= x[base + r]; }
    let suf = 1;
    for (let r = R - 1; r >= 0; r--) { out[base + r] *= suf; suf *= x[base + r]; }
  }
}

/**
 * Running sums of every row of x seen as [outer, n, inner] along n: out[r] = x[0] + … + x[r], or with
 * `reverse` out[r] = x[r] + … + x[n−1] (the adjoint: cumsum's backward). Serial, in index order, with a
 * float64 accumulator whatever the dtype: PyTorch's CPU kernel (cumsum_cpu_kernel) accumulates in
 * at::acc_type<scalar_t, false> (false: not CUDA), which is double for float, so a float32 row's running
 * sums are rounded to float32 only when stored. int32 sums are exact (the accumulator never holds more
 * than an int32 plus one int32 before the check) and a running sum outside int32 throws.
 */
export function cumsumInto(x: DataArray, outer: number, n: number, inner: number, reverse: boolean, out: DataArray): void {
  const checked = out instanceof Int32Array;
  const step = reverse ? -inner : inner;
  const first = reverse ? (n - 1) * inner : 0;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let p = o * n + first, acc = 0;
      for (let r = 0; r < n; r++, p += step) {
        acc += x[p];
        if (checked && !(acc >= -2147483648 && acc <= 2147483647)) throw new Error(cumsumOverflowMessage(acc));
        out[p] = acc;
      }
    }
    return;
  }
  // inner > 1: walk whole rows of `inner` values (contiguous), one accumulator per column.
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    let row = o * n * inner + first;
    for (let r = 0; r < n; r++, row += step) {
      for (let i = 0; i < inner; i++) {
        const s = acc[i] + x[row + i];
        if (checked && !(s >= -2147483648 && s <= 2147483647)) throw new Error(cumsumOverflowMessage(s));
        acc[i] = s;
        out[row + i] = s;
      }
    }
  }
}
