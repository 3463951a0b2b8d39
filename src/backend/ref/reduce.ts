// backend/ref/reduce.ts — reductions over any set of axes.
// Each run of adjacent reduced axes is read in place as [outer, R, inner], last run first.

import type { DataArray, ReduceOp } from '../backend.js';
import { allocLike } from '../backend.js';

function splitAt(shape: number[], first: number, last: number): [number, number, number] {
  let outer = 1, r = 1, inner = 1;
  shape.forEach((d, i) => { if (i < first) outer *= d; else if (i <= last) r *= d; else inner *= d; });
  return [outer, r, inner];
}

function reduceBlock(op: ReduceOp, x: DataArray, outer: number, R: number, inner: number): DataArray {
  const out = allocLike(x, outer * inner);
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
      out[o * inner + i] = acc;
    }
  }
  return out;
}

export function reduce(op: ReduceOp, x: DataArray, shape: number[], axes: number[]): DataArray {
  if (axes.length === 0) return x.slice();
  // Reduce the last run of adjacent axes in place ([outer, R, inner]), then the runs before it: no
  // transposing copy is needed (conv's bias gradient sums over [0, 2, 3] this way).
  let first = axes.length - 1;
  while (first > 0 && axes[first - 1] === axes[first] - 1) first--;
  const [outer, R, inner] = splitAt(shape, axes[first], axes[axes.length - 1]);
  const out = reduceBlock(op, x, outer, R, inner);
  if (first === 0) return out;
  const kept = shape.map((d, i) => (i >= axes[first] && i <= axes[axes.length - 1] ? 1 : d));
  return reduce(op, out, kept, axes.slice(0, first));
}

export function argReduce(op: 'argmax' | 'argmin', x: DataArray, shape: number[], axis: number): Int32Array {
  const [outer, R, inner] = splitAt(shape, axis, axis);
  const out = new Int32Array(outer * inner);
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
  return out;
}
