// backend/ref/pad.ts — constant / reflect / replicate / circular padding of the last k dims and its
// adjoint. Each padded dim gets a table: output index → source index (−1 = the constant value), so the
// same loops serve every mode, and the gradient sums through the same table.

import type { PadAttrs } from '../backend.js';
import type { DataArray } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';

/** Output index → source index along one padded dim (−1: the constant value). The webgpu backend uploads
 *  the same tables. */
export function sourceTable(size: number, before: number, outSize: number, mode: PadAttrs['mode']): Int32Array {
  const t = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let i = o - before;
    if (i < 0 || i >= size) {
      switch (mode) {
        case 'constant': i = -1; break;
        case 'replicate': i = i < 0 ? 0 : size - 1; break;
        case 'reflect': i = i < 0 ? -i : 2 * (size - 1) - i; break;
        case 'circular': i = ((i % size) + size) % size; break;
      }
    }
    t[o] = i;
  }
  return t;
}

interface Plan { outer: number; dims: number[]; outDims: number[]; tables: Int32Array[] }

function plan(a: PadAttrs): Plan {
  const k = a.before.length;
  const lead = a.shape.length - k;
  const dims = a.shape.slice(lead), outDims = a.outShape.slice(lead);
  const tables = dims.map((d, i) => sourceTable(d, a.before[i], outDims[i], a.mode));
  return { outer: numel(a.shape.slice(0, lead)), dims, outDims, tables };
}

/** Calls visit(outIndex, srcIndex or −1) for every output element. */
function walk(p: Plan, visit: (o: number, s: number) => void): void {
  const { outer, dims, outDims, tables } = p;
  const k = dims.length;
  const inBlock = numel(dims), outBlock = numel(outDims);
  let o = 0;
  const rec = (d: number, src: number): void => {
    const t = tables[d];
    if (d === k - 1) {
      for (let j = 0; j < outDims[d]; j++, o++) visit(o, t[j] < 0 || src < 0 ? -1 : src + t[j]);
      return;
    }
    let stride = 1;
    for (let e = d + 1; e < k; e++) stride *= dims[e];
    for (let j = 0; j < outDims[d]; j++) rec(d + 1, t[j] < 0 || src < 0 ? -1 : src + t[j] * stride);
  };
  for (let b = 0; b < outer; b++) {
    o = b * outBlock;
    rec(0, b * inBlock);
  }
}

export function padInto(x: DataArray, a: PadAttrs, out: DataArray): void {
  const v = a.value;
  walk(plan(a), (o, s) => { out[o] = s < 0 ? v : x[s]; });
}

export function padGradInto(dy: DataArray, a: PadAttrs, dx: DataArray): void {
  dx.fill(0);
  walk(plan(a), (o, s) => { if (s >= 0) dx[s] += dy[o]; });
}
