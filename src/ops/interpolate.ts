// ops/interpolate.ts — torch.nn.functional.interpolate: resizing the spatial dimensions of [N, C, L],
// [N, C, H, W] or [N, C, D, H, W] by nearest-neighbour, (bi/tri)linear or area sampling.
//
// Rules (PyTorch 1.13's, to the index):
// - the output size is `size`, or floor(inSize · scaleFactor) per axis (in float64);
// - the source of output index i along an axis of input size n and output size m, with
//     scale = 1 / scaleFactor when a scaleFactor was given (and recomputeScaleFactor is not true), else n / m
//   (alignCorners: (n − 1) / (m − 1), 0 when m = 1), computed in the input's float type as PyTorch does:
//     nearest        src = min(floor(scale · i), n − 1)
//     nearest-exact  src = min(floor(scale · (i + 0.5)), n − 1)
//     linear         x = alignCorners ? scale · i : max(scale · (i + 0.5) − 0.5, 0);
//                    i0 = min(floor(x), n − 1), i1 = min(i0 + 1, n − 1), λ = clamp(x − i0, 0, 1),
//                    out = (1 − λ)·in[i0] + λ·in[i1]
//   (so the scaleFactor, not the ratio of the sizes, places the samples: 5 → 10 by 2.1 reads index
//   floor(i / 2.1), not i >> 1);
// - 'area' is adaptive average pooling to the output size;
// - every mode is separable and linear in the input: it is built from indexSelect along each axis, times
//   per-index weights for the linear modes, so it is differentiable with no kernel of its own (the
//   gradient scatters back through indexSelect's).

import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { tensor } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { requireTensor } from './util.js';
import { clone, indexSelect, reshape } from './shape.js';
import { add, mul } from './elementwise.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from './pool.js';

/**
 * How {@link interpolate} samples: 'nearest' (PyTorch's default, the OpenCV rule), 'nearest-exact' (the
 * pixel-centre rule of Pillow and scikit-image), 'linear' (3-D input), 'bilinear' (4-D), 'trilinear' (5-D)
 * or 'area' (adaptive average pooling). PyTorch: the `mode` argument of `F.interpolate`.
 * @example
 * ```ts
 * F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' });
 * ```
 */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear' | 'area';

const MODES: readonly string[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'area'];
const LINEAR_DIMS: Record<string, number> = { linear: 3, bilinear: 4, trilinear: 5 };

/**
 * Options of {@link interpolate}: any argument after the input, by name. PyTorch: the keyword arguments of
 * `F.interpolate` (`scale_factor` is `scaleFactor`, and so on).
 * @example
 * ```ts
 * F.interpolate(x, { size: [64, 64], mode: 'bilinear', alignCorners: true });
 * ```
 */
export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
  antialias?: boolean;
}

/** F.interpolate's arguments after the input, in PyTorch's order. */
export type InterpolateArgs = PyArgs<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null,
  mode: InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null, antialias: boolean], InterpolateOptions>;

const orNull = (test: (v: unknown) => boolean, what: string) => ({ test: (v: unknown) => v === null || test(v), what: `${what} or null` });
const isInt = (v: unknown) => Number.isInteger(v);
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

export const INTERPOLATE_SIGNATURE = {
  positional: [
    { name: 'size', kind: orNull((v) => isInt(v) || (Array.isArray(v) && v.every(isInt)), 'an integer, a list of integers') },
    { name: 'scaleFactor', kind: orNull((v) => isNum(v) || (Array.isArray(v) && v.every(isNum)), 'a number, a list of numbers') },
    { name: 'mode', kind: 'string' },
    { name: 'alignCorners', kind: orNull((v) => typeof v === 'boolean', 'a boolean') },
    { name: 'recomputeScaleFactor', kind: orNull((v) => typeof v === 'boolean', 'a boolean') },
    { name: 'antialias', kind: 'bool' },
  ],
} as const;

/** interpolate's arguments, checked: the output size and the scale (or null) per spatial axis. */
interface Plan { mode: InterpolateMode; outSize: number[]; scales: (number | null)[]; alignCorners: boolean }

function plan(op: string, x: Tensor, o: InterpolateOptions): Plan {
  const mode = (o.mode ?? 'nearest') as InterpolateMode;
  if (!MODES.includes(mode)) {
    const bicubic = (mode as string) === 'bicubic' ? " ('bicubic' is not implemented in convnet)" : '';
    throw new Error(`${op}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(o.mode)}${bicubic}`);
  }
  const linear = mode in LINEAR_DIMS;
  if (!linear && o.alignCorners !== undefined && o.alignCorners !== null) {
    throw new Error(`${op}: alignCorners can only be set with the interpolating modes linear, bilinear and trilinear, got mode '${mode}'`);
  }
  if (o.antialias) throw new Error(`${op}: antialias is not implemented in convnet`);
  if (x.ndim < 3 || x.ndim > 5) {
    throw new Error(`${op}: expected a 3-D (N, C, L), 4-D (N, C, H, W) or 5-D (N, C, D, H, W) input, got shape ${shapeStr(x.shape)}`);
  }
  if (linear && x.ndim !== LINEAR_DIMS[mode]) {
    throw new Error(`${op}: mode '${mode}' needs a ${LINEAR_DIMS[mode]}-D input, got ${x.ndim}-D input of shape ${shapeStr(x.shape)}`);
  }
  if (mode === 'area' && x.ndim === 5) throw new Error(`${op}: mode 'area' on 5-D input is not implemented in convnet`);
  const dims = x.ndim - 2;
  const inSize = x.shape.slice(2);
  const size = o.size ?? null, scale = o.scaleFactor ?? null;
  if (size !== null && scale !== null) throw new Error(`${op}: only one of size or scaleFactor should be given, got both`);
  if (size === null && scale === null) throw new Error(`${op}: either size or scaleFactor should be given`);
  let recompute = o.recomputeScaleFactor ?? false;
  if (recompute && size !== null) throw new Error(`${op}: recomputeScaleFactor is not meaningful with an explicit size`);
  let outSize: number[];
  let scales: (number | null)[] = new Array<null>(dims).fill(null);
  if (size !== null) {
    outSize = typeof size === 'number' ? new Array<number>(dims).fill(size) : [...size];
    if (outSize.length !== dims) {
      throw new Error(`${op}: input with ${dims} spatial dimension${dims > 1 ? 's' : ''} (shape ${shapeStr(x.shape)}) needs a size with ${dims} entries, got ${JSON.stringify(size)}`);
    }
  } else {
    const sf = typeof scale === 'number' ? new Array<number>(dims).fill(scale) : [...(scale as number[])];
    if (sf.length !== dims) {
      throw new Error(`${op}: input with ${dims} spatial dimension${dims > 1 ? 's' : ''} (shape ${shapeStr(x.shape)}) needs a scaleFactor with ${dims} entries, got ${JSON.stringify(scale)}`);
    }
    if (mode === 'area') recompute = true;
    outSize = inSize.map((n, i) => Math.floor(n * sf[i]));
    if (!recompute) scales = sf;
  }
  inSize.forEach((n, i) => {
    if (n <= 0 || outSize[i] <= 0) {
      throw new Error(`${op}: input and output sizes should be greater than 0, got input ${shapeStr(inSize)} and output ${shapeStr(outSize)}`);
    }
  });
  return { mode, outSize, scales, alignCorners: linear ? (o.alignCorners ?? false) : false };
}

/** The sampling along one axis: source indices (and the second index and weights for the linear modes). */
interface AxisSampling { i0: number[]; i1?: number[]; w0?: number[]; w1?: number[] }

function axisSampling(mode: InterpolateMode, n: number, m: number, scaleFactor: number | null, alignCorners: boolean, f32: boolean): AxisSampling {
  // PyTorch computes in the input's type: float32 arithmetic for float32 input.
  const f = f32 ? Math.fround : (v: number) => v;
  let scale: number;
  if (alignCorners) scale = m > 1 ? f(f(n - 1) / (m - 1)) : 0;
  else scale = scaleFactor !== null && scaleFactor > 0 ? f(1 / scaleFactor) : f(f(n) / m);
  const i0: number[] = [];
  if (mode === 'nearest' || mode === 'nearest-exact') {
    const offset = mode === 'nearest' ? 0 : 0.5;
    for (let i = 0; i < m; i++) i0.push(Math.min(Math.floor(f(scale * (i + offset))), n - 1));
    return { i0 };
  }
  const i1: number[] = [], w0: number[] = [], w1: number[] = [];
  for (let i = 0; i < m; i++) {
    let src = alignCorners ? f(scale * i) : f(scale * (i + 0.5) - 0.5);
    if (src < 0) src = 0;
    const a = Math.min(Math.floor(src), n - 1);
    const lambda = Math.min(Math.max(f(src - a), 0), 1);
    i0.push(a);
    i1.push(a < n - 1 ? a + 1 : a);
    w1.push(lambda);
    w0.push(f(1 - lambda));
  }
  return { i0, i1, w0, w1 };
}

function indexTensor(idx: number[]): Tensor {
  return tensor(idx, { dtype: 'int32' });
}

/** Resamples dimension `dim` of x by `s`: a gather, or two gathers and a weighted sum. */
function resampleAxis(x: Tensor, dim: number, s: AxisSampling): Tensor {
  const n = x.shape[dim];
  const identity = s.i0.length === n && s.i0.every((v, i) => v === i) && (!s.w1 || s.w1.every((w) => w === 0));
  if (identity) return x;
  const a = indexSelect(x, dim, indexTensor(s.i0));
  if (!s.i1) return a;
  // The weights as a column along `dim`, broadcasting over the dimensions after it.
  const wShape = [s.i0.length, ...new Array<number>(x.ndim - dim - 1).fill(1)];
  const weights = (w: number[]) => reshape(tensor(w, { dtype: x.dtype }), wShape);
  const b = indexSelect(x, dim, indexTensor(s.i1));
  return add(mul(a, weights(s.w0!)), mul(b, weights(s.w1!)));
}

/**
 * Resizes the spatial dimensions of `input` ([N, C, L], [N, C, H, W] or [N, C, D, H, W]) to `size`, or by
 * `scaleFactor`, sampling by `mode` ('nearest' by default; 'nearest-exact'; 'linear', 'bilinear' or
 * 'trilinear' with `alignCorners`; 'area'). Arguments in PyTorch's order — size, scaleFactor, mode,
 * alignCorners, recomputeScaleFactor, antialias — by position or by name; the source positions follow
 * PyTorch's rules exactly (a given scaleFactor places the samples unless recomputeScaleFactor is true).
 * Differentiable. PyTorch: `torch.nn.functional.interpolate`.
 * @example
 * ```ts
 * F.interpolate(randn([1, 3, 8, 8]), { scaleFactor: 2 }).shape;  // [1, 3, 16, 16]
 * F.interpolate(tensor([[[1, 2]]]), 4, null, 'linear');          // tensor([[[1., 1.25, 1.75, 2.]]])
 * F.interpolate(x, { size: [5, 7], mode: 'bilinear', alignCorners: true });
 * ```
 */
export const interpolate = scoped(function interpolate(input: Tensor, ...rest: InterpolateArgs): Tensor {
  const op = 'interpolate';
  requireTensor(op, 'input', input);
  const o = bindArgs(op, rest, INTERPOLATE_SIGNATURE as unknown as Parameters<typeof bindArgs>[2]) as InterpolateOptions;
  return interpolateWith(op, input, o);
});

/** interpolate with its arguments bound (nn.Upsample's forward). */
export function interpolateWith(op: string, input: Tensor, o: InterpolateOptions): Tensor {
  requireTensor(op, 'input', input);
  const p = plan(op, input, o);
  if (p.mode === 'area') {
    return input.ndim === 3 ? adaptiveAvgPool1d(input, p.outSize[0]) : adaptiveAvgPool2d(input, p.outSize as [number, number]);
  }
  if (p.mode in LINEAR_DIMS && input.dtype === 'int32') {
    throw new Error(`${op}: mode '${p.mode}' needs a floating-point input, got int32 (of shape ${shapeStr(input.shape)})`);
  }
  let y = input;
  p.outSize.forEach((m, i) => {
    const s = axisSampling(p.mode, input.shape[2 + i], m, p.scales[i], p.alignCorners, input.dtype !== 'float64');
    y = resampleAxis(y, 2 + i, s);
  });
  return y === input ? clone(input) : y;
}
