// ops/gather.ts — the gather family: gather, scatter (and scatterAdd, in-place siblings), maskedFill,
// takeAlongDim-style sorting (sort, argsort, topk) and cumsum.
//
// gather and scatter address x along one dimension with an index tensor of the same rank: their flat
// positions are index·stride(dim) + Σ (other coordinates)·stride, computed with tensor ops, and the work
// is the backend's take / put (see ops/index.ts). sort's order comes from the backend's `sort` kernel
// (the JS loop on ref and wasm, a merge sort on webgpu); its values are then a gather, so they are
// differentiable by construction. cumsum is the backend's `cumsum` kernel (a serial running sum per row, O(n)); its
// backward is the same kernel run in reverse on the gradient.

import { backend } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor, bumpVersion } from '../tensor/tensor.js';
import { arange, full } from '../tensor/creation.js';
import { internalScope, scoped } from '../tensor/lifetime.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { broadcastShapes, normAxis, sameShape, shapeStr } from '../tensor/shape.js';
import { add, mul, where } from './elementwise.js';
import { expand, narrow, reshape, toDtype } from './shape.js';
import { axisLayout, cast, lift, requireTensor, wrap, type TensorOrNumber } from './util.js';
import { checkInPlaceLeaf, takeHistory } from './inplace.js';

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
  return s;
}

/** Flat positions, in a tensor of `shape`, of index's elements read along `axis` (other coordinates
 *  their own): index·stride(axis) + Σ_d≠axis coordinate·stride(d). index is checked against size. */
function alongPositions(op: string, shape: readonly number[], axis: number, index: Tensor): Tensor {
  return internalScope(() => {
    const st = strides(shape);
    const size = shape.length ? shape[axis] : 1;
    const bad = backend().findInvalidClass(index.storage, size, NaN);
    if (bad) throw new Error(`${op}: index ${bad.value} is out of bounds for dimension ${axis} with size ${size}`);
    let flat = st.length && st[axis] !== 1 ? mul(index, st[axis]) : index.detach();
    index.shape.forEach((n, d) => {
      if (d === axis || n <= 1) return;
      const view = index.shape.map((_, i) => (i === d ? n : 1));
      flat = add(flat, reshape(mul(arange(0, n, 1, { dtype: 'int32' }), st[d]), view));
    });
    return flat;
  });
}

function checkIndex(op: string, x: Tensor, dim: number, index: Tensor, src?: Tensor): number {
  requireTensor(op, 'index', index);
  if (index.dtype !== 'int32') throw new Error(`${op}: index must be an int32 tensor, got ${index.dtype}`);
  const nd = Math.max(x.ndim, 1);
  const axis = normAxis(op, dim, nd);
  if (Math.max(index.ndim, 1) !== nd) {
    throw new Error(`${op}: index tensor must have the same number of dimensions as input tensor (${shapeStr(x.shape)}), got index of shape ${shapeStr(index.shape)}`);
  }
  for (let d = 0; d < index.ndim; d++) {
    if (d !== axis && index.shape[d] > x.shape[d]) {
      throw new Error(`${op}: size of index ${shapeStr(index.shape)} does not fit the input ${shapeStr(x.shape)} at dimension ${d} (index may be smaller, never larger, outside dim ${dim})`);
    }
    if (src && index.shape[d] > src.shape[d]) {
      throw new Error(`${op}: size of index ${shapeStr(index.shape)} does not fit src ${shapeStr(src.shape)} at dimension ${d} (index may be smaller, never larger)`);
    }
  }
  return axis;
}

/**
 * The values of `input` along `dim` at the positions `index` gives (an int32 tensor of input's rank;
 * out[i][j] = input[index[i][j]][j] for dim 0); differentiable w.r.t. input. PyTorch: `torch.gather`.
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]], { dtype: 'int32' }));  // [[1, 1], [4, 3]]
 * ```
 */
export const gather = scoped(function gather(...args: PyArgs<[input: Tensor, dim: number, index: Tensor], { input?: Tensor; dim?: number; index?: Tensor }>): Tensor {
  const a = bindArgs('gather', args, { positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'dim', kind: 'int', required: true }, { name: 'index', kind: 'tensor', required: true }] });
  const x = a.input as Tensor, index = a.index as Tensor;
  const axis = checkIndex('gather', x, a.dim as number, index);
  const flat = alongPositions('gather', x.shape, axis, index);
  const out = wrap(backend().take(x.storage, flat.storage), index.shape);
  return record('gather', out, [x], (g) => {
    const z = full([x.numel()], 0, { dtype: g.dtype });
    backend().put(z.storage, flat.storage, g.storage, true);
    return [reshape(z, x.shape)];
  }, [flat]);
});

type ScatterArgs = PyArgs<[input: Tensor, dim: number, index: Tensor, src: TensorOrNumber], { input?: Tensor; dim?: number; index?: Tensor; src?: TensorOrNumber; value?: number; reduce?: 'add' | 'sum' }>;

/** scatter's binding: value is src's other name (PyTorch's scatter(input, dim, index, value)). */
function bindScatter(op: string, args: readonly unknown[], withReduce: boolean): { x: Tensor; axis: number; index: Tensor; src: TensorOrNumber; accumulate: boolean } {
  const a = bindArgs(op, args, {
    positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'dim', kind: 'int', required: true }, { name: 'index', kind: 'tensor', required: true }, { name: 'src', kind: 'tensorOrNumber' }],
    keywordOnly: [{ name: 'value', kind: 'number' }, ...(withReduce ? [{ name: 'reduce', kind: 'string' as const }] : [])],
  });
  if (a.src !== undefined && a.value !== undefined) throw new Error(`${op}: give src or value, not both`);
  const src = (a.src ?? a.value) as TensorOrNumber | undefined;
  if (src === undefined) throw new Error(`${op}: missing required argument 'src' (or 'value')`);
  const reduce = a.reduce as string | undefined;
  if (reduce !== undefined && reduce !== 'add' && reduce !== 'sum') {
    throw new Error(`${op}: reduce must be 'add' (or 'sum'), got ${JSON.stringify(reduce)} ('multiply' is not supported)`);
  }
  const x = a.input as Tensor, index = a.index as Tensor;
  const axis = checkIndex(op, x, a.dim as number, index, src instanceof Tensor ? src : undefined);
  return { x, axis, index, src, accumulate: reduce !== undefined || op.startsWith('scatterAdd') };
}

/** The out-of-place scatter on `base` (x itself or, in place, a tensor standing for x's history). */
function scatterInto(op: string, base: Tensor, out: Tensor, axis: number, index: Tensor, src: TensorOrNumber, accumulate: boolean): Tensor {
  const bk = backend();
  const flat = alongPositions(op, base.shape, axis, index);
  const s = cast(lift(src, base), base.dtype);
  // The values written: src's elements at index's coordinates (src may be larger), or the number.
  let srcFlat: Tensor | null = null;
  let vals: Tensor;
  if (s.ndim === 0) vals = wrap(bk.expand(s.storage, [], index.shape), index.shape);
  else {
    // Each element's own coordinate along axis, so that its position in src is that of its coordinates.
    const own = expand(reshape(arange(0, index.shape[axis], 1, { dtype: 'int32' }), index.shape.map((n, i) => (i === axis ? n : 1))), index.shape);
    srcFlat = alongPositions(op, s.shape, axis, own);
    vals = wrap(bk.take(s.storage, srcFlat.storage), index.shape);
  }
  bk.put(out.storage, flat.storage, vals.storage, accumulate);
  const srcT = src instanceof Tensor ? src : null;
  return record(op, out, srcT ? [base, srcT] : [base], (g) => {
    let gx: Tensor | null = null;
    if (base.requiresGrad) {
      if (accumulate) gx = g;
      else {
        gx = wrap(backend().cast(g.storage, g.dtype), g.shape);
        backend().put(gx.storage, flat.storage, full([flat.numel()], 0, { dtype: g.dtype }).storage, false);
      }
    }
    let gs: Tensor | null = null;
    if (srcT?.requiresGrad && srcFlat) {
      const picked = wrap(backend().take(g.storage, flat.storage), index.shape);
      const z = full([srcT.numel()], 0, { dtype: g.dtype });
      backend().put(z.storage, srcFlat.storage, picked.storage, false);
      gs = reshape(z, srcT.shape);
    }
    return [gx, gs];
  }, srcFlat ? [flat, srcFlat] : [flat]);
}

/**
 * A copy of `input` with `src`'s values (or the number `value`) written along `dim` at the positions
 * `index` gives: out[index[i][j]][j] = src[i][j] for dim 0. With `{ reduce: 'add' }` they are added
 * (as {@link scatterAdd}). Differentiable w.r.t. input and src. PyTorch: `torch.scatter`.
 * @example
 * ```ts
 * scatter(zeros([2, 3]), 1, tensor([[2], [0]], { dtype: 'int32' }), tensor([[5], [7]]));  // [[0, 0, 5], [7, 0, 0]]
 * ```
 */
export const scatter = scoped(function scatter(...args: ScatterArgs): Tensor {
  const { x, axis, index, src, accumulate } = bindScatter('scatter', args, true);
  const out = wrap(backend().cast(x.storage, x.dtype), x.shape);
  return scatterInto('scatter', x, out, axis, index, src, accumulate);
});

/**
 * scatter with the values added at their positions (repeated positions add up). PyTorch: `torch.scatter_add`.
 * @example
 * ```ts
 * scatterAdd(zeros([3]), 0, tensor([0, 0, 2], { dtype: 'int32' }), tensor([1, 2, 3]));  // [3, 0, 3]
 * ```
 */
export const scatterAdd = scoped(function scatterAdd(...args: PyArgs<[input: Tensor, dim: number, index: Tensor, src: Tensor], { input?: Tensor; dim?: number; index?: Tensor; src?: Tensor }>): Tensor {
  const { x, axis, index, src } = bindScatter('scatterAdd', args, false);
  const out = wrap(backend().cast(x.storage, x.dtype), x.shape);
  return scatterInto('scatterAdd', x, out, axis, index, src, true);
});

/** The in-place scatters: x written where it is, recorded as PyTorch's in-place ops. */
function scatterInPlace(op: string, args: readonly unknown[], withReduce: boolean): Tensor {
  const { x, axis, index, src, accumulate } = bindScatter(op, args, withReduce);
  const recorded = checkInPlaceLeaf(op, x, src);
  if (!recorded) {
    internalScope(() => { scatterInto(op, x.detach(), new Tensor(x.storage, x.shape), axis, index, src, accumulate); });
    bumpVersion(x);
    return x;
  }
  takeHistory(x, false, (prev) => scatterInto(op, prev, new Tensor(x.storage, x.shape), axis, index, src, accumulate));
  return x;
}

/**
 * {@link scatter} in place: writes into `input` and returns it. PyTorch: `Tensor.scatter_`.
 * @example
 * ```ts
 * y.scatter_(1, idx, 1);  // ones at idx along dim 1
 * ```
 */
export function scatter_(...args: ScatterArgs): Tensor {
  return scatterInPlace('scatter_', args, true);
}

/**
 * {@link scatterAdd} in place: adds into `input` and returns it. PyTorch: `Tensor.scatter_add_`.
 * @example
 * ```ts
 * counts.scatterAdd_(0, labels, onesLike(labels, { dtype: 'float32' }));
 * ```
 */
export function scatterAdd_(...args: PyArgs<[input: Tensor, dim: number, index: Tensor, src: Tensor], { input?: Tensor; dim?: number; index?: Tensor; src?: Tensor }>): Tensor {
  return scatterInPlace('scatterAdd_', args, false);
}


// ------------------------------------------------------------------------------------------ maskedFill

function maskArgs(op: string, x: Tensor, mask: Tensor, value: TensorOrNumber): void {
  requireTensor(op, 'self', x);
  requireTensor(op, 'mask', mask);
  if (typeof value !== 'number') {
    requireTensor(op, 'value', value);
    if (value.ndim !== 0) throw new Error(`${op}: only supports a 0-dimensional value tensor, but got one with ${value.ndim} dimension(s)`);
  }
  const got = broadcastShapes(op, x.shape, mask.shape);
  if (!sameShape(got, x.shape)) {
    throw new Error(`${op}: the mask of shape ${shapeStr(mask.shape)} must broadcast to the input's shape ${shapeStr(x.shape)}`);
  }
}

/**
 * `input` with `value` where `mask` is non-zero (convnet's comparisons return 1/0 masks); mask broadcasts
 * to input. Differentiable w.r.t. input (and a 0-d tensor value). PyTorch: `torch.masked_fill`.
 * @example
 * ```ts
 * maskedFill(scores, scores.lt(0), -Infinity);
 * ```
 */
export const maskedFill = scoped(function maskedFill(...args: PyArgs<[input: Tensor, mask: Tensor, value: TensorOrNumber], { input?: Tensor; mask?: Tensor; value?: TensorOrNumber }>): Tensor {
  const a = bindArgs('maskedFill', args, { positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'mask', kind: 'tensor', required: true }, { name: 'value', kind: 'tensorOrNumber', required: true }] });
  const x = a.input as Tensor, mask = a.mask as Tensor, value = a.value as TensorOrNumber;
  maskArgs('maskedFill', x, mask, value);
  return toDtype(where(mask, value, x), x.dtype);
});

/**
 * {@link maskedFill} in place: returns `input`. PyTorch: `Tensor.masked_fill_`.
 * @example
 * ```ts
 * x.maskedFill_(x.isnan(), 0);
 * ```
 */
export function maskedFill_(...args: PyArgs<[input: Tensor, mask: Tensor, value: TensorOrNumber], { input?: Tensor; mask?: Tensor; value?: TensorOrNumber }>): Tensor {
  const a = bindArgs('maskedFill_', args, { positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'mask', kind: 'tensor', required: true }, { name: 'value', kind: 'tensorOrNumber', required: true }] });
  const x = a.input as Tensor, mask = a.mask as Tensor, value = a.value as TensorOrNumber;
  maskArgs('maskedFill_', x, mask, value);
  if (!checkInPlaceLeaf('maskedFill_', x, value)) {
    internalScope(() => {
      const r = toDtype(where(mask.detach(), value instanceof Tensor ? value.detach() : value, x.detach()), x.dtype);
      backend().copy(r.storage, x.storage);
    });
    bumpVersion(x);
    return x;
  }
  takeHistory(x, false, (prev) => toDtype(where(mask, value, prev), x.dtype));
  return x;
}

// ---------------------------------------------------------------------------------------- sort, topk

/** What sort and topk return: the values, and their int32 positions along the dimension. PyTorch: the
 *  named tuple `(values, indices)`.
 * @example
 * ```ts
 * const { values, indices }: SortResult = sort(x);
 * ```
 */
export interface SortResult { values: Tensor; indices: Tensor }

function sortIndices(op: string, x: Tensor, dim: number, descending: boolean): { axis: number; indices: Tensor } {
  const axis = normAxis(op, dim, Math.max(x.ndim, 1));
  const l = axisLayout(x.ndim ? x.shape : [1], axis);
  const { values, indices } = backend().sort(x.storage, l, descending);
  new Tensor(values, x.shape).dispose();
  return { axis, indices: wrap(indices, x.shape) };
}

/**
 * `input` sorted along `dim` (default the last), ascending unless `descending`, with the positions the
 * values came from; NaN sorts as the largest. The sort is always stable (so `stable` changes nothing).
 * Values are differentiable (a gather). PyTorch: `torch.sort`.
 * @example
 * ```ts
 * const { values, indices } = sort(tensor([3, 1, 2]));  // [1, 2, 3], [1, 2, 0]
 * ```
 */
export const sort = scoped(function sort(...args: PyArgs<[input: Tensor, dim: number, descending: boolean], { input?: Tensor; dim?: number; descending?: boolean; stable?: boolean }>): SortResult {
  const a = bindArgs('sort', args, {
    positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'dim', kind: 'int' }, { name: 'descending', kind: 'bool' }],
    keywordOnly: [{ name: 'stable', kind: 'bool' }],
  });
  const x = a.input as Tensor;
  const { axis, indices } = sortIndices('sort', x, (a.dim as number | undefined) ?? -1, (a.descending as boolean | undefined) ?? false);
  return { values: gather(x, axis, indices), indices };
});

/**
 * The positions that sort `input` along `dim` (int32). PyTorch: `torch.argsort`.
 * @example
 * ```ts
 * argsort(tensor([3, 1, 2]));  // tensor([1, 2, 0], dtype=torch.int32)
 * ```
 */
export const argsort = scoped(function argsort(...args: PyArgs<[input: Tensor, dim: number, descending: boolean, stable: boolean], { input?: Tensor; dim?: number; descending?: boolean; stable?: boolean }>): Tensor {
  const a = bindArgs('argsort', args, {
    positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'dim', kind: 'int' }, { name: 'descending', kind: 'bool' }, { name: 'stable', kind: 'bool' }],
  });
  return sortIndices('argsort', a.input as Tensor, (a.dim as number | undefined) ?? -1, (a.descending as boolean | undefined) ?? false).indices;
});

/**
 * The `k` largest (or, with `largest` false, smallest) values along `dim` (default the last) and their
 * positions, in sorted order (`sorted` false is accepted; the order is sorted anyway). Values are
 * differentiable. PyTorch: `torch.topk`.
 * @example
 * ```ts
 * const { values, indices } = topk(logits, 5);  // the top-5 classes
 * ```
 */
export const topk = scoped(function topk(...args: PyArgs<[input: Tensor, k: number, dim: number, largest: boolean, sorted: boolean], { input?: Tensor; k?: number; dim?: number; largest?: boolean; sorted?: boolean }>): SortResult {
  const a = bindArgs('topk', args, {
    positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'k', kind: 'int', required: true }, { name: 'dim', kind: 'int' }, { name: 'largest', kind: 'bool' }, { name: 'sorted', kind: 'bool' }],
  });
  const x = a.input as Tensor, k = a.k as number;
  const { axis, indices } = sortIndices('topk', x, (a.dim as number | undefined) ?? -1, (a.largest as boolean | undefined) ?? true);
  const n = x.ndim ? x.shape[axis] : 1;
  if (k < 0 || k > n) throw new Error(`topk: k (${k}) is out of range for dimension ${axis} of size ${n}`);
  const top = x.ndim ? narrow(indices, axis, 0, k) : indices;
  return { values: gather(x, axis, top), indices: top };
});

// ------------------------------------------------------------------------------------------- cumsum

/**
 * Running sums along `dim`: out[i] = input[0] + … + input[i], summed serially in index order (O(n)).
 * Differentiable (the gradient is the reverse running sum of the output's gradient). The result has the
 * input's dtype: float32 sums run in a float64 accumulator on the CPU backends, as PyTorch's CPU kernel
 * (in float32 on webgpu, which has no float64); int32 sums are exact, and a running sum that leaves
 * int32 throws (PyTorch would return int64). PyTorch: `torch.cumsum`.
 * @example
 * ```ts
 * cumsum(tensor([1, 2, 3]), 0);  // tensor([1., 3., 6.])
 * ```
 */
export const cumsum = scoped(function cumsum(...args: PyArgs<[input: Tensor, dim: number], { input?: Tensor; dim?: number }>): Tensor {
  const a = bindArgs('cumsum', args, { positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'dim', kind: 'int', required: true }] });
  const x = a.input as Tensor;
  const axis = normAxis('cumsum', a.dim as number, Math.max(x.ndim, 1));
  const l = axisLayout(x.ndim ? x.shape : [1], axis);
  const out = wrap(backend().cumsum(x.storage, l, false), x.shape);
  return record('cumsum', out, [x], (g) => [wrap(backend().cumsum(g.storage, l, true), x.shape)]);
});


// ---------------------------------------------------------------------------------------- embedding

/**
 * Rows of `weight` ([numEmbeddings, embeddingDim]) picked by `input` (int32 indices of any shape): shape
 * [...input.shape, embeddingDim]. Differentiable w.r.t. weight (rows picked twice add their gradients);
 * the row `paddingIdx` gets no gradient. `maxNorm`, `scaleGradByFreq` and `sparse` are not supported
 * (giving them throws). PyTorch: `torch.nn.functional.embedding`.
 * @example
 * ```ts
 * F.embedding(tensor([[0, 2]], { dtype: 'int32' }), weight);  // shape [1, 2, embeddingDim]
 * ```
 */
export const embedding = scoped(function embedding(...args: PyArgs<[input: Tensor, weight: Tensor, paddingIdx: number | null, maxNorm: number | null,
  normType: number, scaleGradByFreq: boolean, sparse: boolean], { input?: Tensor; weight?: Tensor; paddingIdx?: number | null; maxNorm?: number | null;
  normType?: number; scaleGradByFreq?: boolean; sparse?: boolean }>): Tensor {
  const op = 'embedding';
  const a = bindArgs(op, args, {
    positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'weight', kind: 'tensor', required: true },
      { name: 'paddingIdx', kind: { test: (v) => v === null || Number.isInteger(v), what: 'an integer or null' } },
      { name: 'maxNorm', kind: { test: (v) => v === null || typeof v === 'number', what: 'a number or null' } },
      { name: 'normType', kind: 'number' }, { name: 'scaleGradByFreq', kind: 'bool' }, { name: 'sparse', kind: 'bool' }],
  });
  const input = a.input as Tensor, weight = a.weight as Tensor;
  if (a.maxNorm !== undefined && a.maxNorm !== null) throw new Error(`${op}: maxNorm is not supported (renormalise the weight yourself under noGrad)`);
  if (a.scaleGradByFreq === true) throw new Error(`${op}: scaleGradByFreq is not supported`);
  if (a.sparse === true) throw new Error(`${op}: sparse gradients are not supported (convnet has no sparse tensors)`);
  if (input.dtype !== 'int32') throw new Error(`${op}: input must be an int32 tensor of indices, got ${input.dtype}`);
  if (weight.ndim !== 2) throw new Error(`${op}: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${shapeStr(weight.shape)}`);
  const [V, D] = weight.shape;
  let pad = (a.paddingIdx as number | null | undefined) ?? null;
  if (pad !== null) {
    if (pad < -V || pad >= V) throw new Error(`${op}: paddingIdx must be within [${-V}, ${V - 1}] (numEmbeddings ${V}), got ${pad}`);
    if (pad < 0) pad += V;
  }
  const bad = backend().findInvalidClass(input.storage, V, NaN);
  if (bad) throw new Error(`${op}: index ${bad.value} is out of range for numEmbeddings ${V}`);
  const shape = [...input.shape, D];
  const cols = arange(0, D, 1, { dtype: 'int32' });
  const flat = add(mul(reshape(input, [...input.shape, 1]), D), cols);
  const out = wrap(backend().take(weight.storage, flat.storage), shape);
  const padRow = pad === null ? null : add(cols, pad * D);
  return record(op, out, [weight], (g) => {
    const z = full([V * D], 0, { dtype: g.dtype });
    backend().put(z.storage, flat.storage, g.storage, true);
    if (padRow) backend().put(z.storage, padRow.storage, full([D], 0, { dtype: g.dtype }).storage, false);
    return [reshape(z, weight.shape)];
  }, padRow ? [flat, padRow] : [flat]);
});
