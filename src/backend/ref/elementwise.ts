// backend/ref/elementwise.ts — unary and broadcasting binary maps, where, casts, and the data movers
// (expand, permute, cat, flip, indexSelect, oneHot, bincount), all writing into a given output array.
//
// Every function here writes every element of its output: outputs may come from reused memory (the wasm
// heap), so nothing may rely on a zero-filled start.

import type { BinaryOp, UnaryOp } from '../backend.js';
import type { DataArray } from '../../tensor/dtype.js';
import { numel, stridesOf } from '../../tensor/shape.js';

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  relu: (x) => (x > 0 ? x : x === x ? 0 : x), // NaN stays NaN, as in PyTorch
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  tanh: Math.tanh,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === x ? 0 : x),
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => { // round half to even, as torch.round
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  step: (x) => (x > 0 ? 1 : 0),
  log1p: Math.log1p,
  expm1: Math.expm1,
  erf,
};

/**
 * The error function, to float64's precision: erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)),
 * a series of positive terms (no cancellation); |x| ≥ 6 gives ±1, which erf is to within 2e-17.
 */
function erf(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  const x2 = a * a;
  let term = a, sum = a;
  for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  const r = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}

export function unaryInto(op: UnaryOp, x: DataArray, out: DataArray): void {
  const n = x.length;
  if (op === 'relu') {
    for (let i = 0; i < n; i++) out[i] = Math.max(x[i], 0); // branch-free; keeps NaN, maps -0 to 0
    return;
  }
  const f = UNARY[op];
  for (let i = 0; i < n; i++) out[i] = f(x[i]);
}

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  atan2: Math.atan2,
  hypot: Math.hypot,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  reluGrad: (g, x) => g * +!(x <= 0), // as the same-shape loop below: NaN inputs pass the gradient
};

/** Strides of `shape` seen from a broadcast `outShape`: 0 along broadcast (size-1 or missing) dims. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const s = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : s[i - off]));
}

/** out = a ∘ b with broadcasting; `out` may be `a` (in place) when a has the output's shape. */
export function binaryInto(op: BinaryOp, a: DataArray, aShape: readonly number[], b: DataArray, bShape: readonly number[],
  out: DataArray, outShape: readonly number[]): void {
  const n = numel(outShape);
  const f = BINARY[op];
  if (a.length === n && b.length === n) {
    // Same shape: the common case (gradient accumulation, optimizers) gets tight loops.
    if (op === 'add') { for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; return; }
    if (op === 'mul') { for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; return; }
    if (op === 'sub') { for (let i = 0; i < n; i++) out[i] = a[i] - b[i]; return; }
    if (op === 'reluGrad') {
      // Multiplying by the 0/1 mask instead of branching: ReLU inputs have random signs, and a
      // mispredicted branch per element made this 5× slower. (An infinite gradient times 0 gives NaN.)
      for (let i = 0; i < n; i++) out[i] = a[i] * +!(b[i] <= 0);
      return;
    }
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return;
  }
  if (b.length === 1 && a.length === n) {
    const bv = b[0];
    if (op === 'mul') { for (let i = 0; i < n; i++) out[i] = a[i] * bv; return; }
    if (op === 'add') { for (let i = 0; i < n; i++) out[i] = a[i] + bv; return; }
    for (let i = 0; i < n; i++) out[i] = f(a[i], bv);
    return;
  }
  const nd = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = nd ? outShape[nd - 1] : 1;
  const ia = nd ? sa[nd - 1] : 0, ib = nd ? sb[nd - 1] : 0;
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  let offA = 0, offB = 0;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0, pa = offA, pb = offB; j < inner; j++, pa += ia, pb += ib) out[o + j] = f(a[pa], b[pb]);
    // Advance the odometer over the outer dims.
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      offA += sa[d]; offB += sb[d];
      if (idx[d] < outShape[d]) break;
      offA -= sa[d] * outShape[d]; offB -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/** Gathers `x` laid out with the given (possibly zero or negative) strides, from element `start` on, into a
 *  contiguous `out` of `outShape`. */
function gatherInto(x: DataArray, strides: readonly number[], outShape: readonly number[], out: DataArray, start = 0): void {
  const n = numel(outShape);
  const nd = outShape.length;
  if (nd === 0) { out[0] = x[start]; return; }
  if (n === 0) return;
  const inner = outShape[nd - 1], si = strides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let off = start;
  for (let o = 0; o < n; o += inner) {
    if (si === 1) out.set(x.subarray(off, off + inner), o);
    else for (let j = 0, p = off; j < inner; j++, p += si) out[o + j] = x[p];
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < outShape[d]) break;
      off -= strides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

export function expandInto(x: DataArray, shape: readonly number[], outShape: readonly number[], out: DataArray): void {
  gatherInto(x, broadcastStrides(shape, outShape), outShape, out);
}

export function permuteInto(x: DataArray, shape: readonly number[], perm: readonly number[], out: DataArray): void {
  const s = stridesOf(shape);
  gatherInto(x, perm.map((p) => s[p]), perm.map((p) => shape[p]), out);
}

export function whereInto(cond: DataArray, a: DataArray, b: DataArray, out: DataArray): void {
  for (let i = 0; i < out.length; i++) out[i] = cond[i] ? a[i] : b[i];
}

/** Converts between dtypes; into int32 by truncation toward zero (NaN → 0, as a typed array stores it). */
export function castInto(x: ArrayLike<number>, out: DataArray): void {
  if (out instanceof Int32Array && !(x instanceof Int32Array)) {
    for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
  } else {
    out.set(x);
  }
}

export function catInto(xs: readonly DataArray[], outer: number, rows: readonly number[], out: DataArray): void {
  const rowOut = rows.reduce((a, b) => a + b, 0);
  let offset = 0;
  xs.forEach((src, k) => {
    const row = rows[k];
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * row, (o + 1) * row), o * rowOut + offset);
    offset += row;
  });
}

/** A flip is a gather that walks the flipped axes backwards: negated strides, from their last element. */
export function flipInto(x: DataArray, shape: readonly number[], axes: readonly number[], out: DataArray): void {
  const flipped = new Set(axes), strides = stridesOf(shape);
  let start = 0;
  for (const d of flipped) start += (shape[d] - 1) * strides[d];
  gatherInto(x, strides.map((st, d) => (flipped.has(d) ? -st : st)), shape, out, start);
}

export function indexSelectInto(x: DataArray, outer: number, n: number, inner: number, index: DataArray, out: DataArray): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + index[j]) * inner, dst = (o * m + j) * inner;
      if (inner === 1) out[dst] = x[src];
      else out.set(x.subarray(src, src + inner), dst);
    }
  }
}

export function indexSelectGradInto(g: DataArray, outer: number, n: number, inner: number, index: DataArray, out: DataArray): void {
  out.fill(0);
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * m + j) * inner, dst = (o * n + index[j]) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += g[src + i];
    }
  }
}

export function oneHotInto(indices: DataArray, numClasses: number, out: DataArray): void {
  out.fill(0);
  for (let i = 0; i < indices.length; i++) out[i * numClasses + indices[i]] = 1;
}

export function bincountInto(x: DataArray, out: DataArray): void {
  out.fill(0);
  for (let i = 0; i < x.length; i++) out[x[i]]++;
}
