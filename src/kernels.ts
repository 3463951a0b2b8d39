// kernels.ts — the named image kernels of the tutorial, and filter2d, which applies one kernel to every
// channel of an image (a depthwise conv2d with groups = C), as image-processing tools do.
//
// Every kernel is a fresh float32 2-D tensor on each access (so a caller may train or modify it):
//   kernels.sobelX      [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]   (responds to vertical edges, d/dx)
//   kernels.sobelY      its transpose                          (horizontal edges, d/dy)
//   kernels.laplacian   [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
//   kernels.gaussian    5×5, σ = 1, sums to 1                  (kernels.gaussianKernel(size, sigma))
//   kernels.box         3×3 of 1/9                             (kernels.boxKernel(size))
//   kernels.sharpen     [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
//   kernels.emboss      [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]
//   kernels.identity    [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
//   kernels.edgeX       [[1, -1]]                               (the tutorial's edge detector)
//
// filter2d applies the kernel as a CNN does — cross-correlation, the kernel not flipped — with 'same'
// output size: padding k − 1 in total per axis, the odd extra on the bottom/right as F.conv2d's 'same',
// filled by the chosen padding mode. The filter named 'sobel' is the gradient magnitude
// sqrt(sobelX² + sobelY²) of each channel.

import { Tensor } from './tensor/tensor.js';
import { tensor } from './tensor/creation.js';
import { shapeStr } from './tensor/shape.js';
import { conv2d, type ConvPadding, type PaddingMode } from './ops/conv.js';
import { tupleArg } from './ops/args.js';
import { bindArgs } from './tensor/signature.js';
import { pad } from './ops/pad.js';
import { reshape, expand, unsqueeze, squeeze } from './ops/shape.js';
import { add, mul, sqrt } from './ops/elementwise.js';

/**
 * A size × size Gaussian kernel (default 5, σ = 1) that sums to 1. PyTorch: none (torchvision's
 * `GaussianBlur` builds the same kernel).
 * @example
 * ```ts
 * filter2d(img, gaussianKernel(7, 2));
 * ```
 */
export function gaussianKernel(size = 5, sigma = 1): Tensor {
  if (!Number.isInteger(size) || size < 1) throw new Error(`gaussianKernel: size must be a positive integer, got ${size}`);
  if (!(sigma > 0)) throw new Error(`gaussianKernel: sigma must be positive, got ${sigma}`);
  const c = (size - 1) / 2;
  const g = Array.from({ length: size }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  return tensor(g.map((gy) => g.map((gx) => (gy * gx) / (s * s))));
}

/**
 * A size × size box filter (default 3), every entry 1/size². PyTorch: none.
 * @example
 * ```ts
 * boxKernel(3);  // 3×3 of 1/9
 * ```
 */
export function boxKernel(size = 3): Tensor {
  if (!Number.isInteger(size) || size < 1) throw new Error(`boxKernel: size must be a positive integer, got ${size}`);
  return tensor(Array.from({ length: size }, () => new Array(size).fill(1 / (size * size))));
}

/**
 * The tutorial's named image kernels, each a fresh float32 2-D tensor on every access (so a caller may
 * train or modify it), and the makers `gaussianKernel(size, sigma)` and `boxKernel(size)`. Use them with
 * {@link filter2d} or as conv2d weights. PyTorch has no counterpart (OpenCV and SciPy have these filters).
 * @example
 * ```ts
 * filter2d(img, kernels.sobelX);                  // vertical edges
 * kernels.gaussianKernel(7, 2).shape;             // [7, 7]
 * ```
 */
export const kernels = {
  /** Sobel's horizontal derivative [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]: responds to vertical edges. */
  get sobelX(): Tensor { return tensor([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]); },
  /** Sobel's vertical derivative (sobelX transposed): responds to horizontal edges. */
  get sobelY(): Tensor { return tensor([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]); },
  /** The 3×3 Laplacian [[0, 1, 0], [1, -4, 1], [0, 1, 0]]. */
  get laplacian(): Tensor { return tensor([[0, 1, 0], [1, -4, 1], [0, 1, 0]]); },
  /** A 5×5 Gaussian blur with σ = 1, summing to 1. */
  get gaussian(): Tensor { return gaussianKernel(5, 1); },
  /** A 3×3 box blur, every entry 1/9. */
  get box(): Tensor { return boxKernel(3); },
  /** The sharpening kernel [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]. */
  get sharpen(): Tensor { return tensor([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]); },
  /** The emboss kernel [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]. */
  get emboss(): Tensor { return tensor([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]); },
  /** The 3×3 identity: a 1 in the centre. */
  get identity(): Tensor { return tensor([[0, 0, 0], [0, 1, 0], [0, 0, 0]]); },
  /** The tutorial's edge detector [[1, -1]]. */
  get edgeX(): Tensor { return tensor([[1, -1]]); },
  /** A size × size Gaussian (default 5, σ = 1) that sums to 1. */
  gaussianKernel,
  /** A size × size box filter (default 3) of 1/size². */
  boxKernel,
};

/** The names `filter2d`/`convnet filter` accept; 'sobel' is the gradient magnitude. */
export const FILTER_NAMES = ['sobel-x', 'sobel-y', 'sobel', 'laplacian', 'gaussian', 'box', 'sharpen', 'emboss', 'identity'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

/** A named kernel ('sobel-x', 'sobelX', 'gaussian', …) or a JSON matrix '[[1, 0], [0, -1]]'. */
export function kernelFromSpec(spec: string): Tensor {
  const s = spec.trim();
  if (s.startsWith('[')) {
    let rows: unknown;
    try { rows = JSON.parse(s); } catch { throw new Error(`kernel: '${spec}' is not a valid JSON matrix such as [[0,1],[2,3]]`); }
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Array.isArray(r) && r.length === (rows as unknown[][])[0].length && r.length > 0 && r.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
      throw new Error(`kernel: '${spec}' must be a non-empty rectangular matrix of numbers, e.g. [[0,1],[2,3]]`);
    }
    return tensor(rows as number[][]);
  }
  const camel = s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const table: Record<string, () => Tensor> = {
    sobelX: () => kernels.sobelX, sobelY: () => kernels.sobelY, laplacian: () => kernels.laplacian,
    gaussian: () => kernels.gaussian, box: () => kernels.box, sharpen: () => kernels.sharpen,
    emboss: () => kernels.emboss, identity: () => kernels.identity, edgeX: () => kernels.edgeX,
  };
  const f = Object.hasOwn(table, camel) ? table[camel] : undefined; // not 'toString' from Object.prototype
  if (!f) throw new Error(`kernel: unknown kernel '${spec}' (expected one of ${FILTER_NAMES.join(', ')}, or a matrix '[[…]]')`);
  return f();
}

/**
 * Options of {@link filter2d}, named as {@link conv2d}'s: `padding` is the amount (`'same'`, the default,
 * keeps the size; `'valid'` pads nothing; or a number or [pH, pW] on each side), `paddingMode` how the
 * border is filled (`'reflect'` by default, as image tools do; `'zeros'` as a CNN does), and the stride.
 * PyTorch: none (`F.conv2d`'s `stride`, `padding` and `padding_mode`).
 * @example
 * ```ts
 * filter2d(img, 'laplacian', { paddingMode: 'zeros', stride: 2 });
 * filter2d(img, 'gaussian', { padding: 'valid' });
 * ```
 */
export interface Filter2dOptions {
  /** The padding amount: 'same' (default: the output keeps the input's size, divided by the stride),
   *  'valid' (none), or a number or [pH, pW] on each side, as conv2d's. */
  padding?: ConvPadding;
  /** How the border is filled ('reflect' default, as image tools do; 'zeros' as a CNN does). */
  paddingMode?: PaddingMode;
  stride?: number | [number, number];
}

const FILTER_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/**
 * Applies a 2-D kernel (a tensor, or a name such as 'sobel-x' or 'gaussian') to every channel of an image
 * [H, W], [C, H, W] or [N, C, H, W]: a depthwise cross-correlation. By default the border is reflected and
 * the size kept ('same', divided by the stride); the options are named as conv2d's (`padding` the amount,
 * `paddingMode` the fill). 'sobel' gives the gradient magnitude. Differentiable. PyTorch: `F.conv2d` with
 * `groups=C` after `F.pad`.
 * @example
 * ```ts
 * filter2d(img, kernels.sobelX);
 * filter2d(img, 'sobel');                 // √(sobelX² + sobelY²) per channel
 * filter2d(img, '[[1, 0], [0, -1]]');     // a JSON matrix
 * filter2d(img, 'box', { padding: 1, paddingMode: 'zeros' });
 * ```
 */
export function filter2d(x: Tensor, kernel: Tensor | string, ...args: [opts?: Filter2dOptions]): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`filter2d: x must be a Tensor, got ${typeof x}`);
  const a = bindArgs('filter2d', [x, kernel, ...args], {
    positional: [{ name: 'input', required: true }, { name: 'kernel', required: true }],
    keywordOnly: ['stride', 'padding', { name: 'paddingMode', kind: 'string' }],
  });
  const opts: Filter2dOptions = { stride: a.stride as Filter2dOptions['stride'], padding: a.padding as ConvPadding | undefined, paddingMode: a.paddingMode as PaddingMode | undefined };
  if (x.ndim < 2 || x.ndim > 4) throw new Error(`filter2d: expected an image [H, W], [C, H, W] or [N, C, H, W], got shape ${shapeStr(x.shape)}`);
  if (kernel === 'sobel') {
    const gx = filter2d(x, kernels.sobelX, opts), gy = filter2d(x, kernels.sobelY, opts);
    return sqrt(add(mul(gx, gx), mul(gy, gy)));
  }
  const k = typeof kernel === 'string' ? kernelFromSpec(kernel) : kernel;
  if (k.ndim !== 2) throw new Error(`filter2d: kernel must be 2-D (kH, kW), got shape ${shapeStr(k.shape)}`);
  const x4 = x.ndim === 4 ? x : x.ndim === 3 ? unsqueeze(x, 0) : reshape(x, [1, 1, ...x.shape]);
  const C = x4.shape[1];
  const [kh, kw] = k.shape;
  const mode = opts.paddingMode ?? 'reflect';
  if (!FILTER_MODES.includes(mode)) throw new Error(`filter2d: paddingMode must be one of ${FILTER_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
  const p = opts.padding ?? 'same';
  let amounts: number[]; // [left, right, top, bottom]
  if (p === 'same') amounts = [Math.floor((kw - 1) / 2), Math.ceil((kw - 1) / 2), Math.floor((kh - 1) / 2), Math.ceil((kh - 1) / 2)];
  else if (p === 'valid') amounts = [0, 0, 0, 0];
  else if (typeof p === 'string') {
    const hint = (FILTER_MODES as readonly string[]).includes(p) || p === 'none'
      ? ` (padding is the amount, as conv2d's; the fill is paddingMode: { paddingMode: '${p === 'none' ? 'zeros' : p}' }${p === 'none' ? ', and no padding is \'valid\'' : ''})` : '';
    throw new Error(`filter2d: padding must be 'same', 'valid', a number or [pH, pW], got ${JSON.stringify(p)}${hint}`);
  } else {
    const [ph, pw] = tupleArg('filter2d', 'padding', p, 2, 0);
    amounts = [pw, pw, ph, ph];
  }
  const padded = amounts.every((v) => v === 0) ? x4 : pad(x4, amounts, { mode: mode === 'zeros' ? 'constant' : mode });
  const w = expand(reshape(k, [1, 1, kh, kw]), [C, 1, kh, kw]);
  const y = conv2d(padded, w, null, { stride: opts.stride ?? 1, groups: C });
  return x.ndim === 4 ? y : x.ndim === 3 ? squeeze(y, 0) : reshape(y, y.shape.slice(2));
}
