// ops/reduce.ts — reductions over any set of dims, with keepdim: sum, mean, amax/amin, max/min (with
// indices along one dim), argmax/argmin, var/std, logSumExp, prod; and sumTo, the adjoint of broadcasting.

import { backend } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { normAxes, normAxis, numel, sameShape, shapeStr } from '../tensor/shape.js';
import { cast, requireTensor, syncValue, wrap } from './util.js';
import { expand, permute, reshape } from './shape.js';
import { add, div, eq, exp, log, mul, sub, sqrt, where } from './elementwise.js';
import { arange } from '../tensor/creation.js';

export type Dims = number | number[];

function keptShape(shape: number[], axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function finalShape(shape: number[], axes: number[], keepdim: boolean): number[] {
  return keepdim ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

/** Sums a broadcast gradient back to `shape` (the adjoint of expanding `shape` to g's shape). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return reshape(sum(g, axes, true), [...shape]);
}

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  requireTensor('sum', 'input', x);
  const axes = normAxes('sum', dim, x.ndim);
  const out = wrap(backend().reduce('sum', x.storage, x.shape, axes), finalShape(x.shape, axes, keepdim));
  return record('sum', out, [x], (g) => [expand(reshape(g, keptShape(x.shape, axes)), x.shape)]);
}

export const mean = scoped(function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  requireTensor('mean', 'input', x);
  if (x.dtype === 'int32') throw new Error('mean: input must be a floating-point tensor, got int32');
  const axes = normAxes('mean', dim, x.ndim);
  const count = axes.reduce((p, a) => p * x.shape[a], 1);
  return div(sum(x, dim, keepdim), count);
});

function extremum(op: 'max' | 'min', name: string, x: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  requireTensor(name, 'input', x);
  if (x.numel() === 0) throw new Error(`${name}: cannot reduce an empty tensor of shape ${shapeStr(x.shape)}`);
  const axes = normAxes(name, dim, x.ndim);
  const out = wrap(backend().reduce(op, x.storage, x.shape, axes), finalShape(x.shape, axes, keepdim));
  // The gradient is shared evenly between tied extrema, as torch.amax/amin do.
  return record(name, out, [x], (g) => {
    const kept = keptShape(x.shape, axes);
    const mask = eq(x, reshape(out.detach(), kept));
    const share = div(mask, sum(mask, axes, true));
    return [mul(share, reshape(g, kept))];
  });
}

export function amax(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extremum('max', 'amax', x, dim, keepdim);
}

export function amin(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return extremum('min', 'amin', x, dim, keepdim);
}

export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argReduce('argmax', x, dim, keepdim);
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argReduce('argmin', x, dim, keepdim);
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  requireTensor(op, 'input', x);
  if (x.numel() === 0) throw new Error(`${op}: cannot reduce an empty tensor of shape ${shapeStr(x.shape)}`);
  if (dim === undefined) {
    const flat = backend().argReduce(op, x.storage, [x.numel()], 0);
    return wrap(flat, keepdim ? x.shape.map(() => 1) : []);
  }
  const axis = normAxis(op, dim, x.ndim);
  const idx = backend().argReduce(op, x.storage, x.shape, axis);
  return wrap(idx, finalShape(x.shape, [axis], keepdim));
}

/** What max(dim)/min(dim) return, as PyTorch's (values, indices): destructure or use the fields. */
export type ValuesIndices = Omit<[Tensor, Tensor], 'values'> & { values: Tensor; indices: Tensor };

function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices], { values, indices }) as unknown as ValuesIndices;
}

const extremumAlong = scoped(function extremumAlong(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const axis = normAxis(op, dim, x.ndim);
  const indices = argReduce(op === 'max' ? 'argmax' : 'argmin', x, axis, true);
  // Gradient goes to the selected index only (torch.max(dim) semantics), via a one-hot mask.
  const positions = reshape(arange(x.shape[axis] ?? 1), x.shape.map((d, i) => (i === axis ? d : 1)));
  const onehot = cast(eq(positions, cast(indices, 'float32')), x.dtype);
  const values = sum(mul(x, onehot), axis, keepdim);
  return valuesIndices(values, keepdim ? indices : reshape(indices, finalShape(x.shape, [axis], false)));
});

/** max() → the largest value; max(dim, keepdim) → [values, indices]; max(other) → elementwise maximum. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return amax(x);
  return extremumAlong('max', x, dim, keepdim);
}

export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return amin(x);
  return extremumAlong('min', x, dim, keepdim);
}

export interface VarOptions {
  /** Bessel's correction: divide by N − correction (PyTorch's default 1; 0 gives the population variance). */
  correction?: number;
  /** Older spelling: unbiased=false is correction 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

export const variance = scoped(function variance(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  requireTensor('var', 'input', x);
  const axes = normAxes('var', dim, x.ndim);
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  const centered = sub(x, mean(x, axes, true));
  return div(sum(mul(centered, centered), axes, opts.keepdim ?? false), Math.max(0, n - correction));
});

export const std = scoped(function std(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  return sqrt(variance(x, dim, opts));
});

/** log Σ exp(x), computed stably by shifting with the (detached) maximum. */
export const logSumExp = scoped(function logSumExp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  requireTensor('logSumExp', 'input', x);
  const axes = normAxes('logSumExp', dim, x.ndim);
  const m0 = amax(x.detach(), axes, true);
  const m = where(eq(m0, Infinity), 0, where(eq(m0, -Infinity), 0, m0)); // ±inf maxima must not poison x − m
  const s = log(sum(exp(sub(x, m)), axes, true));
  const r = add(s, m);
  return keepdim ? r : reshape(r, finalShape(x.shape, axes, false));
});

export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  requireTensor('prod', 'input', x);
  const axes = normAxes('prod', dim, x.ndim);
  const out = wrap(backend().reduce('prod', x.storage, x.shape, axes), finalShape(x.shape, axes, keepdim));
  return record('prod', out, [x], (g) => {
    // The reduced axes moved last: rows of R values, one gradient per row (exact where x has zeros).
    const keptAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...keptAxes, ...axes];
    const xp = permute(x, perm);
    const R = axes.reduce((p, a) => p * x.shape[a], 1), outer = x.numel() / Math.max(R, 1);
    const dp = wrap(backend().prodGrad(xp.storage, g.storage, outer, R), xp.shape); // g comes in x's dtype
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => { inverse[p] = i; });
    return [permute(dp, inverse)];
  });
}

/** Counts of each value of a tensor of non-negative integers (torch.bincount): int32 of length
 *  max(max(x) + 1, minlength). */
export const bincount = scoped(function bincount(x: Tensor, opts: { minlength?: number } = {}): Tensor {
  requireTensor('bincount', 'input', x);
  if (x.ndim !== 1) throw new Error(`bincount: input must be 1-D, got shape ${shapeStr(x.shape)}`);
  const minlength = opts.minlength ?? 0;
  if (!Number.isInteger(minlength) || minlength < 0) throw new Error(`bincount: minlength must be a non-negative integer, got ${minlength}`);
  const bk = backend();
  const bad = bk.findInvalidClass(x.storage, Infinity, NaN);
  if (bad) throw new Error(`bincount: values must be non-negative integers, got ${bad.value} at index ${bad.index}`);
  const length = Math.max(minlength, x.numel() ? syncValue(amax(x), `bincount: the output's length depends on the largest value, ` +
    `which the ${x.device} backend cannot read synchronously; move the input first (await x.moveTo('wasm'))`) + 1 : 0);
  return wrap(bk.bincount(cast(x, 'int32').storage, length), [length]);
});

export { numel };
