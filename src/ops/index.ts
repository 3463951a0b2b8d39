// ops/index.ts — indexing as numpy and PyTorch do it: x.index(':, 2:6'), x.index([mask]),
// x.index([idx, ':']), and the in-place assignment x.indexPut_(index, value).
//
// One mechanism serves every index form. An index is turned into the flat positions (int32) in x of
// every element of the result, computed with ordinary tensor ops (arange, broadcasting add and mul);
// the result is then one `take` kernel (a gather by flat position), and the backward of indexing is
// one `put` with accumulate (repeated positions add their gradients). indexPut_ writes with `put`.
// convnet's tensors are contiguous, so x.index(…) returns a copy where PyTorch's basic indexing returns a
// view: write through indexPut_. A write into what basic indexing returned throws (markViewCopy).
//
// Where the dimensions of advanced indices go, as PyTorch: integers select (their dimension goes), and
// the index tensors (broadcast together) give one block of dimensions, at the place of the first one
// when they are next to each other (a slice or None between them separates them), else first.

import { backend, SyncReadError } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor, bumpVersion, markViewCopy, type NestedArray } from '../tensor/tensor.js';
import { arange, full, tensor } from '../tensor/creation.js';
import { internalScope, scoped } from '../tensor/lifetime.js';
import { broadcastShapes, sameShape, shapeStr } from '../tensor/shape.js';
import { add, lt, mul } from './elementwise.js';
import { sumTo } from './reduce.js';
import { expand, reshape } from './shape.js';
import { bindInput, cast, lift, requireTensor, wrap, type TensorOrNumber } from './util.js';
import type { PyArgs } from '../tensor/signature.js';
import { checkInPlaceLeaf, takeHistory } from './inplace.js';

/**
 * One entry of an index, as {@link Tensor.index} takes them in a list: an integer (negative counts from
 * the end), a slice string (`':'`, `'1:3'`, `'::-1'`), `'...'`, `null` or `'None'` (a new axis of size
 * 1), an int32 tensor (or nested list of integers) of positions, or a mask: a float tensor (non-zero
 * selects; convnet's comparisons return 1/0 floats) or a nested list of booleans. PyTorch: an entry of
 * the tuple in `x[...]`.
 * @example
 * ```ts
 * const idx: IndexItem[] = [tensor([0, 2], { dtype: 'int32' }), ':'];
 * x.index(idx);
 * ```
 */
export type IndexItem = number | string | null | Tensor | NestedArray;

/**
 * An index: a string in numpy's syntax (`':, 2:6'`, `'..., None, -1'`), one entry, or a list of entries.
 * PyTorch: what goes between the brackets of `x[...]`.
 * @example
 * ```ts
 * const i: Index = ':, 2:6';
 * x.index(i);
 * ```
 */
export type Index = string | number | Tensor | null | readonly IndexItem[];

type Item =
  | { k: 'int'; v: number }
  | { k: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { k: 'none' }
  | { k: 'ellipsis' }
  /** Positions (int32, any shape) into `dims` dimensions of x seen as one of size `size`; from a mask, dims > 1. */
  | { k: 'adv'; t: Tensor; dims: number; mask: boolean };

const INT = /^[+-]?\d+$/;

function describe(index: unknown): string {
  if (typeof index === 'string') return `'${index}'`;
  if (index instanceof Tensor) return `a Tensor of shape ${shapeStr(index.shape)}`;
  try { return JSON.stringify(index, (_k, v: unknown) => (v instanceof Tensor ? `<Tensor ${shapeStr(v.shape)}>` : v)); } catch { return String(index); }
}

/** One entry written as a string: an integer, a slice, '...' or 'None'. */
function parseString(op: string, s: string, whole: string): Item {
  const t = s.trim();
  const bad = (why: string): Error => new Error(`${op}: invalid index '${whole}': ${why}`);
  if (t === '') throw bad('an empty entry (numpy syntax: ints, slices a:b:c, None, ...)');
  if (t === '...') return { k: 'ellipsis' };
  if (t === 'None') return { k: 'none' };
  if (INT.test(t)) return { k: 'int', v: Number(t) };
  const parts = t.split(':');
  if (parts.length < 2 || parts.length > 3) throw bad(`'${t}' is not an integer, a slice (start:stop:step), None or ...`);
  const nums = parts.map((p) => {
    const q = p.trim();
    if (q === '') return null;
    if (!INT.test(q)) throw bad(`'${q}' in '${t}' is not an integer`);
    return Number(q);
  });
  const step = nums[2] ?? null;
  if (step === 0) throw bad(`slice step cannot be zero (in '${t}')`);
  return { k: 'slice', start: nums[0], stop: nums[1], step };
}

function isBoolList(v: unknown): boolean {
  let x = v;
  while (Array.isArray(x)) { if (x.length === 0) return false; x = x[0]; }
  return typeof x === 'boolean';
}

/** The entries of an index, canonical. */
function parse(op: string, index: Index): Item[] {
  const whole = describe(index);
  if (typeof index === 'string') return index.split(',').map((s) => parseString(op, s, index));
  const list: readonly unknown[] = Array.isArray(index) ? index : [index];
  return list.map((e): Item => {
    if (e === null) return { k: 'none' };
    if (typeof e === 'number') {
      if (!Number.isInteger(e)) throw new Error(`${op}: invalid index ${whole}: ${e} is not an integer`);
      return { k: 'int', v: e };
    }
    if (typeof e === 'string') {
      if (e.includes(',')) throw new Error(`${op}: invalid index ${whole}: an entry of a list is one item; '${e}' has commas`);
      return parseString(op, e, e);
    }
    if (e instanceof Tensor) return { k: 'adv', t: e, dims: e.dtype === 'int32' ? 1 : e.ndim, mask: e.dtype !== 'int32' };
    if (Array.isArray(e)) {
      if (isBoolList(e)) {
        const t = tensor(e as NestedArray, { dtype: 'float32' });
        return { k: 'adv', t, dims: t.ndim, mask: true };
      }
      try {
        return { k: 'adv', t: tensor(e as NestedArray, { dtype: 'int32' }), dims: 1, mask: false };
      } catch (err) {
        throw new Error(`${op}: invalid index ${whole}: a list entry must be integers or booleans (${(err as Error).message})`);
      }
    }
    throw new Error(`${op}: invalid index ${whole}: an entry must be an integer, a slice string, '...', null, a Tensor or a list, got ${typeof e}`);
  });
}

/** Where every element of x[index] is in x: flat positions (int32) of the result's shape. */
interface Plan { flat: Tensor; shape: number[] }

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
  return s;
}

/** Python's slice.indices: the first position, the count and the step over a dimension of `size`. */
function sliceRange(start: number | null, stop: number | null, step: number | null, size: number): [number, number, number] {
  const st = step ?? 1;
  const clampIdx = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  let a: number, b: number;
  if (st > 0) {
    a = start === null ? 0 : clampIdx(start < 0 ? start + size : start, 0, size);
    b = stop === null ? size : clampIdx(stop < 0 ? stop + size : stop, 0, size);
    return [a, Math.max(0, Math.ceil((b - a) / st)), st];
  }
  a = start === null ? size - 1 : clampIdx(start < 0 ? start + size : start, -1, size - 1);
  b = stop === null ? -1 : clampIdx(stop < 0 ? stop + size : stop, -1, size - 1);
  return [a, Math.max(0, Math.ceil((b - a) / st)), st];
}

/** Positions `t` (int32) into a dimension of `size`: negatives counted from the end, all checked. */
function checkedPositions(op: string, t: Tensor, size: number, dim: number): Tensor {
  const bk = backend();
  let bad = bk.findInvalidClass(t.storage, size, NaN);
  if (!bad) return t;
  let w = t;
  if (bad.value < 0 && bad.value >= -size) {
    w = add(t, mul(lt(t, 0), size)); // negatives wrap once
    bad = bk.findInvalidClass(w.storage, size, NaN);
    if (bad && bad.value < 0) bad = { index: bad.index, value: bad.value - size };
  }
  if (bad) throw new Error(`${op}: index ${bad.value} is out of bounds for dimension ${dim} with size ${size}`);
  return w;
}

function plan(op: string, x: Tensor, index: Index): Plan {
  const items = parse(op, index);
  const bk = backend();
  // Masks become positions: a mask over k dimensions is the flat positions of its non-zero entries in
  // those dimensions (contiguous in x, so they index them as one dimension of their product's size).
  let dimsUsed = 0, ellipses = 0;
  for (const it of items) {
    if (it.k === 'int' || it.k === 'slice') dimsUsed++;
    else if (it.k === 'adv') dimsUsed += it.dims;
    else if (it.k === 'ellipsis') ellipses++;
  }
  if (ellipses > 1) throw new Error(`${op}: an index can only have a single ellipsis ('...'), got ${describe(index)}`);
  if (dimsUsed > x.ndim) {
    throw new Error(`${op}: too many indices for tensor of dimension ${x.ndim} (shape ${shapeStr(x.shape)}): ${describe(index)} indexes ${dimsUsed}`);
  }
  const full_: Item = { k: 'slice', start: null, stop: null, step: null };
  const expanded: Item[] = [];
  for (const it of items) {
    if (it.k === 'ellipsis') for (let i = 0; i < x.ndim - dimsUsed; i++) expanded.push(full_);
    else expanded.push(it);
  }
  if (!ellipses) for (let i = dimsUsed; i < x.ndim; i++) expanded.push(full_);

  const strides = stridesOf(x.shape);
  let base = 0;
  // Basic output axes (slices, None) with their slot, and the advanced indices with theirs.
  const axes: { len: number; step: number; slot: number }[] = [];
  const advs: { pos: Tensor; stride: number; slot: number }[] = [];
  let d = 0, slot = 0;
  for (const it of expanded) {
    if (it.k === 'int') {
      const size = x.shape[d];
      const v = it.v < 0 ? it.v + size : it.v;
      if (v < 0 || v >= size) throw new Error(`${op}: index ${it.v} is out of bounds for dimension ${d} with size ${size} (index ${describe(index)})`);
      base += v * strides[d];
      d++;
    } else if (it.k === 'slice') {
      const [start, len, step] = sliceRange(it.start, it.stop, it.step, x.shape[d]);
      base += len > 0 ? start * strides[d] : 0;
      axes.push({ len, step: step * strides[d], slot: slot++ });
      d++;
    } else if (it.k === 'none') {
      axes.push({ len: 1, step: 0, slot: slot++ });
    } else if (it.k === 'adv') {
      const covered = x.shape.slice(d, d + it.dims);
      let pos: Tensor;
      if (it.mask) {
        if (!sameShape(it.t.shape, covered)) {
          throw new Error(`${op}: the shape of the mask ${shapeStr(it.t.shape)} at index ${d} does not match the shape of the indexed tensor ${shapeStr(x.shape)}` +
            ` (dimensions ${d}…${d + it.dims - 1} are ${shapeStr(covered)})`);
        }
        let nz;
        try {
          nz = bk.nonzero(it.t.storage, [it.t.numel()]);
        } catch (e) {
          if (!(e instanceof SyncReadError)) throw e;
          throw new SyncReadError(`${op}: a mask selects a number of elements its values decide, so they are read on the CPU, and the ${it.t.device} ` +
            'backend cannot read this mask synchronously (it was computed there): use where() or maskedFill() instead, or move the mask first ' +
            "(await mask.moveTo('wasm'))");
        }
        pos = wrap(nz, [nz.size]);
      } else {
        pos = checkedPositions(op, it.t, x.shape[d], d);
      }
      advs.push({ pos, stride: it.dims ? strides[d + it.dims - 1] : 1, slot: slot++ });
      d += it.dims;
    }
  }
  // The advanced block: broadcast shape, and where it goes.
  let block: number[] = [];
  for (const a of advs) block = broadcastShapes(op, block, a.pos.shape);
  const adjacent = advs.every((a, i) => i === 0 || a.slot === advs[i - 1].slot + 1);
  const blockAt = !advs.length ? 0 : adjacent ? axes.filter((a) => a.slot < advs[0].slot).length : 0;
  const shape = [...axes.map((a) => a.len)];
  shape.splice(blockAt, 0, ...(advs.length ? block : []));
  const rank = shape.length;
  let flat = full([], base, { dtype: 'int32' });
  axes.forEach((a, i) => {
    if (a.step === 0 || a.len <= 1) return;
    const q = i < blockAt ? i : i + (advs.length ? block.length : 0);
    const view = new Array<number>(rank).fill(1);
    view[q] = a.len;
    flat = add(flat, reshape(mul(arange(0, a.len, 1, { dtype: 'int32' }), a.step), view));
  });
  if (advs.length) {
    const view = new Array<number>(rank).fill(1);
    view.splice(blockAt, block.length, ...block);
    for (const a of advs) {
      const b = new Array<number>(block.length - a.pos.ndim).fill(1).concat(a.pos.shape);
      const v = [...view];
      v.splice(blockAt, block.length, ...b);
      flat = add(flat, reshape(a.stride === 1 ? a.pos : mul(a.pos, a.stride), v));
    }
  }
  if (!sameShape(flat.shape, shape)) flat = expand(flat, shape);
  return { flat, shape };
}

/** The positions of x[index], computed outside autograd. */
function planned(op: string, x: Tensor, index: Index): Plan {
  return internalScope(() => plan(op, x.detach(), index));
}

/**
 * `x[index]`: numpy's and PyTorch's indexing. `index` is a string in numpy's syntax (`':, 2:6'`, `'::-1'`,
 * `'..., None'`, negative integers and bounds), or a list whose entries are integers, slice strings,
 * `'...'`, `null` (a new axis), int32 tensors of positions, or masks (a float tensor, as comparisons
 * return, selecting where it is non-zero). Differentiable: the gradient goes back to the positions read
 * (added up where one is read twice). Returns a copy (convnet's tensors are contiguous): assign with
 * {@link indexPut_}. PyTorch: `x[index]`.
 * @example
 * ```ts
 * const x = arange(12).reshape(3, 4);
 * index(x, ':, 1:3');                        // columns 1 and 2, shape [3, 2]
 * index(x, [tensor([2, 0], { dtype: 'int32' }), ':']);  // rows 2 and 0
 * index(x, [x.gt(5)]);                        // the elements above 5, shape [6]
 * ```
 */
export const index = scoped(function index(x: Tensor, ...args: PyArgs<[indices: Index], { indices?: Index }> & [unknown, ...unknown[]]): Tensor {
  const idx = bindInput('index', x, args, [{ name: 'indices', required: true }]).indices as Index;
  const { flat, shape } = planned('index', x, idx);
  const out = wrap(backend().take(x.storage, flat.storage), shape);
  // Basic indexing is a view in PyTorch (writes into it change x), advanced indexing a copy there too.
  if (isBasicIndex(idx)) markViewCopy(out, 'index (basic indexing)');
  const keep = flat;
  return record('index', out, [x], (g) => {
    const z = full([x.numel()], 0, { dtype: g.dtype });
    backend().put(z.storage, keep.storage, g.storage, true);
    return [reshape(z, x.shape)];
  }, [keep]);
});

/** Whether an index uses only integers, slices, None and '...' (PyTorch's basic indexing), no tensor or list. */
function isBasicIndex(idx: Index): boolean {
  if (idx instanceof Tensor) return false;
  if (!Array.isArray(idx)) return true;
  return (idx as readonly IndexItem[]).every((item) => !(item instanceof Tensor) && !Array.isArray(item));
}

/**
 * Writes `value` (a number, or a tensor that broadcasts to the shape of `x[index]`) into `x` at
 * `index` (every form {@link index} takes), in place; with `accumulate`, adds it instead (repeated
 * positions add up). Without accumulate, which of several writes to one position wins is unspecified,
 * as in PyTorch. Differentiable with respect to `value` and to x's earlier history (whose gradient is
 * zero where x was overwritten), as PyTorch's `CopySlices`; a leaf that requires grad may be written
 * only inside `noGrad`. Returns x. PyTorch: `x[index] = value` (`Tensor.index_put_`).
 * @example
 * ```ts
 * const y = zeros([4, 8]);
 * indexPut_(y, ':, 2:6', 1);
 * indexPut_(y, [0, 0], k.mul(2));   // y[0, 0] = 2k, differentiable in k
 * ```
 */
export function indexPut_(x: Tensor, ...args: PyArgs<[indices: Index, values: TensorOrNumber, accumulate: boolean],
  { indices?: Index; values?: TensorOrNumber; accumulate?: boolean }> & [unknown, ...unknown[]]): Tensor {
  const op = 'indexPut_';
  const a = bindInput(op, x, args, [{ name: 'indices', required: true }, { name: 'values', required: true }, { name: 'accumulate' }]);
  const idx = a.indices as Index, value = a.values as TensorOrNumber, accumulate = (a.accumulate ?? false) as boolean;
  if (typeof value !== 'number') requireTensor(op, 'values', value);
  if (typeof accumulate !== 'boolean') throw new Error(`${op}: accumulate must be a boolean, got ${describe(accumulate)}`);
  const recorded = checkInPlaceLeaf(op, x, value);
  internalScope(() => {
    const { flat, shape } = planned(op, x, idx);
    if (value instanceof Tensor && value.dtype !== x.dtype && x.dtype === 'int32') {
      throw new Error(`${op}: values of dtype ${value.dtype} cannot be written into an int32 tensor; convert them first`);
    }
    const v = lift(value, x);
    let got: number[] | null = null;
    try { got = broadcastShapes(op, v.shape, shape); } catch { /* reported below */ }
    if (!got || !sameShape(got, shape)) {
      throw new Error(`${op}: shape mismatch: value tensor of shape ${shapeStr(v.shape)} cannot be broadcast to indexing result of shape ${shapeStr(shape)}`);
    }
    const bk = backend();
    const vc = cast(v, x.dtype);
    const src = sameShape(vc.shape, shape) ? vc : wrap(bk.expand(vc.storage, vc.shape, shape), shape);
    if (!recorded) {
      bk.put(x.storage, flat.storage, src.storage, accumulate);
      bumpVersion(x);
      return;
    }
    takeHistory(x, false, (prev) => {
      bk.put(x.storage, flat.storage, src.storage, accumulate);
      const out = new Tensor(x.storage, x.shape);
      const keep = flat;
      const vt = v;
      return record(op, out, [prev, vt], (g) => {
        let gp: Tensor | null = null;
        if (prev.requiresGrad) {
          if (accumulate) gp = g;
          else {
            gp = wrap(backend().cast(g.storage, g.dtype), g.shape); // a copy
            backend().put(gp.storage, keep.storage, full([keep.numel()], 0, { dtype: g.dtype }).storage, false);
          }
        }
        const gv = vt.requiresGrad ? sumTo(wrap(backend().take(g.storage, keep.storage), shape), vt.shape) : null;
        return [gp, gv];
      }, [keep]);
    });
  });
  return x;
}
