// backend/ref/index-ops.ts — the indexing loops: take (a gather by flat position) and put (its in-place
// adjoint, a scatter that sets or adds), sort along an axis, and the coordinates of non-zero elements.
// Every indexing op of ops/ (index, indexPut_, gather, scatter, masks) reduces to take and put over flat
// positions it computes with ordinary tensor ops.

import type { DataArray } from '../../tensor/dtype.js';

export function takeInto(x: DataArray, index: DataArray, out: DataArray): void {
  for (let i = 0; i < index.length; i++) out[i] = x[index[i]];
}

export function putInto(dst: DataArray, index: DataArray, src: DataArray, accumulate: boolean): void {
  if (accumulate) for (let i = 0; i < index.length; i++) dst[index[i]] += src[i];
  else for (let i = 0; i < index.length; i++) dst[index[i]] = src[i];
}

/** Orders a before b (ascending; NaN last, as the largest), 0 when equal. */
function compareAsc(a: number, b: number): number {
  const na = Number.isNaN(a), nb = Number.isNaN(b);
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortInto(x: DataArray, outer: number, n: number, inner: number, descending: boolean,
  values: DataArray, indices: DataArray): void {
  const order = new Array<number>(n);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const base = o * n * inner + k;
      for (let j = 0; j < n; j++) order[j] = j;
      // Array.prototype.sort is stable: equal values keep their positions' order.
      order.sort((a, b) => {
        const c = compareAsc(x[base + a * inner], x[base + b * inner]);
        return descending ? -c : c;
      });
      for (let j = 0; j < n; j++) {
        values[base + j * inner] = x[base + order[j] * inner];
        indices[base + j * inner] = order[j];
      }
    }
  }
}

export function countNonzero(x: DataArray): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) c++;
  return c;
}

export function nonzeroInto(x: DataArray, shape: readonly number[], out: DataArray): void {
  const nd = shape.length;
  let row = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === 0) continue;
    let r = i;
    for (let d = nd - 1; d >= 0; d--) {
      out[row * nd + d] = r % shape[d];
      r = Math.floor(r / shape[d]);
    }
    row++;
  }
}
