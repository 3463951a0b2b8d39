// nn/conv-transpose.ts — ConvTranspose1d and ConvTranspose2d, as PyTorch's _ConvTransposeNd: the arguments
// are checked once, when built (with F's own convTransposeArgs), and forward hands them to convTransposeCore.
//
// Constructor arguments in PyTorch's order: inChannels, outChannels, kernelSize, stride, padding,
// outputPadding, groups, bias, dilation, paddingMode ('zeros' only, as PyTorch) — by position or by name.
// Weight: [inChannels, outChannels / groups, …kernelSize], initialised as PyTorch does (Kaiming-uniform with
// a = √5 on that shape; bias uniform ±1/√fanIn, fanIn = outChannels / groups · prod(kernelSize)).
// forward(input, outputSize?) picks the outputPadding that gives outputSize, as PyTorch's forward does.

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { convTransposeArgs, convTransposeCore, outputPaddingFor, type ConvTransposeArgs } from '../ops/conv-transpose.js';
import { tupleArg, type Size } from '../ops/args.js';
import { Module, markBuiltIn } from './module.js';
import { Parameter } from './parameter.js';
import { initWeightAndBias } from './init.js';
import { pyTuple } from './repr.js';

/**
 * Options of {@link ConvTranspose1d} and {@link ConvTranspose2d}: any constructor argument by name.
 * PyTorch: the keyword arguments of `nn.ConvTranspose2d` (`padding_mode` is `paddingMode`, 'zeros' only).
 * @example
 * ```ts
 * new nn.ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1, bias: false });
 * ```
 */
export interface ConvTransposeLayerOptions {
  inChannels?: number;
  outChannels?: number;
  kernelSize?: Size;
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  bias?: boolean;
  dilation?: Size;
  paddingMode?: 'zeros';
}

/** The constructor's arguments in PyTorch's order, then optionally the options object. */
export type ConvTransposeLayerArgs = PyArgs<[inChannels: number, outChannels: number, kernelSize: Size, stride: Size, padding: Size,
  outputPadding: Size, groups: number, bias: boolean, dilation: Size, paddingMode: 'zeros'], ConvTransposeLayerOptions>;

const SIGNATURE = {
  positional: [
    { name: 'inChannels', kind: 'int', required: true }, { name: 'outChannels', kind: 'int', required: true },
    { name: 'kernelSize', kind: 'size', required: true }, { name: 'stride', kind: 'size' }, { name: 'padding', kind: 'any' },
    { name: 'outputPadding', kind: 'size' }, { name: 'groups', kind: 'int' }, { name: 'bias', kind: 'bool' },
    { name: 'dilation', kind: 'size' }, { name: 'paddingMode', kind: 'string' },
  ],
} as const;

abstract class ConvTransposeNd extends Module implements ConvTransposeArgs {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly groups: number;
  readonly dilation: number[];
  readonly paddingMode: 'zeros';
  weight: Parameter;
  bias: Parameter | null;

  constructor(op: string, spatial: number, args: readonly unknown[]) {
    super();
    const a = bindArgs(op, args, SIGNATURE as unknown as Parameters<typeof bindArgs>[2]);
    const inChannels = a.inChannels as number, outChannels = a.outChannels as number;
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
    }
    if (a.paddingMode !== undefined && a.paddingMode !== 'zeros') {
      throw new Error(`${op}: only paddingMode 'zeros' is supported (as PyTorch), got ${JSON.stringify(a.paddingMode)}`);
    }
    const checked = convTransposeArgs(op, a, spatial);
    const { groups } = checked;
    if (inChannels % groups !== 0) throw new Error(`${op}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) throw new Error(`${op}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tupleArg(op, 'kernelSize', a.kernelSize as Size, spatial, 1);
    this.stride = checked.stride;
    this.padding = checked.padding;
    this.outputPadding = checked.outputPadding;
    this.groups = groups;
    this.dilation = checked.dilation;
    this.paddingMode = 'zeros';
    this.weight = new Parameter(zeros([inChannels, outChannels / groups, ...this.kernelSize]));
    this.bias = a.bias === false ? null : new Parameter(zeros([outChannels]));
    this.resetParameters();
  }

  /**
   * Re-initialises the weight and bias as PyTorch does (Kaiming-uniform with a = √5 for the weight, uniform
   * ±1/√fanIn for the bias), from the global seeded generator. PyTorch: `reset_parameters`.
   * @example
   * ```ts
   * manualSeed(0);
   * up.resetParameters();
   * ```
   */
  resetParameters(): void {
    initWeightAndBias(this.weight, this.bias);
  }

  /**
   * The transposed convolution of `x` ([N, C, …] or unbatched [C, …]) with the layer's weight, plus its
   * bias. `outputSize` (the spatial sizes, or the whole output shape) chooses the outputPadding, for the
   * sizes a strided convolution maps to the same input size. PyTorch: `forward(input, output_size=None)`.
   * @example
   * ```ts
   * const up = new nn.ConvTranspose2d(8, 4, 3, { stride: 2, padding: 1 });
   * up(randn([1, 8, 7, 7])).shape;            // [1, 4, 13, 13]
   * up(randn([1, 8, 7, 7]), [14, 14]).shape;  // [1, 4, 14, 14]
   * ```
   */
  forward(x: Tensor, outputSize?: readonly number[] | { outputSize?: readonly number[] }): Tensor {
    const op = this.constructor.name;
    const b = bindArgs(op, outputSize === undefined ? [] : [outputSize], { positional: [{ name: 'outputSize', kind: 'size' }] });
    if (b.outputSize === undefined) return convTransposeCore(x, this.weight, this.bias, this);
    if (!(x instanceof Tensor)) throw new Error(`${op}: input must be a Tensor, got ${typeof x}`);
    const sizes = typeof b.outputSize === 'number' ? [b.outputSize] : (b.outputSize as number[]);
    const outputPadding = outputPaddingFor(op, x, this.kernelSize, this, sizes);
    return convTransposeCore(x, this.weight, this.bias, { ...this.args(), outputPadding });
  }

  private args(): ConvTransposeArgs {
    return { stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation };
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}`, `${this.outChannels}`, `kernel_size=${pyTuple(this.kernelSize)}`, `stride=${pyTuple(this.stride)}`];
    if (this.padding.some((v) => v !== 0)) parts.push(`padding=${pyTuple(this.padding)}`);
    if (this.dilation.some((v) => v !== 1)) parts.push(`dilation=${pyTuple(this.dilation)}`);
    if (this.outputPadding.some((v) => v !== 0)) parts.push(`output_padding=${pyTuple(this.outputPadding)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=False');
    return parts.join(', ');
  }
}

/**
 * A 2-D transposed convolution layer ("deconvolution", the upsampling layer of decoders and GANs) over
 * [N, C, H, W] or [C, H, W] inputs, with a weight [inChannels, outChannels / groups, kH, kW], an optional
 * bias and PyTorch's initialisation. Output size per axis:
 * (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1. PyTorch: `torch.nn.ConvTranspose2d`.
 * @example
 * ```ts
 * const up = new nn.ConvTranspose2d(16, 8, 4, 2, 1);  // stride 2, padding 1: doubles H and W
 * up(randn([1, 16, 7, 7])).shape;                      // [1, 8, 14, 14]
 * new nn.ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1, bias: false });
 * ```
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(...args: ConvTransposeLayerArgs) {
    super('ConvTranspose2d', 2, args);
  }
}

/**
 * A 1-D transposed convolution layer over [N, C, L] or [C, L] inputs, with a weight [inChannels,
 * outChannels / groups, k] and an optional bias. PyTorch: `torch.nn.ConvTranspose1d`.
 * @example
 * ```ts
 * const up = new nn.ConvTranspose1d(4, 2, 4, { stride: 2, padding: 1 });
 * up(randn([8, 4, 50])).shape;  // [8, 2, 100]
 * ```
 */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(...args: ConvTransposeLayerArgs) {
    super('ConvTranspose1d', 1, args);
  }
}

markBuiltIn(ConvTranspose1d, ConvTranspose2d);
