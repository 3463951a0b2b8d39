// ops/conv.ts — convolution as PyTorch computes it (cross-correlation) in 1-D and 2-D, and the tutorial's
// corr2d / convolve2d on plain 2-D arrays.
//
// Rules (torch.nn.functional.conv2d / nn.Conv2d):
// - output size per axis: floor((H + padLo + padHi − d·(k − 1) − 1) / s) + 1;
// - padding 'valid' = 0; 'same' pads d·(k − 1) in total, the odd extra on the bottom/right, stride 1 only;
// - paddingMode other than 'zeros' means F.pad with that mode by the padding, then a convolution with
//   padding 0 (nn.Conv2d's padding_mode);
// - unbatched input (C, H, W) is treated as a batch of one;
// - gradients are themselves convolutions: dX is the transposed convolution of dY with W, dW correlates X
//   with dY (backend conv2dGradInput / conv2dGradWeight), db sums dY over N, H, W;
// - large kernels may run through the convolution theorem instead (the backend's fftConv2d kernels, chosen
//   by ops/fft-conv.ts's cost model or forced by F.fftConv2d); the result is the same to rounding.

import { backend, type Conv2dAttrs, type PadMode } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { promoteTypes } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { fftChosen, withFftForced } from './fft-conv.js';
import { checkOptions, oneOf, tupleArg, type Size } from './args.js';
import { checkAllocation, cast, copiesOf, requireTensor, wrap } from './util.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { reshape, squeeze, unsqueeze, flip } from './shape.js';
import { sum } from './reduce.js';
import { padAs } from './pad.js';

/**
 * How a convolution pads its input: with zeros, by reflection about the edge, by repeating the edge, or by
 * wrapping around. PyTorch: the `padding_mode` argument of `nn.Conv2d` ('zeros', 'reflect', 'replicate',
 * 'circular').
 * @example
 * ```ts
 * F.conv2d(x, w, null, { padding: 1, paddingMode: 'circular' });
 * ```
 */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
/**
 * A convolution's padding: one size for every side, one per spatial dimension, `'valid'` (none) or `'same'`
 * (the output keeps the input's size; an odd extra pad goes to the bottom/right). PyTorch: the `padding`
 * argument of `F.conv2d`.
 * @example
 * ```ts
 * F.conv2d(x, w, null, { padding: 'same' });
 * F.conv2d(x, w, null, { padding: [2, 1] });
 * ```
 */
export type ConvPadding = number | readonly number[] | 'same' | 'valid';

/**
 * Options of {@link conv1d} and {@link conv2d}: stride, padding, dilation, groups and `paddingMode`.
 * PyTorch: the keyword arguments of `F.conv2d` (plus `nn.Conv2d`'s `padding_mode`).
 * @example
 * ```ts
 * F.conv2d(x, w, b, { stride: 2, padding: 'same', dilation: 2, groups: 5 });
 * ```
 */
export interface ConvOptions {
  stride?: Size;
  padding?: ConvPadding;
  dilation?: Size;
  groups?: number;
  paddingMode?: PaddingMode;
}

const CONV_OPTIONS = ['stride', 'padding', 'dilation', 'groups', 'paddingMode'] as const;
const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** A convolution's options, checked and in full: one value per spatial axis (so stride.length is the
 *  number of spatial dims). */
export interface ConvArgs {
  stride: number[];
  dilation: number[];
  /** Symmetric padding per axis, or the string form ('same' pads d·(k − 1) in all, the odd extra last). */
  padding: number[] | 'same' | 'valid';
  groups: number;
  paddingMode: PaddingMode;
}

/** The one place a convolution's options are checked: by F.conv1d/conv2d on every call, and by
 *  nn.Conv1d/Conv2d once, when built (as PyTorch's _ConvNd), whose forward then goes straight to convCore. */
export function convArgs(op: string, opts: ConvOptions, spatial: number): ConvArgs {
  checkOptions(op, opts, CONV_OPTIONS);
  const paddingMode = oneOf(op, 'paddingMode', opts.paddingMode, PADDING_MODES, 'zeros');
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${JSON.stringify(opts.groups)}`);
  const stride = tupleArg(op, 'stride', opts.stride, spatial, 1, 1);
  const dilation = tupleArg(op, 'dilation', opts.dilation, spatial, 1, 1);
  const p = opts.padding ?? 0;
  let padding: ConvArgs['padding'];
  if (p === 'same' || p === 'valid') {
    if (p === 'same' && stride.some((v) => v !== 1)) {
      throw new Error(`${op}: padding='same' is not supported for strided convolutions (stride=${JSON.stringify(opts.stride)}); give the padding as a number`);
    }
    padding = p;
  } else if (typeof p === 'string') {
    throw new Error(`${op}: padding must be a number, a list of ${spatial} numbers, 'same' or 'valid', got '${p}'`);
  } else {
    padding = tupleArg(op, 'padding', p, spatial, 0);
  }
  return { stride, dilation, padding, groups, paddingMode };
}

/** Checks that groups divides both channel counts (for a layer: when it is built; on every call: on the
 *  input and the weight, whose shape the message then names). */
export function checkGroups(op: string, inChannels: number, outChannels: number, groups: number, weightShape?: readonly number[]): void {
  if (inChannels % groups !== 0) throw new Error(`${op}: groups=${groups} must divide the ${inChannels} input channels`);
  if (outChannels % groups !== 0) {
    throw new Error(`${op}: groups=${groups} must divide the ${outChannels} output channels${weightShape ? ` of weight ${shapeStr(weightShape)}` : ''}`);
  }
}

/** [lo, hi] padding per spatial axis for kernel sizes k and dilations d. */
function padAmounts(padding: ConvArgs['padding'], k: number[], d: number[]): [number, number][] {
  if (padding === 'valid') return k.map(() => [0, 0]);
  if (padding === 'same') {
    return k.map((kk, i) => {
      const total = d[i] * (kk - 1);
      const lo = Math.floor(total / 2);
      return [lo, total - lo];
    });
  }
  return padding.map((p) => [p, p]);
}

/** Shared by conv1d and conv2d: input 4-D [N, C, H, W], weight [OC, C/groups, KH, KW]. */
function convolve(op: string, x: Tensor, w: Tensor, bias: Tensor | null, args: ConvArgs, spatial: 1 | 2): Tensor {
  const { groups, paddingMode } = args;
  // 1-D convs run as 2-D with H = 1; every per-axis list below is [h, w].
  const lift1 = (v: number[]) => (spatial === 1 ? [1, v[0]] : v);
  const stride = lift1(args.stride);
  const dilation = lift1(args.dilation);
  const [N, C, H, W] = x.shape;
  const [OC, Cg, KH, KW] = w.shape;
  const pads = padAmounts(args.padding, spatial === 1 ? [KW] : [KH, KW], args.dilation);
  const [[pT, pB], [pL, pR]] = spatial === 1 ? [[0, 0], pads[0]] : pads;
  const wShape = spatial === 1 ? [OC, Cg, KW] : [OC, Cg, KH, KW];

  checkGroups(op, C, OC, groups, wShape);
  if (Cg * groups !== C) {
    throw new Error(`${op}: input has ${C} channels but weight ${shapeStr(wShape)} with groups=${groups} expects ${Cg * groups}`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== OC)) {
    throw new Error(`${op}: bias must have shape [${OC}] (one per output channel of weight ${shapeStr(wShape)}), got ${shapeStr(bias.shape)}`);
  }
  // An empty batch (N = 0) gives an empty output, as in PyTorch; empty channels or planes are an error.
  if (x.shape.slice(-spatial - 1).some((d) => d === 0)) throw new Error(`${op}: input of shape ${shapeStr(x.shape)} is empty`);

  let input = x;
  let [padTop, padBottom, padLeft, padRight] = [pT, pB, pL, pR];
  if (paddingMode !== 'zeros' && (pT || pB || pL || pR)) {
    // nn.Conv2d's padding_mode: pad explicitly with that mode, then convolve without padding.
    input = padAs(op, x, spatial === 1 ? [pL, pR] : [pL, pR, pT, pB], { mode: paddingMode as PadMode });
    [padTop, padBottom, padLeft, padRight] = [0, 0, 0, 0];
  }
  const Hp = input.shape[2] + padTop + padBottom, Wp = input.shape[3] + padLeft + padRight;
  const ekH = dilation[0] * (KH - 1) + 1, ekW = dilation[1] * (KW - 1) + 1;
  if (ekH > Hp || ekW > Wp) {
    const k = spatial === 1 ? `${ekW}` : `${ekH}x${ekW}`;
    const inp = spatial === 1 ? `${Wp}` : `${Hp}x${Wp}`;
    throw new Error(`${op}: kernel size ${k} (after dilation) is larger than the padded input ${inp} (input ${shapeStr(x.shape)})`);
  }
  const a: Conv2dAttrs = {
    N, C, H: input.shape[2], W: input.shape[3], OC, KH, KW,
    OH: Math.floor((Hp - ekH) / stride[0]) + 1, OW: Math.floor((Wp - ekW) / stride[1]) + 1,
    strideH: stride[0], strideW: stride[1], padTop, padLeft,
    dilationH: dilation[0], dilationW: dilation[1], groups,
  };
  let dtype = promoteTypes(x.dtype, w.dtype);
  if (bias) dtype = promoteTypes(dtype, bias.dtype);
  if (dtype === 'int32') dtype = 'float32';
  checkAllocation(op, [N, OC, a.OH, a.OW], dtype);
  const fft = fftChosen(a);
  const bk = backend();
  const xc = cast(input, dtype), wc = cast(w, dtype), bc = bias ? cast(bias, dtype) : null;
  const bs = bc ? bc.storage : null;
  const out = wrap(fft ? bk.fftConv2d(xc.storage, wc.storage, bs, a) : bk.conv2d(xc.storage, wc.storage, bs, a), [N, OC, a.OH, a.OW]);
  const inputs = bias ? [input, w, bias] : [input, w];
  // g comes in dtype (the output's).
  return record(fft ? 'fftConv2d' : op, out, inputs, (g) => {
    const bk = backend(), gs = g.storage, ws = wc.storage, xs = xc.storage;
    return [
      input.requiresGrad ? wrap(fft ? bk.fftConv2dGradInput(gs, ws, a) : bk.conv2dGradInput(gs, ws, a), input.shape) : null,
      w.requiresGrad ? wrap(fft ? bk.fftConv2dGradWeight(xs, gs, a) : bk.conv2dGradWeight(xs, gs, a), w.shape) : null,
      bias?.requiresGrad ? sum(g, [0, 2, 3]) : null,
    ];
  }, copiesOf([xc, input], [wc, w]));
}

/**
 * The arguments of {@link conv1d}, {@link conv2d} and {@link fftConv2d} after the input and the weight, in
 * PyTorch's order `(bias, stride, padding, dilation, groups)`, any of them (and convnet's `paddingMode`) by name
 * in a trailing options object. PyTorch: the arguments of `F.conv2d`.
 * @example
 * ```ts
 * const args: ConvCallArgs = [null, 2, 1];   // F.conv2d(x, w, null, 2, 1): stride 2, padding 1
 * ```
 */
export type ConvCallArgs = PyArgs<[bias: Tensor | null | undefined, stride: Size | undefined, padding: ConvPadding | undefined, dilation: Size | undefined, groups: number | undefined],
  ConvOptions & { bias?: Tensor | null }>;

const BIAS_KIND = { test: (v: unknown) => v === null || v instanceof Tensor, what: 'a Tensor or null' };

/** Binds conv's (input, weight, bias, stride, padding, dilation, groups, *, paddingMode). */
function convCall(op: string, input: Tensor, weight: Tensor, args: readonly unknown[]): [Tensor | null, ConvOptions] {
  requireTensor(op, 'input', input);
  const a = bindArgs(op, [input, weight, ...args], {
    positional: [{ name: 'input', kind: 'tensor', required: true }, { name: 'weight', required: true }, { name: 'bias', kind: BIAS_KIND },
      'stride', 'padding', 'dilation', 'groups'],
    keywordOnly: ['paddingMode'],
  });
  const { bias, input: _i, weight: _w, ...opts } = a;
  return [(bias as Tensor | null | undefined) ?? null, opts as ConvOptions];
}

/**
 * F.conv1d / F.conv2d once the options are checked (by convArgs; args.stride.length tells 1-D from 2-D):
 * checks the tensors and convolves. nn.Conv1d/Conv2d call it with the arguments they checked when built.
 */
export const convCore = scoped(function convCore(input: Tensor, weight: Tensor, bias: Tensor | null, args: ConvArgs): Tensor {
  if (args.stride.length === 1) {
    requireTensor('conv1d', 'input', input);
    requireTensor('conv1d', 'weight', weight);
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new Error(`conv1d: expected input to be 2-D (C, L) or 3-D (N, C, L), got shape ${shapeStr(input.shape)}`);
    }
    if (weight.ndim !== 3) {
      throw new Error(`conv1d: expected weight to be 3-D (outChannels, inChannels/groups, k), got shape ${shapeStr(weight.shape)}`);
    }
    const x3 = input.ndim === 2 ? unsqueeze(input, 0) : input;
    const y3 = squeeze(convolve('conv1d', unsqueeze(x3, 2), unsqueeze(weight, 2), bias, args, 1), 2);
    return input.ndim === 2 ? squeeze(y3, 0) : y3;
  }
  requireTensor('conv2d', 'input', input);
  requireTensor('conv2d', 'weight', weight);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new Error(`conv2d: expected input to be 3-D (C, H, W) or 4-D (N, C, H, W), got shape ${shapeStr(input.shape)}`);
  }
  if (weight.ndim !== 4) {
    throw new Error(`conv2d: expected weight to be 4-D (outChannels, inChannels/groups, kH, kW), got shape ${shapeStr(weight.shape)}`);
  }
  if (input.ndim === 3) return squeeze(convolve('conv2d', unsqueeze(input, 0), weight, bias, args, 2), 0);
  return convolve('conv2d', input, weight, bias, args, 2);
});

/**
 * 2-D convolution (cross-correlation) of `input` [N, C, H, W] or [C, H, W] with `weight`
 * [OC, C / groups, KH, KW], plus an optional `bias` [OC]; the bias may be left out and the options passed
 * third. Large kernels are computed by FFT (see {@link setFftConvPolicy}). PyTorch: `torch.nn.functional.conv2d`.
 * @example
 * ```ts
 * const y = F.conv2d(randn([1, 3, 32, 32]), randn([8, 3, 3, 3]), null, { padding: 1 });
 * y.shape;  // [1, 8, 32, 32]
 * F.conv2d(x, w, { stride: 2 });  // no bias
 * F.conv2d(x, w, b, 1, 1);        // PyTorch's order: bias, stride, padding, dilation, groups
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, ...args: ConvCallArgs): Tensor {
  const [b, opts] = convCall('conv2d', input, weight, args);
  return convCore(input, weight, b, convArgs('conv2d', opts, 2));
}

/**
 * {@link conv2d} computed through the FFT: the same arguments, options and result (stride, padding including
 * 'same', dilation, groups, paddingMode, unbatched input), differentiable. Faster than the direct kernel for
 * large kernels; conv2d itself switches to it there (see {@link setFftConvPolicy}). PyTorch has no
 * counterpart (it is `F.conv2d` computed another way).
 * @example
 * ```ts
 * F.fftConv2d(img, randn([1, 1, 31, 31]), null, { padding: 'same' });
 * ```
 */
export function fftConv2d(input: Tensor, weight: Tensor, ...args: ConvCallArgs): Tensor {
  const [b, opts] = convCall('fftConv2d', input, weight, args);
  return withFftForced(() => conv2d(input, weight, b, opts));
}

/**
 * 1-D convolution (cross-correlation) of `input` [N, C, L] or [C, L] with `weight` [OC, C / groups, K], plus
 * an optional `bias` [OC]. PyTorch: `torch.nn.functional.conv1d`.
 * @example
 * ```ts
 * F.conv1d(randn([4, 2, 100]), randn([8, 2, 5]), null, { padding: 2 }).shape;  // [4, 8, 100]
 * ```
 */
export function conv1d(input: Tensor, weight: Tensor, ...args: ConvCallArgs): Tensor {
  const [b, opts] = convCall('conv1d', input, weight, args);
  return convCore(input, weight, b, convArgs('conv1d', opts, 1));
}

function check2d(op: string, name: string, t: Tensor): void {
  requireTensor(op, name, t);
  if (t.ndim !== 2) throw new Error(`${op}: ${name} must be 2-D (H, W), got shape ${shapeStr(t.shape)}`);
}

/**
 * The tutorial's 2-D cross-correlation of a matrix X with a kernel K, 'valid' size:
 * Y[i, j] = Σ_a Σ_b X[i + a, j + b] · K[a, b]. PyTorch: `d2l.corr2d` (Dive into Deep Learning).
 * @example
 * ```ts
 * F.corr2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]]));
 * // tensor([[19., 25.], [37., 43.]])
 * ```
 */
export const corr2d = scoped(function corr2d(X: Tensor, K: Tensor, ...extra: never[]): Tensor {
  if (extra.length) bindArgs('corr2d', [X, K, ...extra], { positional: ['X', 'K'] }); // an extra argument throws, naming it
  check2d('corr2d', 'X', X);
  check2d('corr2d', 'K', K);
  if (K.shape[0] > X.shape[0] || K.shape[1] > X.shape[1]) {
    throw new Error(`corr2d: kernel ${shapeStr(K.shape)} is larger than the input ${shapeStr(X.shape)}`);
  }
  const [h, w] = K.shape;
  const y = conv2d(reshape(X, [1, 1, ...X.shape]), reshape(K, [1, 1, h, w]));
  return reshape(y, y.shape.slice(2));
});

/**
 * Options of {@link convolve2d}: the output `mode`, as SciPy's. PyTorch: none (SciPy: the `mode` of
 * `scipy.signal.convolve2d`).
 * @example
 * ```ts
 * F.convolve2d(X, K, { mode: 'same' });
 * ```
 */
export interface Convolve2dOptions {
  /** 'valid' (default, the size corr2d gives), 'full' (every overlap), 'same' (the input's size, centred as scipy). */
  mode?: 'valid' | 'full' | 'same';
}

/**
 * True 2-D convolution as signal processing defines it: the kernel is rotated by 180° before it slides,
 * Y[i, j] = Σ_a Σ_b X[i − a, j − b] · K[a, b]; mode 'valid' (default), 'full' or 'same'. With 'valid' it is
 * corr2d(X, flip(K)). PyTorch: none (SciPy: `scipy.signal.convolve2d`).
 * @example
 * ```ts
 * F.convolve2d(X, K, { mode: 'full' });
 * ```
 */
export const convolve2d = scoped(function convolve2d(X: Tensor, K: Tensor, ...args: PyArgs<[mode: 'valid' | 'full' | 'same'], Convolve2dOptions>): Tensor {
  check2d('convolve2d', 'X', X);
  check2d('convolve2d', 'K', K);
  const opts = bindArgs('convolve2d', [X, K, ...args], { positional: ['X', 'K', { name: 'mode', kind: 'string' }] }) as Convolve2dOptions;
  const mode = oneOf('convolve2d', 'mode', opts.mode, ['valid', 'full', 'same'] as const, 'valid');
  const [kh, kw] = K.shape;
  const rotated = reshape(flip(K, [0, 1]), [1, 1, kh, kw]);
  const x4 = reshape(X, [1, 1, ...X.shape]);
  if (mode === 'valid') {
    if (kh > X.shape[0] || kw > X.shape[1]) {
      throw new Error(`convolve2d: kernel ${shapeStr(K.shape)} is larger than the input ${shapeStr(X.shape)} (use mode 'full' or 'same')`);
    }
    const y = conv2d(x4, rotated);
    return reshape(y, y.shape.slice(2));
  }
  // full: pad k − 1 on every side; same: the centre of full, i.e. ceil((k−1)/2) before, floor after.
  const lo = (k: number) => (mode === 'full' ? k - 1 : Math.ceil((k - 1) / 2));
  const hi = (k: number) => (mode === 'full' ? k - 1 : Math.floor((k - 1) / 2));
  const padded = padAs('convolve2d', x4, [lo(kw), hi(kw), lo(kh), hi(kh)], {});
  const y = conv2d(padded, rotated);
  return reshape(y, y.shape.slice(2));
});
