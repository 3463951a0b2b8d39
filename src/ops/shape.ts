// ops/shape.ts — reshaping, reordering, slicing and joining.
// Tensors are always contiguous: reshape/view/flatten/squeeze/unsqueeze share storage (O(1)); permute,
// transpose, expand, narrow, cat and flip copy. Slicing is cropping, i.e. F.pad with negative
// amounts, so it reuses pad's kernel and its adjoint.

import { backend, type PadAttrs } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor, markViewCopy } from '../tensor/tensor.js';
import { checkDType, promoteTypes, type DType } from '../tensor/dtype.js';
import { scoped } from '../tensor/lifetime.js';
import { broadcastShapes, normAxis, numel, sameShape, shapeStr } from '../tensor/shape.js';
import { axisLayout, bindInput, checkAllocation, cast, intList, requireTensor, wrap } from './util.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';

/** Sizes or dims as varargs or one list: `reshape(x, 2, 3)` ≡ `reshape(x, [2, 3])`. */
export type IntList = number[] | [readonly number[]];
import { sumTo } from './reduce.js';

function view(x: Tensor, shape: readonly number[], name: string): Tensor {
  const out = new Tensor(x.storage, shape);
  return record(name, out, [x], (g) => [reshape(g, x.shape)]);
}

/**
 * Tiles the tensor: `repeats[i]` copies along dimension i (given as varargs or one list; with more
 * repeats than dimensions, the tensor is first viewed with leading 1s). Composed of a reshape, an
 * expand and a reshape, so its gradient sums the copies. PyTorch: `Tensor.repeat`.
 * @example
 * ```ts
 * repeat(tensor([1, 2]), 2, 2);  // tensor([[1., 2., 1., 2.], [1., 2., 1., 2.]])
 * ```
 */
export function repeat(x: Tensor, ...repeats: IntList): Tensor {
  requireTensor('repeat', 'input', x);
  const reps = intList('repeat', 'repeats', repeats, 'repeats');
  if (reps.length < x.ndim) {
    throw new Error(`repeat: the number of repeats (${reps.length}) can not be smaller than the number of dimensions of the tensor (${x.ndim}, shape ${shapeStr(x.shape)})`);
  }
  reps.forEach((r, i) => { if (r < 0) throw new Error(`repeat: repeats must be non-negative, got ${r} for dimension ${i}`); });
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  const tiled = expand(reshape(x, shape.flatMap((d) => [1, d])), shape.flatMap((d, i) => [reps[i], d]));
  return reshape(tiled, shape.map((d, i) => d * reps[i]));
}

/**
 * The same values in a new shape, sharing the data; one size may be −1 and is inferred.
 * PyTorch: `torch.reshape`.
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]).shape;  // [2, 3]
 * reshape(arange(6), 2, -1).shape;    // the same
 * ```
 */
export function reshape(x: Tensor, ...sizes: IntList): Tensor {
  requireTensor('reshape', 'input', x);
  const shape = intList('reshape', 'the sizes', sizes, 'shape');
  const n = x.numel();
  const infer = shape.filter((d) => d === -1).length;
  if (infer > 1) throw new Error(`reshape: only one dimension can be -1, got ${shapeStr(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < -1) throw new Error(`reshape: invalid size ${d} in ${shapeStr(shape)}`);
  }
  let resolved = [...shape];
  if (infer) {
    const known = numel(shape.filter((d) => d !== -1));
    if (known === 0 || n % known !== 0) {
      throw new Error(`reshape: shape ${shapeStr(shape)} is invalid for input of size ${n} (shape ${shapeStr(x.shape)})`);
    }
    resolved = shape.map((d) => (d === -1 ? n / known : d));
  }
  if (numel(resolved) !== n) {
    throw new Error(`reshape: shape ${shapeStr(shape)} is invalid for input of size ${n} (shape ${shapeStr(x.shape)})`);
  }
  if (sameShape(resolved, x.shape)) return x;
  return view(x, resolved, 'reshape');
}

/**
 * Merges dimensions `startDim` … `endDim` (default: all) into one, sharing the data. PyTorch: `torch.flatten`.
 * @example
 * ```ts
 * flatten(zeros([8, 3, 4, 4]), 1).shape;  // [8, 48]
 * ```
 */
export function flatten(x: Tensor, ...args: PyArgs<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>): Tensor {
  const a = bindInput('flatten', x, args, [{ name: 'startDim', kind: 'int' }, { name: 'endDim', kind: 'int' }]);
  const startDim = (a.startDim as number | undefined) ?? 0, endDim = (a.endDim as number | undefined) ?? -1;
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normAxis('flatten', startDim, x.ndim, 'startDim');
  const e = normAxis('flatten', endDim, x.ndim, 'endDim');
  if (s > e) throw new Error(`flatten: startDim (${startDim}) must not come after endDim (${endDim})`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/**
 * Removes dimensions of size 1: all of them, or those listed in `dim` that have size 1. PyTorch: `torch.squeeze`.
 * @example
 * ```ts
 * squeeze(zeros([1, 3, 1])).shape;     // [3]
 * squeeze(zeros([1, 3, 1]), 0).shape;  // [3, 1]
 * ```
 */
export function squeeze(x: Tensor, ...args: PyArgs<[dim: number | number[] | undefined], { dim?: number | number[] }>): Tensor {
  const dim = bindInput('squeeze', x, args, [{ name: 'dim', kind: 'size' }]).dim as number | number[] | undefined;
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const axes = (Array.isArray(dim) ? dim : [dim]).map((d) => normAxis('squeeze', d, x.ndim));
  return reshape(x, x.shape.filter((d, i) => !(axes.includes(i) && d === 1)));
}

/**
 * Inserts a dimension of size 1 at `dim` (negative counts from the end of the new shape). PyTorch: `torch.unsqueeze`.
 * @example
 * ```ts
 * unsqueeze(zeros([3, 4]), 0).shape;   // [1, 3, 4]
 * unsqueeze(zeros([3, 4]), -1).shape;  // [3, 4, 1]
 * ```
 */
export function unsqueeze(x: Tensor, ...args: PyArgs<[dim: number], { dim?: number }> & [unknown, ...unknown[]]): Tensor {
  const dim = bindInput('unsqueeze', x, args, [{ name: 'dim', kind: 'int', required: true }]).dim as number;
  const a = normAxis('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/**
 * Reorders the dimensions (a copy: convnet's tensors are always contiguous). PyTorch: `torch.permute`.
 * @example
 * ```ts
 * permute(zeros([8, 28, 28, 3]), [0, 3, 1, 2]).shape;  // NHWC → NCHW: [8, 3, 28, 28]
 * permute(zeros([8, 28, 28, 3]), 0, 3, 1, 2).shape;    // the same
 * ```
 */
export function permute(x: Tensor, ...dimList: IntList): Tensor {
  requireTensor('permute', 'input', x);
  const dims = intList('permute', 'dims', dimList, 'dims');
  if (dims.length !== x.ndim) {
    throw new Error(`permute: dims ${shapeStr(dims)} has ${dims.length} entries but the input has ${x.ndim} dimensions`);
  }
  const perm = dims.map((d) => normAxis('permute', d, x.ndim));
  if (new Set(perm).size !== perm.length) throw new Error(`permute: dims ${shapeStr(dims)} repeats a dimension`);
  if (perm.every((p, i) => p === i)) return x;
  const out = wrap(backend().permute(x.storage, x.shape, perm), perm.map((p) => x.shape[p]));
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  return record('permute', markViewCopy(out, 'permute (transpose, t, movedim)'), [x], (g) => [permute(g, inverse)]);
}

/**
 * Swaps two dimensions (a copy). PyTorch: `torch.transpose`.
 * @example
 * ```ts
 * transpose(zeros([2, 3]), 0, 1).shape;  // [3, 2]
 * ```
 */
export function transpose(x: Tensor, ...args: PyArgs<[dim0: number, dim1: number], { dim0?: number; dim1?: number }> & [unknown, ...unknown[]]): Tensor {
  const b0 = bindInput('transpose', x, args, [{ name: 'dim0', kind: 'int', required: true }, { name: 'dim1', kind: 'int', required: true }]);
  const dim0 = b0.dim0 as number, dim1 = b0.dim1 as number;
  const a = normAxis('transpose', dim0, x.ndim, 'dim0'), b = normAxis('transpose', dim1, x.ndim, 'dim1');
  const perm = x.shape.map((_, i) => i);
  perm[a] = b; perm[b] = a;
  return permute(x, perm);
}

/** Transpose of a matrix (2-D), or the tensor itself when it has fewer than 2 dims, as torch.t. */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new Error(`t: expects a tensor with at most 2 dimensions, got shape ${shapeStr(x.shape)}`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/**
 * Broadcasts to a larger `shape` (−1 keeps a size); the result is materialised, not a view.
 * PyTorch: `Tensor.expand`.
 * @example
 * ```ts
 * expand(tensor([[1], [2]]), [2, 3]);  // tensor([[1., 1., 1.], [2., 2., 2.]])
 * ```
 */
export function expand(x: Tensor, ...sizes: IntList): Tensor {
  requireTensor('expand', 'input', x);
  const shape = intList('expand', 'the sizes', sizes, 'size');
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new Error(`expand: target ${shapeStr(shape)} has fewer dimensions than the input ${shapeStr(x.shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  const got = broadcastShapes('expand', x.shape, target);
  if (!sameShape(got, target)) {
    throw new Error(`expand: the input of shape ${shapeStr(x.shape)} cannot be expanded to ${shapeStr(shape)}`);
  }
  if (sameShape(x.shape, target)) return x;
  checkAllocation('expand', target, x.dtype);
  const out = wrap(backend().expand(x.storage, x.shape, target), target);
  return record('expand', markViewCopy(out, 'expand'), [x], (g) => [sumTo(g, x.shape)]);
}

/** Always contiguous already; kept for PyTorch code that calls it. */
export function contiguous(x: Tensor): Tensor {
  return x;
}

/**
 * A copy with its own data; gradients flow back to the original. PyTorch: `torch.clone`.
 * @example
 * ```ts
 * const snapshot = clone(w);
 * ```
 */
export function clone(x: Tensor, ...args: PyArgs<[], Record<string, never>>): Tensor {
  bindInput('clone', x, args, []);
  const out = wrap(backend().cast(x.storage, x.dtype), x.shape);
  return record('clone', out, [x], (g) => [g]);
}

function cropAttrs(x: Tensor, axis: number, start: number, length: number): PadAttrs {
  const tail = x.shape.slice(axis);
  const before = tail.map((_, i) => (i === 0 ? -start : 0));
  const after = tail.map((d, i) => (i === 0 ? -(d - start - length) : 0));
  const outShape = x.shape.map((d, i) => (i === axis ? length : d));
  return { shape: x.shape, outShape, before, after, mode: 'constant', value: 0 };
}

/**
 * Elements `start` … `start + length − 1` along `dim`. PyTorch: `torch.narrow`.
 * @example
 * ```ts
 * narrow(arange(10), 0, 2, 3);  // tensor([2., 3., 4.])
 * ```
 */
export function narrow(x: Tensor, ...args: PyArgs<[dim: number, start: number, length: number], { dim?: number; start?: number; length?: number }> & [unknown, ...unknown[]]): Tensor {
  const b = bindInput('narrow', x, args, [{ name: 'dim', kind: 'int', required: true }, { name: 'start', kind: 'int', required: true }, { name: 'length', kind: 'int', required: true }]);
  const dim = b.dim as number, start = b.start as number, length = b.length as number;
  const axis = normAxis('narrow', dim, x.ndim);
  const size = x.shape[axis];
  if (!Number.isInteger(start) || start < -size || start > size) {
    throw new Error(`narrow: start ${start} is out of range for dimension ${dim} of size ${size}`);
  }
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || s + length > size) {
    throw new Error(`narrow: start (${s}) + length (${length}) exceeds dimension ${dim} of size ${size}`);
  }
  if (s === 0 && length === size) return x;
  const a = cropAttrs(x, axis, s, length);
  const out = wrap(backend().pad(x.storage, a), a.outShape);
  const inverse: PadAttrs = { shape: a.outShape, outShape: a.shape, before: a.before.map((v) => -v), after: a.after.map((v) => -v), mode: 'constant', value: 0 };
  return record('narrow', markViewCopy(out, 'narrow (select, slicing, split, chunk, unbind)'), [x], (g) => [wrap(backend().pad(g.storage, inverse), x.shape)]);
}

/**
 * Python-style slice along one dimension, `x[start:end]`: negative indices count from the end and are
 * clamped; step 1. PyTorch: basic indexing, `x[..., start:end]`.
 * @example
 * ```ts
 * slice(arange(10), 0, -3);     // tensor([7., 8., 9.])
 * slice(img, -1, 2, 30);        // crop columns 2 … 29
 * ```
 */
export function slice(x: Tensor, ...args: PyArgs<[dim: number, start: number | undefined, end: number | undefined], { dim?: number; start?: number; end?: number }> & [unknown, ...unknown[]]): Tensor {
  const b = bindInput('slice', x, args, [{ name: 'dim', kind: 'int', required: true }, { name: 'start', kind: 'int' }, { name: 'end', kind: 'int' }]);
  const dim = b.dim as number, start = (b.start as number | undefined) ?? 0, end = b.end as number | undefined;
  const axis = normAxis('slice', dim, x.ndim);
  const size = x.shape[axis];
  const norm = (v: number) => Math.min(size, Math.max(0, v < 0 ? v + size : v));
  const s = norm(start), e = end === undefined ? size : norm(end);
  return narrow(x, axis, s, Math.max(0, e - s));
}

/**
 * The sub-tensor at `index` along `dim`, with that dimension removed (negative index counts from the end).
 * PyTorch: `torch.select`.
 * @example
 * ```ts
 * select(zeros([8, 3, 4]), 1, 0).shape;  // [8, 4]
 * ```
 */
export function select(x: Tensor, ...args: PyArgs<[dim: number, index: number], { dim?: number; index?: number }> & [unknown, ...unknown[]]): Tensor {
  const b = bindInput('select', x, args, [{ name: 'dim', kind: 'int', required: true }, { name: 'index', kind: 'int', required: true }]);
  const dim = b.dim as number, index = b.index as number;
  const axis = normAxis('select', dim, x.ndim);
  const size = x.shape[axis];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new Error(`select: index ${index} is out of range for dimension ${dim} of size ${size}`);
  }
  return squeeze(narrow(x, axis, index < 0 ? index + size : index, 1), axis);
}

/** cat/stack's dim (default 0), by position or by name. */
function joinDim(op: string, tensors: unknown, args: readonly unknown[]): number {
  return (bindArgs(op, [tensors, ...args], { positional: [{ name: 'tensors', required: true }, { name: 'dim', kind: 'int' }] }).dim as number | undefined) ?? 0;
}

function isList(v: unknown): boolean {
  return Array.isArray(v);
}

/**
 * Joins tensors along an existing dimension; all other sizes must match (dtypes are promoted).
 * PyTorch: `torch.cat`.
 * @example
 * ```ts
 * cat([zeros([2, 3]), ones([1, 3])]).shape;     // [3, 3]
 * cat([zeros([2, 3]), ones([2, 1])], 1).shape;  // [2, 4]
 * ```
 */
export const cat = scoped(function cat(tensors: readonly Tensor[], ...args: PyArgs<[dim: number], { dim?: number }>): Tensor {
  const dim = joinDim('cat', tensors, args);
  if (!isList(tensors) || tensors.length === 0) throw new Error('cat: expected a non-empty list of tensors');
  tensors.forEach((t, i) => requireTensor('cat', `tensors[${i}]`, t));
  const first = tensors[0];
  const axis = normAxis('cat', dim, first.ndim);
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d, j) => j !== axis && d !== first.shape[j])) {
      throw new Error(`cat: tensors[${i}] has shape ${shapeStr(t.shape)} but tensors[0] has ${shapeStr(first.shape)}; ` +
        `all sizes must match except along dimension ${dim}`);
    }
  });
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const outShape = [...first.shape];
  outShape[axis] = tensors.reduce((s, t) => s + t.shape[axis], 0);
  const outer = numel(first.shape.slice(0, axis)), inner = numel(first.shape.slice(axis + 1));
  const parts = tensors.map((t) => cast(t, dtype).storage);
  const result = wrap(backend().cat(parts, outer, tensors.map((t) => t.shape[axis] * inner)), outShape);
  return record('cat', result, tensors, (g) => {
    let start = 0;
    return tensors.map((t) => {
      const piece = narrow(g, axis, start, t.shape[axis]);
      start += t.shape[axis];
      return piece;
    });
  });
});

/**
 * Joins tensors of the same shape along a new dimension `dim`. PyTorch: `torch.stack`.
 * @example
 * ```ts
 * stack([zeros([3]), ones([3])]).shape;     // [2, 3]
 * stack([zeros([3]), ones([3])], 1).shape;  // [3, 2]
 * ```
 */
export const stack = scoped(function stack(tensors: readonly Tensor[], ...args: PyArgs<[dim: number], { dim?: number }>): Tensor {
  const dim = joinDim('stack', tensors, args);
  if (!isList(tensors) || tensors.length === 0) throw new Error('stack: expected a non-empty list of tensors');
  tensors.forEach((t, i) => {
    requireTensor('stack', `tensors[${i}]`, t);
    if (!sameShape(t.shape, tensors[0].shape)) {
      throw new Error(`stack: tensors[${i}] has shape ${shapeStr(t.shape)} but tensors[0] has ${shapeStr(tensors[0].shape)}; all must match`);
    }
  });
  const axis = normAxis('stack', dim, tensors[0].ndim + 1);
  return cat(tensors.map((t) => unsqueeze(t, axis)), axis);
});

/**
 * Cuts into pieces of `size` along `dim` (the last may be smaller), or into the listed sizes.
 * PyTorch: `torch.split`.
 * @example
 * ```ts
 * split(arange(5), 2).map((t) => t.shape);       // [[2], [2], [1]]
 * split(arange(5), [1, 4]).map((t) => t.shape);  // [[1], [4]]
 * ```
 */
export function split(x: Tensor, ...args: PyArgs<[splitSizeOrSections: number | number[], dim: number], { splitSizeOrSections?: number | number[]; dim?: number }> & [unknown, ...unknown[]]): Tensor[] {
  return splitAs('splitSizeOrSections', x, args);
}

/**
 * {@link split} with its first parameter named `name`: torch.split's `splitSizeOrSections`, or
 * Tensor.split's `splitSize` (PyTorch names the method's differently).
 * @example
 * ```ts
 * splitAs('splitSize', arange(5), [{ splitSize: 2 }]);  // as arange(5).split({ splitSize: 2 })
 * ```
 */
export function splitAs(name: 'splitSizeOrSections' | 'splitSize', x: Tensor, args: readonly unknown[]): Tensor[] {
  const b = bindInput('split', x, args, [{ name, kind: 'size', required: true }, { name: 'dim', kind: 'int' }]);
  const size = b[name] as number | number[], dim = (b.dim as number | undefined) ?? 0;
  const axis = normAxis('split', dim, x.ndim);
  const total = x.shape[axis];
  let sizes: number[];
  if (Array.isArray(size)) {
    if (size.reduce((a, b) => a + b, 0) !== total) {
      throw new Error(`split: sizes ${shapeStr(size)} do not add up to ${total}, the size of dimension ${dim}`);
    }
    sizes = size;
  } else {
    if (!Number.isInteger(size) || size <= 0) throw new Error(`split: size must be a positive integer, got ${size}`);
    sizes = [];
    for (let s = 0; s < total; s += size) sizes.push(Math.min(size, total - s));
  }
  let start = 0;
  return sizes.map((len) => { const p = narrow(x, axis, start, len); start += len; return p; });
}

/**
 * Cuts into `chunks` pieces of equal size along `dim` (the last may be smaller, and there may be fewer).
 * PyTorch: `torch.chunk`.
 * @example
 * ```ts
 * const [a, b] = chunk(zeros([4, 6]), 2, 1);  // two [4, 3]
 * ```
 */
export function chunk(x: Tensor, ...args: PyArgs<[chunks: number, dim: number], { chunks?: number; dim?: number }> & [unknown, ...unknown[]]): Tensor[] {
  const b = bindInput('chunk', x, args, [{ name: 'chunks', kind: 'int', required: true }, { name: 'dim', kind: 'int' }]);
  const chunks = b.chunks as number, dim = (b.dim as number | undefined) ?? 0;
  const axis = normAxis('chunk', dim, x.ndim);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  return split(x, Math.max(1, Math.ceil(x.shape[axis] / chunks)), axis);
}

/**
 * Reverses the order of elements along the given dimensions. PyTorch: `torch.flip`.
 * @example
 * ```ts
 * flip(tensor([[1, 2], [3, 4]]), 1);  // tensor([[2., 1.], [4., 3.]])
 * flip(x, [0, 1]);  flip(x, 0, 1);     // both dims, either way
 * ```
 */
export function flip(x: Tensor, ...dimList: IntList): Tensor {
  requireTensor('flip', 'input', x);
  const axes = intList('flip', 'dims', dimList, 'dims').map((d) => normAxis('flip', d, x.ndim));
  const twice = axes.find((a, i) => axes.indexOf(a) !== i);
  if (twice !== undefined) throw new Error(`flip: dim ${twice} appears more than once in dims [${axes.join(', ')}] (as in PyTorch, a dim flips once)`);
  const result = wrap(backend().flip(x.storage, x.shape, axes), x.shape);
  return record('flip', result, [x], (g) => [flip(g, axes)]);
}

/**
 * Shifts elements along each of `dims` by the matching shift, wrapping around: what falls off one end
 * comes back at the other (negative shifts go the other way). Without `dims`, the flattened tensor is
 * rolled and the shape restored. PyTorch: `torch.roll`.
 * @example
 * ```ts
 * roll(tensor([1, 2, 3, 4]), 1);          // tensor([4., 1., 2., 3.])
 * roll(img, [2, -1], [-2, -1]);           // 2 rows down, 1 column left
 * ```
 */
export const roll = scoped(function roll(x: Tensor, ...args: PyArgs<[shifts: number | readonly number[], dims: number | readonly number[] | null | undefined],
  { shifts?: number | readonly number[]; dims?: number | readonly number[] | null }> & [unknown, ...unknown[]]): Tensor {
  const b = bindInput('roll', x, args, [{ name: 'shifts', required: true }, { name: 'dims' }]);
  const shifts = b.shifts as number | readonly number[], dims = b.dims as number | readonly number[] | null | undefined;
  const shiftList = typeof shifts === 'number' ? [shifts] : Array.isArray(shifts) ? [...shifts] : [];
  if (shiftList.length === 0 || shiftList.some((v) => !Number.isInteger(v))) {
    throw new Error(`roll: shifts must be an integer or a non-empty list of integers, got ${JSON.stringify(shifts)}`);
  }
  if (dims === undefined || dims === null) {
    if (shiftList.length !== 1) {
      throw new Error(`roll: without dims the flattened tensor is rolled, so shifts must be one integer, got ${JSON.stringify(shifts)}`);
    }
    return reshape(roll(flatten(x), shiftList[0], 0), x.shape);
  }
  const dimList = typeof dims === 'number' ? [dims] : [...dims];
  if (dimList.length !== shiftList.length) {
    throw new Error(`roll: shifts and dims must have the same length, got ${JSON.stringify(shifts)} and ${JSON.stringify(dims)}`);
  }
  let out = x;
  dimList.forEach((d, i) => {
    const axis = normAxis('roll', d, x.ndim);
    const L = x.ndim === 0 ? 1 : x.shape[axis];
    const k = L === 0 ? 0 : ((shiftList[i] % L) + L) % L;
    // The last k elements come first.
    if (k !== 0) out = cat([narrow(out, axis, L - k, k), narrow(out, axis, 0, L - k)], axis);
  });
  return out;
});

/**
 * The entries at `index` (a 1-D tensor of integers) along `dim`; differentiable with respect to `x`
 * (an entry picked twice gets both gradients). PyTorch: `torch.index_select`.
 * @example
 * ```ts
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, tensor([2, 0], { dtype: 'int32' }));
 * // tensor([[5., 6.], [1., 2.]])
 * ```
 */
export const indexSelect = scoped(function indexSelect(x: Tensor, ...args: PyArgs<[dim: number, index: Tensor], { dim?: number; index?: Tensor }> & [unknown, ...unknown[]]): Tensor {
  const b = bindInput('indexSelect', x, args, [{ name: 'dim', kind: 'int', required: true }, { name: 'index', kind: 'tensor', required: true }]);
  const dim = b.dim as number, index = b.index as Tensor;
  const axis = normAxis('indexSelect', dim, Math.max(x.ndim, 1));
  if (index.ndim > 1) throw new Error(`indexSelect: index must be 0-D or 1-D, got shape ${shapeStr(index.shape)}`);
  const l = axisLayout(x.shape, axis);
  const bk = backend();
  const bad = bk.findInvalidClass(index.storage, l.n, NaN);
  if (bad) {
    throw new Error(`indexSelect: index ${bad.value} (at position ${bad.index}) is out of range for dimension ${dim} of size ${l.n}`);
  }
  const idx = cast(index, 'int32');
  const outShape = x.ndim === 0 ? [index.numel()] : x.shape.map((d, i) => (i === axis ? index.numel() : d));
  const out = wrap(bk.indexSelect(x.storage, l, idx.storage), outShape);
  const keep = idx === index ? index.detach() : idx;
  return record('indexSelect', out, [x], (g) => [wrap(backend().indexSelectGrad(g.storage, l, keep.storage), x.shape)], [keep]);
});

/** Converts to another dtype; differentiable between float types (the gradient is cast back). */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  requireTensor('to', 'input', x);
  checkDType('to', dtype);
  if (x.dtype === dtype) return x;
  const out = cast(x, dtype);
  return record('to', out, [x], (g) => [cast(g, x.dtype)]);
}
