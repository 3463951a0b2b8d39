// ops/pool.ts — max, average and adaptive pooling over the last one or two dims (PyTorch semantics).
//
// Every variant is reduced to per-axis window tables (PoolAxis) so one pair of kernels does all:
// - output size: floor or ceil((L + 2p − d·(k − 1) − 1) / s) + 1; in ceil mode a last window that would
//   start in the right padding or beyond is dropped (windows must start inside the input or left padding);
// - padding is at most half the kernel; stride defaults to the kernel size;
// - max pooling skips out-of-range taps (−∞ padding); the gradient goes to the arg-max of each window;
// - average pooling divides by the window clipped to the padded input (countIncludePad, the default) or
//   to the real input (countIncludePad: false), or by divisorOverride;
// - adaptive pooling uses windows [floor(i·L/O), ceil((i+1)·L/O)).

import { backend, type PoolAttrs, type PoolAxis } from '../backend/backend.js';
import { isGradEnabled, record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { numel, shapeStr } from '../tensor/shape.js';
import { zeros } from '../tensor/creation.js';
import { boolArg, checkOptions, tupleArg, type Size } from './args.js';
import { bindInput, checkAllocation, requireTensor, wrap } from './util.js';
import type { Prefixes, PyArgs } from '../tensor/signature.js';

/**
 * Options of {@link maxPool1d} and {@link maxPool2d}: stride (default: the kernel size), padding, dilation,
 * `ceilMode` and `returnIndices`. PyTorch: the keyword arguments of `F.max_pool2d`.
 * @example
 * ```ts
 * F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true });
 * ```
 */
export interface MaxPoolOptions {
  stride?: Size;
  padding?: Size;
  dilation?: Size;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

/**
 * Options of {@link avgPool1d} and {@link avgPool2d}: stride (default: the kernel size), padding, `ceilMode`,
 * `countIncludePad` (default true) and `divisorOverride`. PyTorch: the keyword arguments of `F.avg_pool2d`.
 * @example
 * ```ts
 * F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false });
 * ```
 */
export interface AvgPoolOptions {
  stride?: Size;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number;
}

type AdaptiveSize = number | null | readonly (number | null)[];

function outputLength(L: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = L + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= L + p) out--;
  return out;
}

/** Window tables are pure functions of their arguments and never written after they are built (backends only
 *  read them), so each distinct axis is computed once; the cache is bounded (cleared past 256 entries). */
const axisCache = new Map<string, PoolAxis>();

function windowAxis(L: number, k: number, s: number, p: number, d: number, ceil: boolean, countIncludePad: boolean): PoolAxis {
  const key = `${L},${k},${s},${p},${d},${ceil ? 1 : 0},${countIncludePad ? 1 : 0}`;
  let axis = axisCache.get(key);
  if (!axis) {
    if (axisCache.size >= 256) axisCache.clear();
    axis = buildWindowAxis(L, k, s, p, d, ceil, countIncludePad);
    axisCache.set(key, axis);
  }
  return axis;
}

function buildWindowAxis(L: number, k: number, s: number, p: number, d: number, ceil: boolean, countIncludePad: boolean): PoolAxis {
  const outSize = outputLength(L, k, s, p, d, ceil);
  const start = new Int32Array(outSize), count = new Int32Array(outSize), divisor = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const s0 = o * s - p;
    const first = s0 < 0 ? Math.ceil(-s0 / d) : 0;             // first tap inside the input
    const last = Math.min(k - 1, Math.floor((L - 1 - s0) / d)); // last tap inside the input
    const c = Math.max(0, last - first + 1);
    start[o] = c > 0 ? s0 + first * d : 0;
    count[o] = c;
    // Average pooling (d = 1): window clipped to the padded input, or to the input itself.
    const padded = Math.min(s0 + k, L + p) - s0;
    divisor[o] = c === 0 ? 1 : countIncludePad ? padded : c;
  }
  return { size: L, outSize, start, count, step: d, divisor };
}

function adaptiveAxis(L: number, outSize: number): PoolAxis {
  const start = new Int32Array(outSize), count = new Int32Array(outSize), divisor = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const a = Math.floor((o * L) / outSize), b = Math.ceil(((o + 1) * L) / outSize);
    start[o] = a;
    count[o] = b - a;
    divisor[o] = b - a;
  }
  return { size: L, outSize, start, count, step: 1, divisor };
}

const FULL_AXIS = (L: number): PoolAxis => adaptiveAxis(L, L);
/** The axis of an empty batch's pool: its size only, no tables (runMax/runAvg compute nothing). */
const emptyAxis = (L: number, outSize: number): PoolAxis =>
  ({ size: L, outSize, start: new Int32Array(0), count: new Int32Array(0), step: 1, divisor: new Float64Array(0) });
const UNIT_AXIS: PoolAxis = adaptiveAxis(1, 1);

/** Checks the input's rank: 1-D pools take (C, L) or (N, C, L); 2-D pools (C, H, W) or (N, C, H, W). */
function checkInput(op: string, x: Tensor, spatial: 1 | 2): void {
  requireTensor(op, 'input', x);
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) {
    const want = spatial === 1 ? '2-D (C, L) or 3-D (N, C, L)' : '3-D (C, H, W) or 4-D (N, C, H, W)';
    throw new Error(`${op}: expected a ${want} input, got shape ${shapeStr(x.shape)}`);
  }
  if (x.dtype === 'int32') throw new Error(`${op}: input must be a floating-point tensor, got int32`);
  const sp = x.shape.slice(-spatial);
  // An empty batch (N = 0) gives an empty output, as in PyTorch; empty channels or planes are an error.
  if (x.shape.slice(-spatial - 1).some((d) => d === 0)) throw new Error(`${op}: input of shape ${shapeStr(x.shape)} is empty`);
}

interface WindowSpec { k: number[]; s: number[]; p: number[]; d: number[]; ceil: boolean }

function windowAttrs(op: string, x: Tensor, spatial: 1 | 2, w: WindowSpec, countIncludePad: boolean, maxPadFromDilation: boolean): PoolAttrs {
  const sizes = x.shape.slice(-spatial);
  for (let i = 0; i < spatial; i++) {
    const limit = maxPadFromDilation ? Math.floor(((w.k[i] - 1) * w.d[i] + 1) / 2) : Math.floor(w.k[i] / 2);
    if (w.p[i] > limit) {
      throw new Error(`${op}: padding ${w.p[i]} must be at most half of the ${maxPadFromDilation ? 'effective ' : ''}kernel size ` +
        `(kernelSize=${w.k[i]}${maxPadFromDilation ? `, dilation=${w.d[i]}` : ''}, so at most ${limit})`);
    }
  }
  // The output size is checked before the window tables (one entry per output position) are built.
  sizes.forEach((L, i) => {
    const outSize = outputLength(L, w.k[i], w.s[i], w.p[i], w.d[i], w.ceil);
    if (outSize < 1) {
      throw new Error(`${op}: input size ${shapeStr(sizes)} is too small for kernelSize=${JSON.stringify(w.k)}, ` +
        `padding=${JSON.stringify(w.p)}, dilation=${JSON.stringify(w.d)}: calculated output size along dim ${i - spatial} is ${outSize}`);
    }
  });
  const axes = sizes.map((L, i) => windowAxis(L, w.k[i], w.s[i], w.p[i], w.d[i], w.ceil, countIncludePad));
  const planes = numel(x.shape.slice(0, -spatial));
  return spatial === 2 ? { planes, h: axes[0], w: axes[1] } : { planes, h: UNIT_AXIS, w: axes[0] };
}

function outShape(x: Tensor, a: PoolAttrs, spatial: 1 | 2): number[] {
  const lead = x.shape.slice(0, -spatial);
  return spatial === 2 ? [...lead, a.h.outSize, a.w.outSize] : [...lead, a.w.outSize];
}

/** An empty batch: nothing to compute. (Adaptive pools leave its window tables empty: an outputSize of
 *  2^31 on an empty batch is a valid empty output, and its tables would be gigabytes.) */
function emptyPool(op: string, x: Tensor, a: PoolAttrs, spatial: 1 | 2): Tensor {
  return record(op, zeros(outShape(x, a, spatial), { dtype: x.dtype }), [x], () => [zeros(x.shape, { dtype: x.dtype })]);
}

function runMax(op: string, x: Tensor, a: PoolAttrs, spatial: 1 | 2, returnIndices: boolean): { out: Tensor; indices: Tensor | null } {
  if (a.planes === 0) return { out: emptyPool(op, x, a, spatial), indices: returnIndices ? zeros(outShape(x, a, spatial), { dtype: 'int32' }) : null };
  const needArgmax = returnIndices || (isGradEnabled() && x.requiresGrad);
  const { out, argmax } = backend().maxPool(x.storage, a, needArgmax);
  const shape = outShape(x, a, spatial);
  // The backward's own handle on the arg-max (the indices returned to the caller are another tensor).
  const indices = returnIndices ? wrap(argmax!, shape) : null;
  const saved = argmax ? [wrap(argmax, shape)] : [];
  const y = record(op, wrap(out, shape), [x], (g) => [wrap(backend().maxPoolGrad(g.storage, saved[0].storage, a), x.shape)], saved);
  return { out: y, indices };
}

function runAvg(op: string, x: Tensor, a: PoolAttrs, spatial: 1 | 2): Tensor {
  if (a.planes === 0) return emptyPool(op, x, a, spatial);
  const y = wrap(backend().avgPool(x.storage, a), outShape(x, a, spatial));
  return record(op, y, [x], (g) => [wrap(backend().avgPoolGrad(g.storage, a), x.shape)]);
}


/** Binds a pooling call's arguments after the input, in PyTorch's order (`names`); kernelSize is required. */
function poolCall(op: string, x: Tensor, args: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  const a = bindInput(op, x, args, names.map((name, i) => ({
    name, required: i === 0, kind: BOOL_ARGS.includes(name) ? 'bool' as const : 'any' as const,
  })));
  delete a.input;
  return a;
}
const BOOL_ARGS = ['ceilMode', 'returnIndices', 'countIncludePad'];
const MAX_ARGS = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'];
const AVG2_ARGS = ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'];
const AVG1_ARGS = AVG2_ARGS.slice(0, 5);

/**
 * The arguments of {@link maxPool1d} and {@link maxPool2d} after the input, in PyTorch's order `(kernelSize,
 * stride, padding, dilation, ceilMode, returnIndices)`, any of them by name in a trailing options object.
 * PyTorch: the arguments of `F.max_pool2d`.
 * @example
 * ```ts
 * const args: MaxPoolArgs = [2, 1];   // F.maxPool2d(x, 2, 1): kernel 2, stride 1
 * ```
 */
export type MaxPoolArgs = PyArgs<[kernelSize: Size, stride: Size | null | undefined, padding: Size, dilation: Size, ceilMode: boolean, returnIndices: false],
  MaxPoolOptions & { kernelSize?: Size; returnIndices?: false }>;
/** {@link MaxPoolArgs} asking for the indices too (`returnIndices` true, by position or by name).
 *  PyTorch: `F.max_pool2d(..., return_indices=True)`.
 *  @example
 *  ```ts
 *  const args: MaxPoolIndicesArgs = [2, { returnIndices: true }];
 *  ```
 */
export type MaxPoolIndicesArgs = [kernelSize: Size, stride: Size | null | undefined, padding: Size, dilation: Size, ceilMode: boolean, returnIndices: true]
  | [...Prefixes<[kernelSize: Size, stride: Size | null | undefined, padding: Size, dilation: Size, ceilMode: boolean]>, MaxPoolOptions & { kernelSize?: Size; returnIndices: true }];

/**
 * The arguments of {@link avgPool1d} and {@link avgPool2d} after the input, in PyTorch's order `(kernelSize,
 * stride, padding, ceilMode, countIncludePad, divisorOverride)`, any of them by name in a trailing options
 * object (avgPool1d has no divisorOverride). PyTorch: the arguments of `F.avg_pool2d`.
 * @example
 * ```ts
 * const args: AvgPoolArgs = [3, 2, 1, true, false];
 * ```
 */
export type AvgPoolArgs = PyArgs<[kernelSize: Size, stride: Size | null | undefined, padding: Size, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null],
  AvgPoolOptions & { kernelSize?: Size }>;

/** stride as given, or the kernel size when it is left out (undefined, null or an empty list, as PyTorch). */
function strideOr(op: string, stride: unknown, k: number[], spatial: number): number[] {
  return stride === undefined || stride === null || (Array.isArray(stride) && stride.length === 0) ? k : tupleArg(op, 'stride', stride as Size, spatial, 1);
}

function maxPool(op: string, spatial: 1 | 2, x: Tensor, args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  checkInput(op, x, spatial);
  const opts = poolCall(op, x, args, MAX_ARGS) as unknown as MaxPoolOptions & { kernelSize: Size };
  const k = tupleArg(op, 'kernelSize', opts.kernelSize, spatial, 1);
  const s = strideOr(op, opts.stride, k, spatial);
  const p = tupleArg(op, 'padding', opts.padding, spatial, 0, 0);
  const d = tupleArg(op, 'dilation', opts.dilation, spatial, 1, 1);
  const ceil = boolArg(op, 'ceilMode', opts.ceilMode, false);
  const a = windowAttrs(op, x, spatial, { k, s, p, d, ceil }, true, spatial === 1);
  const returnIndices = boolArg(op, 'returnIndices', opts.returnIndices, false);
  const { out, indices } = runMax(op, x, a, spatial, returnIndices);
  return returnIndices ? [out, indices!] : out;
}

function avgPool(op: string, spatial: 1 | 2, x: Tensor, args: readonly unknown[]): Tensor {
  checkInput(op, x, spatial);
  const opts = poolCall(op, x, args, spatial === 2 ? AVG2_ARGS : AVG1_ARGS) as unknown as AvgPoolOptions & { kernelSize: Size };
  const k = tupleArg(op, 'kernelSize', opts.kernelSize, spatial, 1);
  const s = strideOr(op, opts.stride, k, spatial);
  const p = tupleArg(op, 'padding', opts.padding, spatial, 0, 0);
  const ceil = boolArg(op, 'ceilMode', opts.ceilMode, false);
  const countIncludePad = boolArg(op, 'countIncludePad', opts.countIncludePad, true);
  const div = opts.divisorOverride;
  if (div !== undefined && div !== null && (!Number.isInteger(div) || div === 0)) {
    throw new Error(`${op}: divisorOverride must be a non-zero integer, got ${JSON.stringify(div)}`);
  }
  const a = windowAttrs(op, x, spatial, { k, s, p, d: k.map(() => 1), ceil }, countIncludePad, false);
  if (div !== undefined && div !== null) a.divisorOverride = div;
  return runAvg(op, x, a, spatial);
}

/**
 * 2-D max pooling of [N, C, H, W] or [C, H, W]: the largest value in each window. PyTorch:
 * `torch.nn.functional.max_pool2d`.
 * @example
 * ```ts
 * F.maxPool2d(randn([1, 6, 28, 28]), 2).shape;  // [1, 6, 14, 14]
 * F.maxPool2d(x, 3, 1, 1);                       // kernel 3, stride 1, padding 1 (PyTorch's order)
 * ```
 */
export function maxPool2d(x: Tensor, ...args: MaxPoolArgs): Tensor;
/**
 * 2-D max pooling that also returns, for each output, the flat index of its maximum within the input plane.
 * PyTorch: `F.max_pool2d(..., return_indices=True)`.
 * @example
 * ```ts
 * const [pooled, indices] = F.maxPool2d(x, 2, { returnIndices: true });
 * ```
 */
export function maxPool2d(x: Tensor, ...args: MaxPoolIndicesArgs): [Tensor, Tensor];
export function maxPool2d(x: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  return maxPool('maxPool2d', 2, x, args);
}

/**
 * 1-D max pooling of [N, C, L] or [C, L]. PyTorch: `torch.nn.functional.max_pool1d`.
 * @example
 * ```ts
 * F.maxPool1d(randn([1, 4, 10]), 2).shape;  // [1, 4, 5]
 * ```
 */
export function maxPool1d(x: Tensor, ...args: MaxPoolArgs): Tensor;
/**
 * 1-D max pooling that also returns the index of each maximum. PyTorch: `F.max_pool1d(..., return_indices=True)`.
 * @example
 * ```ts
 * const [pooled, indices] = F.maxPool1d(x, 2, { returnIndices: true });
 * ```
 */
export function maxPool1d(x: Tensor, ...args: MaxPoolIndicesArgs): [Tensor, Tensor];
export function maxPool1d(x: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  return maxPool('maxPool1d', 1, x, args);
}

/**
 * 2-D average pooling of [N, C, H, W] or [C, H, W], with PyTorch's divisor rules (`countIncludePad`,
 * `divisorOverride`, ceil-mode windows). PyTorch: `torch.nn.functional.avg_pool2d`.
 * @example
 * ```ts
 * F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, divisorOverride: 4 });
 * ```
 */
export function avgPool2d(x: Tensor, ...args: AvgPoolArgs): Tensor {
  return avgPool('avgPool2d', 2, x, args);
}

/**
 * 1-D average pooling of [N, C, L] or [C, L]. PyTorch: `torch.nn.functional.avg_pool1d`.
 * @example
 * ```ts
 * F.avgPool1d(tensor([[1, 2, 3, 4]]), 2);  // tensor([[1.5000, 3.5000]])
 * ```
 */
export function avgPool1d(x: Tensor, ...args: PyArgs<[kernelSize: Size, stride: Size | null | undefined, padding: Size, ceilMode: boolean, countIncludePad: boolean], Omit<AvgPoolOptions, 'divisorOverride'> & { kernelSize?: Size }>): Tensor {
  return avgPool('avgPool1d', 1, x, args);
}

function adaptiveAttrs(op: string, x: Tensor, spatial: 1 | 2, outputSize: AdaptiveSize): PoolAttrs {
  checkInput(op, x, spatial);
  const sizes = x.shape.slice(-spatial);
  const list = outputSize === null || typeof outputSize === 'number' ? new Array(spatial).fill(outputSize) : [...outputSize];
  if (list.length !== spatial) {
    throw new Error(`${op}: outputSize must be an integer or a list of ${spatial}, got ${JSON.stringify(outputSize)}`);
  }
  const outs = list.map((o, i) => {
    if (o === null || o === undefined) return sizes[i];
    if (!Number.isInteger(o) || o < 1) throw new Error(`${op}: outputSize must contain positive integers or null, got ${JSON.stringify(outputSize)}`);
    return o as number;
  });
  checkAllocation(op, [...x.shape.slice(0, -spatial), ...outs], x.dtype);
  const planes = numel(x.shape.slice(0, -spatial));
  const axes = sizes.map((L, i) => (planes === 0 ? emptyAxis(L, outs[i]) : outs[i] === L ? FULL_AXIS(L) : adaptiveAxis(L, outs[i])));
  return spatial === 2 ? { planes, h: axes[0], w: axes[1] } : { planes, h: UNIT_AXIS, w: axes[0] };
}

/**
 * Average pooling to a fixed output size (an integer, or [H, W] with null keeping that input size), whatever
 * the input size. PyTorch: `torch.nn.functional.adaptive_avg_pool2d`.
 * @example
 * ```ts
 * F.adaptiveAvgPool2d(randn([8, 64, 7, 7]), 1).shape;  // [8, 64, 1, 1]
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, ...args: PyArgs<[outputSize: AdaptiveSize], { outputSize?: AdaptiveSize }> & [unknown, ...unknown[]]): Tensor {
  const outputSize = poolCall('adaptiveAvgPool2d', x, args, ['outputSize']).outputSize as AdaptiveSize;
  return runAvg('adaptiveAvgPool2d', x, adaptiveAttrs('adaptiveAvgPool2d', x, 2, outputSize), 2);
}

/**
 * Max pooling to a fixed output size, whatever the input size. PyTorch: `torch.nn.functional.adaptive_max_pool2d`.
 * @example
 * ```ts
 * F.adaptiveMaxPool2d(randn([1, 3, 9, 9]), [2, 2]).shape;  // [1, 3, 2, 2]
 * ```
 */
export function adaptiveMaxPool2d(x: Tensor, ...args: PyArgs<[outputSize: AdaptiveSize, returnIndices: false], { outputSize?: AdaptiveSize; returnIndices?: false }>): Tensor;
/**
 * Adaptive max pooling that also returns the index of each maximum. PyTorch:
 * `F.adaptive_max_pool2d(..., return_indices=True)`.
 * @example
 * ```ts
 * const [pooled, indices] = F.adaptiveMaxPool2d(x, 4, { returnIndices: true });
 * ```
 */
export function adaptiveMaxPool2d(x: Tensor, ...args: [outputSize: AdaptiveSize, returnIndices: true] | [outputSize: AdaptiveSize, opts: { returnIndices: true }] | [opts: { outputSize: AdaptiveSize; returnIndices: true }]): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  const opts = poolCall('adaptiveMaxPool2d', x, args, ['outputSize', 'returnIndices']) as { outputSize: AdaptiveSize; returnIndices?: boolean };
  const outputSize = opts.outputSize;
  const { out, indices } = runMax('adaptiveMaxPool2d', x, adaptiveAttrs('adaptiveMaxPool2d', x, 2, outputSize), 2, !!opts.returnIndices);
  return opts.returnIndices ? [out, indices!] : out;
}

/**
 * Average pooling of [N, C, L] or [C, L] to a fixed output length. PyTorch: `torch.nn.functional.adaptive_avg_pool1d`.
 * @example
 * ```ts
 * F.adaptiveAvgPool1d(randn([1, 2, 10]), 5).shape;  // [1, 2, 5]
 * ```
 */
export function adaptiveAvgPool1d(x: Tensor, ...args: PyArgs<[outputSize: number], { outputSize?: number }> & [unknown, ...unknown[]]): Tensor {
  const outputSize = poolCall('adaptiveAvgPool1d', x, args, ['outputSize']).outputSize as number;
  return runAvg('adaptiveAvgPool1d', x, adaptiveAttrs('adaptiveAvgPool1d', x, 1, outputSize), 1);
}

/**
 * Max pooling of [N, C, L] or [C, L] to a fixed output length. PyTorch: `torch.nn.functional.adaptive_max_pool1d`.
 * @example
 * ```ts
 * F.adaptiveMaxPool1d(randn([1, 2, 10]), 5).shape;  // [1, 2, 5]
 * ```
 */
export function adaptiveMaxPool1d(x: Tensor, ...args: PyArgs<[outputSize: number, returnIndices: boolean], { outputSize?: number; returnIndices?: boolean }> & [unknown, ...unknown[]]): Tensor {
  const b = poolCall('adaptiveMaxPool1d', x, args, ['outputSize', 'returnIndices']);
  if (b.returnIndices) throw new Error('adaptiveMaxPool1d: returnIndices is not supported here; use adaptiveMaxPool2d on an [N, C, 1, L] view');
  const outputSize = b.outputSize as number;
  return runMax('adaptiveMaxPool1d', x, adaptiveAttrs('adaptiveMaxPool1d', x, 1, outputSize), 1, false).out;
}

