// ops/reduce.ts — reductions over any set of dims, with keepdim: sum, mean, amax/amin, max/min (with
// indices along one dim), argmax/argmin, var/std, logSumExp, prod; and sumTo, the adjoint of broadcasting.

import { backend } from '../backend/backend.js';
import { noGrad, record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { normAxes, normAxis, numel, sameShape, shapeStr } from '../tensor/shape.js';
import { cast, requireTensor, syncValue, wrap } from './util.js';
import { expand, permute, reshape } from './shape.js';
import { add, div, eq, exp, log, maximum, minimum, mul, sub, sqrt, where } from './elementwise.js';
import { arange } from '../tensor/creation.js';
import { bindArgs, type ArgKind, type PyArgs, type Signature } from '../tensor/signature.js';

export type Dims = number | number[];

// The reductions take PyTorch's arguments: (input, dim, keepdim) by position, or any of them by name in a
// trailing options object (`x.mean(1, { keepdim: true })`); keepdim must be a boolean, dim an integer, a list
// of integers, or null (all dimensions).

/**
 * The named arguments of a reduction: `dim` (one dimension, a list, or null for all) and `keepdim` (keep
 * the reduced dimensions as size 1). PyTorch: the `dim=` and `keepdim=` keyword arguments.
 * @example
 * ```ts
 * x.sum({ dim: 1, keepdim: true });
 * x.mean(1, { keepdim: true });
 * ```
 */
export interface ReduceOptions {
  dim?: Dims | null;
  keepdim?: boolean;
}

/** The positional arguments after `input` of a reduction, as PyTorch orders them. */
export type ReduceArgs = PyArgs<[dim: Dims | null | undefined, keepdim: boolean | undefined], ReduceOptions>;

const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const DIMS: ArgKind = { test: (v) => v === null || isInt(v) || (Array.isArray(v) && v.every(isInt)), what: 'an integer, a list of integers or null' };
const DIM: ArgKind = { test: (v) => v === null || isInt(v), what: 'an integer or null' };
const INPUT = { name: 'input', kind: 'tensor', required: true } as const;
const REDUCE: Signature = { positional: [INPUT, { name: 'dim', kind: DIMS }, { name: 'keepdim', kind: 'bool' }] };
const REDUCE_ONE: Signature = { positional: [INPUT, { name: 'dim', kind: DIM }, { name: 'keepdim', kind: 'bool' }] };

/** Binds (input, dim, keepdim) of reduction `op` (input checked first, with the op's own message). */
function reduceArgs(op: string, x: Tensor, args: readonly unknown[], sig: Signature = REDUCE): [Dims | undefined, boolean] {
  requireTensor(op, 'input', x);
  if (args.length === 0) return [undefined, false];
  const a = bindArgs(op, [x, ...args], sig);
  return [(a.dim ?? undefined) as Dims | undefined, (a.keepdim as boolean | undefined) ?? false];
}

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

/**
 * Sum of all elements, or over `dim` (one dimension or a list; `keepdim` keeps them as size 1).
 * PyTorch: `torch.sum`.
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]));        // tensor(10.)
 * sum(tensor([[1, 2], [3, 4]]), 1);     // tensor([3., 7.])
 * sum(x, 1, true);  sum(x, { dim: 1, keepdim: true });  // the same
 * ```
 */
export function sum(x: Tensor, ...args: ReduceArgs): Tensor {
  const [dim, keepdim] = reduceArgs('sum', x, args);
  const axes = normAxes('sum', dim, x.ndim);
  const out = wrap(backend().reduce('sum', x.storage, x.shape, axes), finalShape(x.shape, axes, keepdim));
  return record(dim === undefined ? 'sum' : 'sum(dim)', out, [x], (g) => [expand(reshape(g, keptShape(x.shape, axes)), x.shape)]);
}

/**
 * Mean of all elements, or over `dim`. PyTorch: `torch.mean`.
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 0);    // tensor([2., 3.])
 * mean(x, [2, 3], true);                // per-channel mean of [N, C, H, W], shape [N, C, 1, 1]
 * ```
 */
export const mean = scoped(function mean(x: Tensor, ...args: ReduceArgs): Tensor {
  const [dim, keepdim] = reduceArgs('mean', x, args);
  if (x.dtype === 'int32') throw new Error('mean: input must be a floating-point tensor, got int32');
  const axes = normAxes('mean', dim, x.ndim);
  const count = axes.reduce((p, a) => p * x.shape[a], 1);
  // One node (PyTorch's MeanBackward0), not the sum and division it is computed as: each input gets g/count.
  const out = noGrad(() => div(sum(x, dim, keepdim), count));
  return record(dim === undefined ? 'mean' : 'mean(dim)', out, [x], (g) => [div(expand(reshape(g, keptShape(x.shape, axes)), x.shape), count)]);
});

function extremum(op: 'max' | 'min', name: string, x: Tensor, args: readonly unknown[]): Tensor {
  const [dim, keepdim] = reduceArgs(name, x, args);
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

/**
 * Largest value over all elements or over `dim` (values only; the gradient is shared evenly among ties).
 * PyTorch: `torch.amax`.
 * @example
 * ```ts
 * amax(tensor([[1, 5], [7, 2]]), 1);    // tensor([5., 7.])
 * ```
 */
export function amax(x: Tensor, ...args: ReduceArgs): Tensor {
  return extremum('max', 'amax', x, args);
}

/**
 * Smallest value over all elements or over `dim` (values only). PyTorch: `torch.amin`.
 * @example
 * ```ts
 * amin(tensor([[1, 5], [7, 2]]), 1);    // tensor([1., 2.])
 * ```
 */
export function amin(x: Tensor, ...args: ReduceArgs): Tensor {
  return extremum('min', 'amin', x, args);
}

/**
 * Index of the largest element, of the flattened tensor or along `dim`, as int32. PyTorch: `torch.argmax`.
 * @example
 * ```ts
 * argmax(logits, 1);  // predicted class per row
 * ```
 */
export function argmax(x: Tensor, ...args: PyArgs<[dim: number | null | undefined, keepdim: boolean | undefined], ArgReduceOptions>): Tensor {
  const [dim, keepdim] = reduceArgs('argmax', x, args, REDUCE_ONE);
  return argReduce('argmax', x, dim as number | undefined, keepdim);
}

/**
 * Index of the smallest element, of the flattened tensor or along `dim`, as int32. PyTorch: `torch.argmin`.
 * @example
 * ```ts
 * argmin(tensor([3, 1, 2])).item();  // 1
 * ```
 */
export function argmin(x: Tensor, ...args: PyArgs<[dim: number | null | undefined, keepdim: boolean | undefined], ArgReduceOptions>): Tensor {
  const [dim, keepdim] = reduceArgs('argmin', x, args, REDUCE_ONE);
  return argReduce('argmin', x, dim as number | undefined, keepdim);
}

/**
 * The named arguments of argmax, argmin, and max/min along a dimension: one `dim` and `keepdim`.
 * PyTorch: the `dim=` and `keepdim=` keyword arguments of `torch.argmax`.
 * @example
 * ```ts
 * logits.argmax({ dim: 1, keepdim: true });
 * ```
 */
export interface ArgReduceOptions {
  dim?: number | null;
  keepdim?: boolean;
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

/**
 * What `max(x, dim)` and `min(x, dim)` return, as PyTorch's `(values, indices)` pair: destructure it
 * as an array or read `.values` and `.indices`. PyTorch: `torch.return_types.max`.
 * @example
 * ```ts
 * const [values, indices] = max(x, 1);
 * const { indices: best } = max(x, 1);
 * ```
 */
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

/**
 * `max(x)`: the largest element; `max(x, dim, keepdim?)`: the largest values along `dim` with their
 * indices (a `ValuesIndices` pair). PyTorch: `torch.max`. (For the elementwise maximum of two tensors use
 * {@link maximum}.)
 * @example
 * ```ts
 * max(tensor([3, 9, 4])).item();                       // 9
 * const [values, indices] = max(tensor([[1, 5], [7, 2]]), 1);  // [5, 7], [1, 0]
 * ```
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, ...args: PyArgs<[dim: number, keepdim: boolean | undefined], ArgReduceOptions> & [unknown, ...unknown[]]): ValuesIndices;
export function max(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  return maxMin('max', x, args);
}

/** max/min's three overloads: of all elements, along a dim with indices, or elementwise with another tensor. */
function maxMin(op: 'max' | 'min', x: Tensor, args: readonly unknown[]): Tensor | ValuesIndices {
  requireTensor(op, 'input', x);
  if (args.length === 1 && args[0] instanceof Tensor) return op === 'max' ? maximum(x, args[0]) : minimum(x, args[0]);
  const [dim, keepdim] = reduceArgs(op, x, args, REDUCE_ONE);
  if (dim === undefined) {
    if (keepdim) throw new Error(`${op}: keepdim needs a dim (max over all elements gives a 0-d tensor)`);
    return op === 'max' ? amax(x) : amin(x);
  }
  return extremumAlong(op, x, dim as number, keepdim);
}

/**
 * `min(x)`: the smallest element; `min(x, dim, keepdim?)`: the smallest values along `dim` with their
 * indices (a `ValuesIndices` pair). PyTorch: `torch.min`.
 * @example
 * ```ts
 * min(tensor([3, 9, 4])).item();        // 3
 * const { values, indices } = min(x, 0);
 * ```
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, ...args: PyArgs<[dim: number, keepdim: boolean | undefined], ArgReduceOptions> & [unknown, ...unknown[]]): ValuesIndices;
export function min(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  return maxMin('min', x, args);
}

/**
 * Named arguments of `var` and `std`: `dim`, the correction subtracted from the count (or PyTorch 1.x's
 * `unbiased`), and `keepdim`. PyTorch: the `dim=`, `correction=`, `unbiased=` and `keepdim=` arguments of
 * `torch.var`.
 * @example
 * ```ts
 * x.var(0, { correction: 0, keepdim: true });
 * ```
 */
export interface VarOptions {
  dim?: Dims | null;
  /** Bessel's correction: divide by N − correction (PyTorch's default 1; 0 gives the population variance). */
  correction?: number;
  /** PyTorch 1.x's spelling: unbiased=false is correction 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

/** The arguments of var and std after `input`: PyTorch 1.x's (dim, unbiased, keepdim), or (unbiased). */
export type VarArgs = PyArgs<[dim: Dims | null | undefined, unbiased: boolean | undefined, keepdim: boolean | undefined], VarOptions> | PyArgs<[unbiased: boolean], VarOptions>;

const VAR: Signature = {
  positional: [INPUT, { name: 'dim', kind: DIMS }, { name: 'unbiased', kind: 'bool' }, { name: 'keepdim', kind: 'bool' }],
  keywordOnly: [{ name: 'correction', kind: 'number' }],
};
const VAR_UNBIASED: Signature = { positional: [INPUT, { name: 'unbiased', kind: 'bool' }], keywordOnly: [{ name: 'dim', kind: DIMS }, { name: 'correction', kind: 'number' }, { name: 'keepdim', kind: 'bool' }] };

/** Binds var/std's arguments: dims, the correction and keepdim. */
function varArgs(op: string, x: Tensor, args: readonly unknown[]): [Dims | undefined, number, boolean] {
  requireTensor(op, 'input', x);
  // torch.var(input, unbiased): a boolean right after the input is `unbiased`, as PyTorch's overload.
  const a = bindArgs(op, [x, ...args], typeof args[0] === 'boolean' ? VAR_UNBIASED : VAR);
  if (a.unbiased !== undefined && a.correction !== undefined) throw new Error(`${op}: give either unbiased or correction, not both`);
  const correction = (a.correction as number | undefined) ?? (a.unbiased === false ? 0 : 1);
  return [(a.dim ?? undefined) as Dims | undefined, correction, (a.keepdim as boolean | undefined) ?? false];
}

/**
 * Variance over all elements or over `dim`, dividing by N − correction (1 unless told otherwise; PyTorch
 * 1.x's positional `unbiased` false is correction 0). Exported as `var`. PyTorch: `torch.var`.
 * @example
 * ```ts
 * import { var as variance } from 'convnet-ts';
 * variance(tensor([1, 2, 3, 4]));                        // tensor(1.6667)
 * variance(tensor([1, 2, 3, 4]), 0, false);              // tensor(1.2500), unbiased=False
 * variance(tensor([1, 2, 3, 4]), 0, { correction: 0 });  // tensor(1.2500)
 * ```
 */
export const variance = scoped(function variance(x: Tensor, ...args: VarArgs): Tensor {
  const [dim, correction, keepdim] = varArgs('var', x, args);
  return varianceOf(x, dim, correction, keepdim);
});

function varianceOf(x: Tensor, dim: Dims | undefined, correction: number, keepdim: boolean): Tensor {
  const axes = normAxes('var', dim, x.ndim);
  const n = axes.reduce((p, a) => p * x.shape[a], 1);
  const centered = sub(x, mean(x, axes, true));
  return div(sum(mul(centered, centered), axes, keepdim), Math.max(0, n - correction));
}

/**
 * Standard deviation: the square root of the variance, with the same arguments. PyTorch: `torch.std`.
 * @example
 * ```ts
 * std(tensor([1, 2, 3, 4]), 0, false);                // tensor(1.1180)
 * std(tensor([1, 2, 3, 4]), { unbiased: false });     // the same
 * ```
 */
export const std = scoped(function std(x: Tensor, ...args: VarArgs): Tensor {
  const [dim, correction, keepdim] = varArgs('std', x, args);
  return sqrt(varianceOf(x, dim, correction, keepdim));
});

/**
 * log Σ exp(x) over `dim`, computed stably by shifting with the maximum. PyTorch: `torch.logsumexp`.
 * @example
 * ```ts
 * logSumExp(tensor([1000, 1000]), 0);  // tensor(1000.6932), no overflow
 * ```
 */
export const logSumExp = scoped(function logSumExp(x: Tensor, ...args: PyArgs<[dim: Dims, keepdim: boolean | undefined], ReduceOptions> & [unknown, ...unknown[]]): Tensor {
  requireTensor('logSumExp', 'input', x);
  const a = bindArgs('logSumExp', [x, ...args], { positional: [INPUT, { name: 'dim', kind: DIMS, required: true }, { name: 'keepdim', kind: 'bool' }] });
  const dim = a.dim as Dims, keepdim = (a.keepdim as boolean | undefined) ?? false;
  const axes = normAxes('logSumExp', dim, x.ndim);
  const m0 = amax(x.detach(), axes, true);
  const m = where(eq(m0, Infinity), 0, where(eq(m0, -Infinity), 0, m0)); // ±inf maxima must not poison x − m
  const s = log(sum(exp(sub(x, m)), axes, true));
  const r = add(s, m);
  return keepdim ? r : reshape(r, finalShape(x.shape, axes, false));
});

/**
 * Product of all elements, or over `dim`. An int32 product that leaves the int32 range is an error.
 * PyTorch: `torch.prod`.
 * @example
 * ```ts
 * prod(tensor([2, 3, 4]));  // tensor(24.)
 * ```
 */
export function prod(x: Tensor, ...args: ReduceArgs): Tensor {
  const [dim, keepdim] = reduceArgs('prod', x, args);
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

/**
 * Counts how often each value occurs in a 1-D tensor of non-negative integers: an int32 tensor of length
 * max(max(x) + 1, minlength). PyTorch: `torch.bincount`.
 * @example
 * ```ts
 * bincount(tensor([0, 2, 2, 3], { dtype: 'int32' }));  // tensor([1, 0, 2, 1], dtype=torch.int32)
 * bincount(labels, { minlength: 10 });                 // PyTorch's order: (input, weights, minlength)
 * ```
 */
export const bincount = scoped(function bincount(x: Tensor, ...args: PyArgs<[weights: null, minlength: number], { weights?: null; minlength?: number }>): Tensor {
  requireTensor('bincount', 'input', x);
  const opts = bindArgs('bincount', [x, ...args], { positional: [INPUT, 'weights', { name: 'minlength', kind: 'int' }] }) as { weights?: unknown; minlength?: number };
  if (opts.weights !== undefined && opts.weights !== null) {
    throw new Error('bincount: weights are not supported (each value counts 1); sum the weights per value with a one-hot product instead');
  }
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
