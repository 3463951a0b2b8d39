// backend/ref/reduce.ts — reductions over any set of axes.
// Reduced axes that form one contiguous block are read in place as [outer, R, inner]; other sets are
// first permuted so the reduced axes come last.

import type { DataArray, ReduceOp } from '../backend.js';
import { allocLike } from '../backend.js';
import { permute } from './elementwise.js';

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
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (contiguous) {
    const [outer, R, inner] = splitAt(shape, axes[0], axes[axes.length - 1]);
    return reduceBlock(op, x, outer, R, inner);
  }
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = permute(x, shape, perm);
  const outer = kept.reduce((p, i) => p * shape[i], 1);
  const R = axes.reduce((p, i) => p * shape[i], 1);
  return reduceBlock(op, moved, outer, R, 1);
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
