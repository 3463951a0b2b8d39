// backend/ref/elementwise.ts — unary and broadcasting binary maps, where, expand and permute.

import type { BinaryOp, DataArray, FloatArray, UnaryOp } from '../backend.js';
import { allocLike } from '../backend.js';
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
};

export function unary(op: UnaryOp, x: FloatArray): FloatArray {
  const f = UNARY[op];
  const out = allocLike(x, x.length) as FloatArray;
  if (op === 'relu') {
    for (let i = 0; i < x.length; i++) out[i] = Math.max(x[i], 0); // branch-free; keeps NaN, maps -0 to 0
    return out;
  }
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  reluGrad: (g, x) => g * +!(x <= 0), // as the same-shape loop below: NaN inputs pass the gradient
};

/** Strides of `shape` seen from a broadcast `outShape`: 0 along broadcast (size-1 or missing) dims. */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const s = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : s[i - off]));
}

export function binary(op: BinaryOp, a: DataArray, aShape: number[], b: DataArray, bShape: number[], outShape: number[]): DataArray {
  const n = numel(outShape);
  const out = allocLike(a, n);
  const f = BINARY[op];
  if (a.length === n && b.length === n) {
    // Same shape: the common case (gradient accumulation, optimizers) gets tight loops.
    if (op === 'add') { for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; return out; }
    if (op === 'mul') { for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; return out; }
    if (op === 'sub') { for (let i = 0; i < n; i++) out[i] = a[i] - b[i]; return out; }
    if (op === 'reluGrad') {
      // Multiplying by the 0/1 mask instead of branching: ReLU inputs have random signs, and a
      // mispredicted branch per element made this 5× slower. (An infinite gradient times 0 gives NaN.)
      for (let i = 0; i < n; i++) out[i] = a[i] * +!(b[i] <= 0);
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return out;
  }
  if (b.length === 1) {
    const bv = b[0];
    if (op === 'mul') { for (let i = 0; i < n; i++) out[i] = a[i] * bv; return out; }
    if (op === 'add') { for (let i = 0; i < n; i++) out[i] = a[i] + bv; return out; }
    if (a.length === n) { for (let i = 0; i < n; i++) out[i] = f(a[i], bv); return out; }
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
  return out;
}

/** Gathers `x` laid out with the given (possibly zero) strides into a contiguous array of `outShape`. */
export function gather(x: DataArray, strides: number[], outShape: number[]): DataArray {
  const n = numel(outShape);
  const out = allocLike(x, n);
  const nd = outShape.length;
  if (nd === 0) { out[0] = x[0]; return out; }
  const inner = outShape[nd - 1], si = strides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
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
  return out;
}

export function expand(x: DataArray, shape: number[], outShape: number[]): DataArray {
  return gather(x, broadcastStrides(shape, outShape), outShape);
}

export function permute(x: DataArray, shape: number[], perm: number[]): DataArray {
  const s = stridesOf(shape);
  return gather(x, perm.map((p) => s[p]), perm.map((p) => shape[p]));
}

export function where(cond: DataArray, a: DataArray, b: DataArray): DataArray {
  const out = allocLike(a, a.length);
  for (let i = 0; i < a.length; i++) out[i] = cond[i] ? a[i] : b[i];
  return out;
}
