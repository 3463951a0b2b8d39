// ops/conv-transpose.ts — transposed convolution (torch.nn.functional.conv_transpose1d / conv_transpose2d).
//
// Rules:
// - input [N, Cin, H, W] (or unbatched [Cin, H, W]); weight [Cin, Cout / groups, KH, KW] (the layout of the
//   convolution it transposes); output [N, Cout, OH, OW] with, per axis,
//     OH = (H − 1)·stride − 2·padding + dilation·(KH − 1) + outputPadding + 1;
// - outputPadding must be smaller than the stride or the dilation (PyTorch's rule); it adds rows/columns at
//   the bottom/right that only the kernel's far taps reach;
// - a transposed convolution is the gradient of a convolution with respect to its input. With the conv
//   attrs of the convolution that maps an [N, Cout, OH, OW] input to [N, Cin, H, W] by this weight, stride,
//   padding, dilation and groups:
//     forward   y  = conv2dGradInput(x, w)
//     backward  dx = conv2d(g, w)            (the convolution itself)
//               dw = conv2dGradWeight(g, x)  (its weight gradient, the roles of input and output swapped)
//               db = Σ g over N, OH, OW      (the bias is added by a broadcast add)
//   so every backend's convolution kernels serve, and no new kernel is needed;
// - 1-D runs as 2-D with H = KH = 1.

import { backend, type Conv2dAttrs } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { promoteTypes } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { bindArgs, describeValue, type PyArgs } from '../tensor/signature.js';
import { tupleArg, type Size } from './args.js';
import { cast, checkAllocation, copiesOf, requireTensor, wrap } from './util.js';
import { reshape, squeeze, toDtype, unsqueeze } from './shape.js';
import { add } from './elementwise.js';

/** A transposed convolution's options, checked and in full: one value per spatial axis. */
export interface ConvTransposeArgs {
  stride: number[];
  padding: number[];
  outputPadding: number[];
  groups: number;
  dilation: number[];
}

/** The options as given: each size an integer or one per spatial axis. */
export interface ConvTransposeOptionsIn {
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  dilation?: Size;
}

/** The one place a transposed convolution's options are checked: by F.convTranspose1d/2d on every call and
 *  by nn.ConvTranspose1d/2d once, when built. */
export function convTransposeArgs(op: string, o: ConvTransposeOptionsIn, spatial: number): ConvTransposeArgs {
  if (typeof o.padding === 'string') {
    throw new Error(`${op}: padding must be an integer or a list of ${spatial} integers, got '${o.padding}' (transposed convolutions take no 'same' or 'valid')`);
  }
  const stride = tupleArg(op, 'stride', o.stride, spatial, 1, 1);
  const padding = tupleArg(op, 'padding', o.padding, spatial, 0, 0);
  const outputPadding = tupleArg(op, 'outputPadding', o.outputPadding, spatial, 0, 0);
  const dilation = tupleArg(op, 'dilation', o.dilation, spatial, 1, 1);
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${JSON.stringify(o.groups)}`);
  outputPadding.forEach((p, i) => {
    if (p >= stride[i] && p >= dilation[i]) {
      throw new Error(`${op}: outputPadding must be smaller than either stride or dilation, got outputPadding=${JSON.stringify(outputPadding)}, ` +
        `stride=${JSON.stringify(stride)}, dilation=${JSON.stringify(dilation)}`);
    }
  });
  return { stride, padding, outputPadding, groups, dilation };
}

/** The output size per spatial axis, without outputPadding, as a function of the input's spatial sizes. */
export function convTransposeMinSize(inSizes: readonly number[], kernel: readonly number[], a: ConvTransposeArgs): number[] {
  return inSizes.map((n, i) => (n - 1) * a.stride[i] - 2 * a.padding[i] + a.dilation[i] * (kernel[i] - 1) + 1);
}

/**
 * The outputPadding that gives `outputSize` (PyTorch's `_output_padding` of nn.ConvTranspose*d.forward):
 * `outputSize` lists the spatial sizes, or the whole output shape; each must lie between the size without
 * outputPadding and that plus stride − 1.
 */
export function outputPaddingFor(op: string, input: Tensor, kernel: readonly number[], a: ConvTransposeArgs, outputSize: readonly number[]): number[] {
  const spatial = kernel.length;
  if (!Array.isArray(outputSize) || !outputSize.every((v) => Number.isInteger(v))) {
    throw new Error(`${op}: outputSize must be a list of integers, got ${describeValue(outputSize)}`);
  }
  const nonSpatial = input.ndim === spatial + 2 ? 2 : 1;
  let size = [...outputSize];
  if (size.length === nonSpatial + spatial) size = size.slice(nonSpatial);
  if (size.length !== spatial) {
    throw new Error(`${op}: for ${input.ndim}-D input, outputSize must have ${spatial} or ${spatial + nonSpatial} elements, got ${JSON.stringify(outputSize)}`);
  }
  const inSizes = input.shape.slice(-spatial);
  const min = convTransposeMinSize(inSizes, kernel, a);
  const max = min.map((m, i) => m + a.stride[i] - 1);
  if (size.some((s, i) => s < min[i] || s > max[i])) {
    throw new Error(`${op}: requested an output size of ${JSON.stringify(size)}, but valid sizes range from ${JSON.stringify(min)} to ` +
      `${JSON.stringify(max)} (for an input of ${shapeStr(inSizes)})`);
  }
  return size.map((s, i) => s - min[i]);
}

/** input 4-D [N, Cin, H, W], weight 4-D [Cin, Cout/g, KH, KW]; per-axis args lifted to [h, w]. */
function transposed(op: string, x: Tensor, w: Tensor, bias: Tensor | null, a: ConvTransposeArgs, spatial: 1 | 2, wShape: number[]): Tensor {
  const lift = (v: number[], one: number) => (spatial === 1 ? [one, v[0]] : v);
  const stride = lift(a.stride, 1), padding = lift(a.padding, 0), outputPadding = lift(a.outputPadding, 0), dilation = lift(a.dilation, 1);
  const { groups } = a;
  const [N, Cin, H, W] = x.shape;
  const [wCin, CoutG, KH, KW] = w.shape;
  if (wCin !== Cin) {
    throw new Error(`${op}: weight ${shapeStr(wShape)} expects an input with ${wCin} channels, got ${Cin} channels`);
  }
  if (Cin % groups !== 0) throw new Error(`${op}: groups=${groups} must divide the ${Cin} input channels`);
  const Cout = CoutG * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== Cout)) {
    throw new Error(`${op}: bias must have shape [${Cout}] (one per output channel of weight ${shapeStr(wShape)} with groups=${groups}), got ${shapeStr(bias.shape)}`);
  }
  if (x.shape.slice(-spatial - 1).some((d) => d === 0)) throw new Error(`${op}: input of shape ${shapeStr(x.shape)} is empty`);
  const OH = (H - 1) * stride[0] - 2 * padding[0] + dilation[0] * (KH - 1) + outputPadding[0] + 1;
  const OW = (W - 1) * stride[1] - 2 * padding[1] + dilation[1] * (KW - 1) + outputPadding[1] + 1;
  if (OH < 1 || OW < 1) {
    const size = spatial === 1 ? `${OW}` : `${OH}x${OW}`;
    throw new Error(`${op}: the output size ${size} is too small (input ${shapeStr(x.shape)}, weight ${shapeStr(wShape)}, padding ${JSON.stringify(a.padding)})`);
  }
  // The convolution this one transposes: [N, Cout, OH, OW] → [N, Cin, H, W].
  const c: Conv2dAttrs = {
    N, C: Cout, H: OH, W: OW, OC: Cin, KH, KW, OH: H, OW: W,
    strideH: stride[0], strideW: stride[1], padTop: padding[0], padLeft: padding[1],
    dilationH: dilation[0], dilationW: dilation[1], groups,
  };
  let dtype = promoteTypes(x.dtype, w.dtype);
  if (bias) dtype = promoteTypes(dtype, bias.dtype);
  if (dtype === 'int32') dtype = 'float32';
  checkAllocation(op, [N, Cout, OH, OW], dtype);
  const xc = cast(x, dtype), wc = cast(w, dtype);
  const y = wrap(backend().conv2dGradInput(xc.storage, wc.storage, c), [N, Cout, OH, OW]);
  // g comes in dtype (the output's).
  const out = record(op, y, [x, w], (g) => {
    const bk = backend();
    return [
      x.requiresGrad ? wrap(bk.conv2d(g.storage, wc.storage, null, c), x.shape) : null,
      w.requiresGrad ? wrap(bk.conv2dGradWeight(g.storage, xc.storage, c), w.shape) : null,
    ];
  }, copiesOf([xc, x], [wc, w]));
  return bias ? add(out, reshape(toDtype(bias, dtype), [Cout, 1, 1])) : out;
}

/**
 * F.convTranspose1d / F.convTranspose2d once the options are checked (by convTransposeArgs;
 * args.stride.length tells 1-D from 2-D): checks the tensors and computes. nn.ConvTranspose1d/2d call it
 * with the arguments they checked when built.
 */
export const convTransposeCore = scoped(function convTransposeCore(input: Tensor, weight: Tensor, bias: Tensor | null, args: ConvTransposeArgs): Tensor {
  const spatial = args.stride.length as 1 | 2;
  const op = spatial === 1 ? 'convTranspose1d' : 'convTranspose2d';
  requireTensor(op, 'input', input);
  requireTensor(op, 'weight', weight);
  if (bias !== null) requireTensor(op, 'bias', bias);
  if (input.ndim !== spatial + 1 && input.ndim !== spatial + 2) {
    const forms = spatial === 1 ? '2-D (C, L) or 3-D (N, C, L)' : '3-D (C, H, W) or 4-D (N, C, H, W)';
    throw new Error(`${op}: expected input to be ${forms}, got shape ${shapeStr(input.shape)}`);
  }
  if (weight.ndim !== spatial + 2) {
    const ks = spatial === 1 ? 'k' : 'kH, kW';
    throw new Error(`${op}: expected weight to be ${spatial + 2}-D (inChannels, outChannels/groups, ${ks}), got shape ${shapeStr(weight.shape)}`);
  }
  const batched = input.ndim === spatial + 2 ? input : unsqueeze(input, 0);
  const x4 = spatial === 1 ? unsqueeze(batched, 2) : batched;
  const w4 = spatial === 1 ? unsqueeze(weight, 2) : weight;
  let y = transposed(op, x4, w4, bias, args, spatial, weight.shape);
  if (spatial === 1) y = squeeze(y, 2);
  return input.ndim === spatial + 2 ? y : squeeze(y, 0);
});

const isBias = { test: (v: unknown) => v === null || v instanceof Tensor, what: 'a Tensor or null' };
const CONVT_SIG = {
  positional: [
    { name: 'input', kind: 'tensor', required: true }, { name: 'weight', kind: 'tensor', required: true }, { name: 'bias', kind: isBias },
    { name: 'stride', kind: 'size' }, { name: 'padding', kind: 'any' }, { name: 'outputPadding', kind: 'size' },
    { name: 'groups', kind: 'int' }, { name: 'dilation', kind: 'size' },
  ],
} as const;

/**
 * Options of {@link convTranspose1d} and {@link convTranspose2d}: any argument after `input` and `weight`,
 * by name. PyTorch: the keyword arguments of `F.conv_transpose2d`.
 * @example
 * ```ts
 * F.convTranspose2d(x, w, { stride: 2, padding: 1, outputPadding: 1 });
 * ```
 */
export interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  dilation?: Size;
}

/** F.convTranspose*d's arguments after input and weight, in PyTorch's order. */
export type ConvTransposeArgsIn = PyArgs<[bias: Tensor | null, stride: Size, padding: Size, outputPadding: Size, groups: number, dilation: Size], ConvTransposeOptions>;

function convTransposeCall(op: string, spatial: number, input: Tensor, weight: Tensor, rest: unknown[]): Tensor {
  const b = bindArgs(op, [input, weight, ...rest], CONVT_SIG as unknown as Parameters<typeof bindArgs>[2]);
  const args = convTransposeArgs(op, b as ConvTransposeOptionsIn, spatial);
  return convTransposeCore(b.input as Tensor, b.weight as Tensor, (b.bias as Tensor | null | undefined) ?? null, args);
}

/**
 * 2-D transposed convolution ("deconvolution", the gradient of conv2d with respect to its input) of
 * `input` [N, Cin, H, W] or [Cin, H, W] with `weight` [Cin, Cout / groups, KH, KW], plus an optional `bias`
 * [Cout]. Arguments in PyTorch's order: bias, stride, padding, outputPadding, groups, dilation — by position
 * or by name in a trailing options object. Output size per axis:
 * (H − 1)·stride − 2·padding + dilation·(KH − 1) + outputPadding + 1. PyTorch: `torch.nn.functional.conv_transpose2d`.
 * @example
 * ```ts
 * const y = F.convTranspose2d(randn([1, 8, 7, 7]), randn([8, 4, 3, 3]), null, 2, 1, 1);
 * y.shape;  // [1, 4, 14, 14]
 * F.convTranspose2d(x, w, { stride: 2, groups: 2 });
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, ...rest: ConvTransposeArgsIn): Tensor {
  return convTransposeCall('convTranspose2d', 2, input, weight, rest);
}

/**
 * 1-D transposed convolution of `input` [N, Cin, L] or [Cin, L] with `weight` [Cin, Cout / groups, K], plus
 * an optional `bias` [Cout]; the arguments as {@link convTranspose2d}'s. Output length:
 * (L − 1)·stride − 2·padding + dilation·(K − 1) + outputPadding + 1. PyTorch: `torch.nn.functional.conv_transpose1d`.
 * @example
 * ```ts
 * F.convTranspose1d(randn([2, 4, 10]), randn([4, 1, 4]), null, { stride: 2, padding: 1 }).shape;  // [2, 1, 20]
 * ```
 */
export function convTranspose1d(input: Tensor, weight: Tensor, ...rest: ConvTransposeArgsIn): Tensor {
  return convTransposeCall('convTranspose1d', 1, input, weight, rest);
}
