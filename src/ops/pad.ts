// ops/pad.ts — torch.nn.functional.pad: pad = [left, right, top, bottom, …] pairs starting from the last
// dimension. Modes: constant (any amounts, negative crops), reflect (mirror without repeating the edge,
// pad < size), replicate (repeat the edge), circular (wrap around, pad ≤ size).
// Backward: every output element's gradient goes back to the input element it was read from (padGrad).

import { backend, type PadAttrs, type PadMode } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { numel, shapeStr } from '../tensor/shape.js';
import { zeros } from '../tensor/creation.js';
import { checkOptions, oneOf } from './args.js';
import { bindInput, checkAllocation, requireTensor, wrap } from './util.js';
import type { PyArgs } from '../tensor/signature.js';

/**
 * Options of {@link pad}: the `mode` ('constant' by default, 'reflect', 'replicate' or 'circular') and the
 * fill `value` of constant padding. PyTorch: the `mode` and `value` arguments of `F.pad`.
 * @example
 * ```ts
 * F.pad(x, [1, 1], { mode: 'constant', value: -1 });
 * ```
 */
export interface PadOptions {
  mode?: PadMode;
  value?: number;
}

export const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

export function padAttrs(op: string, x: Tensor, pad: readonly number[], opts: PadOptions): PadAttrs {
  checkOptions(op, opts, ['mode', 'value']);
  const mode = oneOf(op, 'mode', opts.mode, PAD_MODES, 'constant');
  const value = opts.value ?? 0;
  if (typeof value !== 'number') throw new Error(`${op}: value must be a number, got ${JSON.stringify(value)}`);
  if (mode !== 'constant' && opts.value !== undefined && opts.value !== 0) {
    throw new Error(`${op}: value is only used with mode 'constant', got value=${value} with mode '${mode}'`);
  }
  if (!Array.isArray(pad) || pad.length % 2 !== 0 || pad.length === 0) {
    throw new Error(`${op}: pad must be a non-empty list of even length [left, right, top, bottom, ...], got ${JSON.stringify(pad)}`);
  }
  for (const p of pad) {
    if (!Number.isInteger(p)) throw new Error(`${op}: pad entries must be integers, got ${JSON.stringify(pad)}`);
  }
  const k = pad.length / 2;
  if (k > x.ndim) {
    throw new Error(`${op}: pad ${JSON.stringify(pad)} pads ${k} dimensions but the input has only ${x.ndim} (shape ${shapeStr(x.shape)})`);
  }
  if (mode !== 'constant' && k > 3) {
    throw new Error(`${op}: mode '${mode}' pads at most the last 3 dimensions, got ${k}`);
  }
  const lead = x.ndim - k;
  const before: number[] = [], after: number[] = [];
  for (let i = 0; i < k; i++) {
    // pad[0], pad[1] belong to the last dimension.
    const j = k - 1 - i;
    before.push(pad[2 * j]);
    after.push(pad[2 * j + 1]);
  }
  const outShape = [...x.shape];
  for (let i = 0; i < k; i++) {
    const dim = lead + i, size = x.shape[dim], lo = before[i], hi = after[i];
    const where = `dimension ${dim - x.ndim} (size ${size})`;
    if (mode !== 'constant' && (lo < 0 || hi < 0)) {
      throw new Error(`${op}: negative padding ${lo < 0 ? lo : hi} on ${where} is only supported with mode 'constant'`);
    }
    if (mode === 'reflect' && (lo >= size || hi >= size)) {
      throw new Error(`${op}: reflect padding ${Math.max(lo, hi)} on ${where} must be smaller than the size`);
    }
    if (mode === 'circular' && (lo > size || hi > size)) {
      throw new Error(`${op}: circular padding ${Math.max(lo, hi)} on ${where} must be at most the size`);
    }
    if (mode === 'replicate' && size === 0 && (lo > 0 || hi > 0)) {
      throw new Error(`${op}: replicate padding of ${where}: cannot replicate an empty dimension`);
    }
    outShape[dim] = size + lo + hi;
    if (outShape[dim] < 0) {
      throw new Error(`${op}: padding [${lo}, ${hi}] on ${where} gives a negative size ${outShape[dim]}`);
    }
  }
  return { shape: x.shape, outShape, before, after, mode, value };
}

/**
 * Pads (or, with negative amounts in constant mode, crops) the last dimensions: `padding` lists
 * [left, right, top, bottom, …] pairs starting from the last dimension. Reflect padding must be smaller
 * than the size; circular at most the size. PyTorch: `torch.nn.functional.pad`.
 * @example
 * ```ts
 * F.pad(x, [1, 1, 2, 0], { mode: 'reflect' });  // width +2, height +2 at the top
 * F.pad(x, [1, 1], 'constant', 0.5);            // PyTorch's order: pad, mode, value
 * F.pad(tensor([1, 2, 3]), [2, 0], { mode: 'circular' });  // tensor([2., 3., 1., 2., 3.])
 * ```
 */
export function pad(x: Tensor, ...args: PyArgs<[pad: readonly number[], mode: PadMode, value: number | null], PadOptions & { pad?: readonly number[] }> & [unknown, ...unknown[]]): Tensor {
  const a = bindInput('pad', x, args, [{ name: 'pad', required: true }, { name: 'mode', kind: 'string' }, { name: 'value', kind: { test: (v: unknown) => v === null || typeof v === 'number', what: 'a number or null' } }]);
  return padAs('pad', x, a.pad as readonly number[], { mode: a.mode as PadMode | undefined, value: (a.value as number | null | undefined) ?? undefined });
}

/** pad, with errors naming the op that asked for the padding (conv2d's paddingMode, convolve2d). */
export function padAs(op: string, x: Tensor, padding: readonly number[], opts: PadOptions): Tensor {
  const a = padAttrs(op, x, padding, opts);
  checkAllocation(op, a.outShape, x.dtype);
  if (numel(a.outShape) === 0) {
    // Nothing to compute, and the kernels' per-dim index tables would be as long as a padded dim, which
    // an empty batch lets be any length (F.pad of a [0, C, H, W] by 2^31 must not allocate 8 GiB).
    return record(`pad(${a.mode})`, zeros(a.outShape, { dtype: x.dtype }), [x], () => [zeros(x.shape, { dtype: x.dtype })]);
  }
  const out = wrap(backend().pad(x.storage, a), a.outShape);
  return record(`pad(${a.mode})`, out, [x], (g) => [wrap(backend().padGrad(g.storage, a), x.shape)]);
}
