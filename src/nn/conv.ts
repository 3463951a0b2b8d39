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
import { Module, markBuiltIn } from './module.js';
import { Parameter } from './parameter.js';
import { initWeightAndBias } from './init.js';

/**
 * Options of {@link Conv1d} and {@link Conv2d}: stride, padding (a size, per-side sizes, `'same'` or
 * `'valid'`), dilation, groups, whether to learn a bias (default true), and how to pad (`paddingMode`:
 * `'zeros'`, `'reflect'`, `'replicate'` or `'circular'`). PyTorch: the keyword arguments of `nn.Conv2d`
 * (`padding_mode` is `paddingMode`).
 * @example
 * ```ts
 * new nn.Conv2d(3, 16, 3, { stride: 2, padding: 1, bias: false, paddingMode: 'reflect' });
 * ```
 */
export interface ConvLayerOptions {
  stride?: Size;
  padding?: ConvPadding;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

abstract class ConvNd extends Module implements ConvArgs {
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

  constructor(op: string, spatial: number, inChannels: number, outChannels: number, kernelSize: Size, opts: ConvLayerOptions) {
    super();
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    const { bias, ...convOpts } = opts;
    // The functional layer's own checks, run here once: forward hands the result to convCore as it is.
    const args = convArgs(op, convOpts, spatial);
    const groups = args.groups;
    checkGroups(op, inChannels, outChannels, groups);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tupleArg(op, 'kernelSize', kernelSize, spatial, 1);
    this.stride = args.stride;
    this.dilation = args.dilation;
    this.padding = args.padding;
    this.groups = groups;
    this.paddingMode = args.paddingMode;
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
 * PyTorch's default initialisation. PyTorch: `torch.nn.Conv2d`.
 * @example
 * ```ts
 * const conv = new nn.Conv2d(5, 10, 3, { padding: 1, paddingMode: 'reflect' });
 * conv(randn([1, 5, 100, 100])).shape;  // [1, 10, 100, 100]
 * conv.weight.shape;                    // [10, 5, 3, 3]
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts: ConvLayerOptions = {}) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * A 1-D convolution layer over [N, C, L] or [C, L] inputs, with a weight [outChannels, inChannels / groups,
 * k] and an optional bias. PyTorch: `torch.nn.Conv1d`.
 * @example
 * ```ts
 * const conv = new nn.Conv1d(1, 4, 5, { padding: 'same' });
 * conv(randn([8, 1, 100])).shape;  // [8, 4, 100]
 * ```
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts: ConvLayerOptions = {}) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, opts);
  }
}

markBuiltIn(Conv1d, Conv2d);
