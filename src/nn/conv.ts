// nn/conv.ts — Conv1d and Conv2d. One base class checks the arguments once, when built (with F's own
// convArgs), keeps them, owns the parameters and convolves, as PyTorch's _ConvNd; the subclasses only fix
// the number of spatial dims.
//
// Output size per spatial axis: floor((L + 2·padding − dilation·(kernelSize − 1) − 1) / stride) + 1.
// Weight: [outChannels, inChannels / groups, …kernelSize]; PyTorch's default initialisation,
// Kaiming-uniform with a = √5 (bound 1/√fanIn) for the weight and uniform ±1/√fanIn for the bias.

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { checkGroups, convArgs, convCore, type ConvArgs, type ConvPadding, type PaddingMode } from '../ops/conv.js';
import { tupleArg, type Size } from '../ops/args.js';
import { bindArgs, type PyArgs, type Signature } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';
import { Parameter } from './parameter.js';
import { initWeightAndBias } from './init.js';

/**
 * The arguments of {@link Conv1d} and {@link Conv2d} by name (each may also come by position, in this
 * order): inChannels, outChannels, kernelSize, stride, padding (a size, per-side sizes, `'same'` or
 * `'valid'`), dilation, groups, whether to learn a bias (default true), and how to pad (`paddingMode`:
 * `'zeros'`, `'reflect'`, `'replicate'` or `'circular'`). PyTorch: the keyword arguments of `nn.Conv2d`
 * (`padding_mode` is `paddingMode`).
 * @example
 * ```ts
 * new nn.Conv2d(3, 16, 3, { stride: 2, padding: 1, bias: false, paddingMode: 'reflect' });
 * new nn.Conv2d(1, 6, { kernelSize: 5, padding: 2 });
 * ```
 */
export interface ConvLayerOptions {
  inChannels?: number;
  outChannels?: number;
  kernelSize?: Size;
  stride?: Size;
  padding?: ConvPadding;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

/** Conv1d's and Conv2d's positional arguments, in PyTorch's order. */
type ConvLayerArgs = PyArgs<[
  inChannels: number, outChannels: number, kernelSize: Size, stride: Size, padding: ConvPadding, dilation: Size,
  groups: number, bias: boolean, paddingMode: PaddingMode,
], ConvLayerOptions>;

const CONV_SIGNATURE: Signature = {
  positional: [
    { name: 'inChannels', kind: 'int', required: true }, { name: 'outChannels', kind: 'int', required: true },
    { name: 'kernelSize', kind: 'size', required: true }, { name: 'stride', kind: 'size' },
    { name: 'padding', kind: { test: (v) => typeof v === 'string' || typeof v === 'number' || Array.isArray(v), what: "an integer, a list of integers, 'same' or 'valid'" } },
    { name: 'dilation', kind: 'size' }, { name: 'groups', kind: 'int' }, { name: 'bias', kind: 'bool' },
    { name: 'paddingMode', kind: 'string' },
  ],
};

abstract class ConvNd extends Module<[Tensor], Tensor> implements ConvArgs {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;

  constructor(op: string, spatial: number, args: readonly unknown[]) {
    super();
    const { inChannels, outChannels, kernelSize, bias, ...convOpts } = bindArgs(op, args, CONV_SIGNATURE) as unknown as ConvLayerOptions &
      { inChannels: number; outChannels: number; kernelSize: Size };
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    // The functional layer's own checks, run here once: forward hands the result to convCore as it is.
    const conv = convArgs(op, convOpts, spatial);
    const groups = conv.groups;
    checkGroups(op, inChannels, outChannels, groups);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tupleArg(op, 'kernelSize', kernelSize, spatial, 1);
    this.stride = conv.stride;
    this.dilation = conv.dilation;
    this.padding = conv.padding;
    this.groups = groups;
    this.paddingMode = conv.paddingMode;
    this.weight = new Parameter(zeros([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = bias === false ? null : new Parameter(zeros([outChannels]));
    this.resetParameters();
  }

  /**
   * Re-initialises the weight and bias as PyTorch does (Kaiming-uniform with a = √5 for the weight,
   * uniform ±1/√fanIn for the bias), from the global seeded generator. PyTorch: `reset_parameters`.
   * @example
   * ```ts
   * manualSeed(0);
   * conv.resetParameters();
   * ```
   */
  resetParameters(): void {
    initWeightAndBias(this.weight, this.bias);
  }

  /**
   * Convolves `x` ([N, C, …] or unbatched [C, …]) with the layer's weight and adds its bias.
   * PyTorch: `forward`.
   * @example
   * ```ts
   * conv.forward(x);  // the same as conv(x), without the forward hooks
   * ```
   */
  forward(x: Tensor): Tensor {
    // The layer is its own ConvArgs: stride, padding, dilation, groups and paddingMode, checked when built.
    return convCore(x, this.weight, this.bias, this);
  }

  override extraRepr(): string {
    const tuple = (v: number[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
    const parts = [`${this.inChannels}`, `${this.outChannels}`, `kernel_size=${tuple(this.kernelSize)}`, `stride=${tuple(this.stride)}`];
    if (typeof this.padding === 'string') parts.push(`padding=${this.padding}`);
    else if (this.padding.some((v) => v !== 0)) parts.push(`padding=${tuple(this.padding)}`);
    if (this.dilation.some((v) => v !== 1)) parts.push(`dilation=${tuple(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=False');
    if (this.paddingMode !== 'zeros') parts.push(`padding_mode=${this.paddingMode}`);
    return parts.join(', ');
  }
}

/**
 * A 2-D convolution layer (cross-correlation, as in every deep-learning library) over [N, C, H, W] or
 * [C, H, W] inputs, with a weight [outChannels, inChannels / groups, kH, kW] and an optional bias, and
 * PyTorch's default initialisation. Arguments in PyTorch's order (inChannels, outChannels, kernelSize,
 * stride, padding, dilation, groups, bias, paddingMode), any of them by name in a trailing options object.
 * PyTorch: `torch.nn.Conv2d`.
 * @example
 * ```ts
 * new nn.Conv2d(1, 1, 3, 1, 1);         // stride 1, padding 1
 * const conv = new nn.Conv2d(5, 10, 3, { padding: 1, paddingMode: 'reflect' });
 * conv(randn([1, 5, 100, 100])).shape;  // [1, 10, 100, 100]
 * conv.weight.shape;                    // [10, 5, 3, 3]
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(...args: ConvLayerArgs) {
    super('Conv2d', 2, args);
  }
}

/**
 * A 1-D convolution layer over [N, C, L] or [C, L] inputs, with a weight [outChannels, inChannels / groups,
 * k] and an optional bias; arguments as {@link Conv2d}'s. PyTorch: `torch.nn.Conv1d`.
 * @example
 * ```ts
 * const conv = new nn.Conv1d(1, 4, 5, { padding: 'same' });
 * conv(randn([8, 1, 100])).shape;  // [8, 4, 100]
 * ```
 */
export class Conv1d extends ConvNd {
  constructor(...args: ConvLayerArgs) {
    super('Conv1d', 1, args);
  }
}

markBuiltIn(Conv1d, Conv2d);
