// nn/pooling.ts — MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d as modules over
// the F forms in ops/pool.ts (which document the output-size and divisor rules). Arguments are kept as
// given (stride defaulting to the kernel size), so toString() prints what PyTorch's repr prints.

import { Tensor } from '../tensor/tensor.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
} from '../ops/pool.js';
import { tupleArg, type Size } from '../ops/args.js';
import { Module, markBuiltIn } from './module.js';
import { pyBool, pySize } from './repr.js';

/**
 * Options of {@link MaxPool1d} and {@link MaxPool2d}: stride (default: the kernel size), padding, dilation,
 * `returnIndices` (also return the arg-max positions) and `ceilMode` (round the output size up).
 * PyTorch: the keyword arguments of `nn.MaxPool2d`.
 * @example
 * ```ts
 * new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true });
 * ```
 */
export interface MaxPoolLayerOptions {
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  returnIndices?: boolean;
  ceilMode?: boolean;
}

/**
 * Options of {@link AvgPool1d} and {@link AvgPool2d}: stride (default: the kernel size), padding,
 * `ceilMode`, `countIncludePad` (count padded zeros in the divisor; default true) and `divisorOverride`
 * (2-D only). PyTorch: the keyword arguments of `nn.AvgPool2d`.
 * @example
 * ```ts
 * new nn.AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false });
 * ```
 */
export interface AvgPoolLayerOptions {
  stride?: Size | null;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

abstract class MaxPoolNd extends Module {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly dilation: Size;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;

  constructor(op: string, spatial: number, kernelSize: Size, opts: MaxPoolLayerOptions) {
    super();
    tupleArg(op, 'kernelSize', kernelSize, spatial, 1);
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    tupleArg(op, 'stride', this.stride, spatial, 1);
    tupleArg(op, 'padding', this.padding, spatial, 0);
    tupleArg(op, 'dilation', this.dilation, spatial, 1);
    this.returnIndices = opts.returnIndices ?? false;
    this.ceilMode = opts.ceilMode ?? false;
  }

  protected poolOptions() {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}, ` +
      `dilation=${pySize(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * 2-D max pooling over [N, C, H, W] or [C, H, W]: the largest value in each window. With `returnIndices`
 * it returns `[pooled, indices]`. PyTorch: `torch.nn.MaxPool2d`.
 * @example
 * ```ts
 * new nn.MaxPool2d(2)(randn([1, 6, 28, 28])).shape;  // [1, 6, 14, 14]
 * ```
 */
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: Size, opts: MaxPoolLayerOptions = {}) {
    super('MaxPool2d', 2, kernelSize, opts);
  }

  /**
   * The pooled tensor, or [pooled, indices] when built with `returnIndices: true`. PyTorch: `nn.MaxPool2d.forward`.
   * @example
   * ```ts
   * const [y, idx] = new nn.MaxPool2d(2, { returnIndices: true }).forward(x) as [Tensor, Tensor];
   * ```
   */
  forward(x: Tensor): Tensor | [Tensor, Tensor] {
    if (this.returnIndices) return maxPool2d(x, this.kernelSize, { ...this.poolOptions(), returnIndices: true });
    return maxPool2d(x, this.kernelSize, this.poolOptions());
  }
}

/**
 * 1-D max pooling over [N, C, L] or [C, L]. PyTorch: `torch.nn.MaxPool1d`.
 * @example
 * ```ts
 * new nn.MaxPool1d(2)(randn([1, 4, 10])).shape;  // [1, 4, 5]
 * ```
 */
export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: Size, opts: MaxPoolLayerOptions = {}) {
    super('MaxPool1d', 1, kernelSize, opts);
  }

  forward(x: Tensor): Tensor | [Tensor, Tensor] {
    if (this.returnIndices) return maxPool1d(x, this.kernelSize, { ...this.poolOptions(), returnIndices: true });
    return maxPool1d(x, this.kernelSize, this.poolOptions());
  }
}

/**
 * 2-D average pooling over [N, C, H, W] or [C, H, W], with PyTorch's divisor rules. PyTorch: `torch.nn.AvgPool2d`.
 * @example
 * ```ts
 * new nn.AvgPool2d(2)(randn([1, 6, 28, 28])).shape;  // [1, 6, 14, 14]
 * ```
 */
export class AvgPool2d extends Module {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Size, opts: AvgPoolLayerOptions = {}) {
    super();
    tupleArg('AvgPool2d', 'kernelSize', kernelSize, 2, 1);
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    tupleArg('AvgPool2d', 'stride', this.stride, 2, 1);
    tupleArg('AvgPool2d', 'padding', this.padding, 2, 0);
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride ?? undefined,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}`;
  }
}

/**
 * 1-D average pooling over [N, C, L] or [C, L]; like PyTorch's, it stores (and prints) its sizes as
 * 1-tuples. PyTorch: `torch.nn.AvgPool1d`.
 * @example
 * ```ts
 * new nn.AvgPool1d(3, { stride: 1 })(randn([1, 1, 10])).shape;  // [1, 1, 8]
 * ```
 */
export class AvgPool1d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Size, opts: Omit<AvgPoolLayerOptions, 'divisorOverride'> = {}) {
    super();
    this.kernelSize = tupleArg('AvgPool1d', 'kernelSize', kernelSize, 1, 1);
    this.stride = tupleArg('AvgPool1d', 'stride', opts.stride ?? kernelSize, 1, 1);
    this.padding = tupleArg('AvgPool1d', 'padding', opts.padding ?? 0, 1, 0);
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
  }

  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}`;
  }
}

type AdaptiveSize = number | null | readonly (number | null)[];

abstract class AdaptivePool extends Module {
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = outputSize;
  }

  override extraRepr(): string {
    return `output_size=${pySize(this.outputSize as number | (number | null)[] | null)}`;
  }
}

/**
 * Average pooling to a fixed output size (H, W) whatever the input size; null in the size keeps that
 * input dimension. PyTorch: `torch.nn.AdaptiveAvgPool2d`.
 * @example
 * ```ts
 * new nn.AdaptiveAvgPool2d(1)(randn([8, 64, 7, 7])).shape;  // [8, 64, 1, 1]: global average pooling
 * ```
 */
export class AdaptiveAvgPool2d extends AdaptivePool {
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/**
 * Max pooling to a fixed output size (H, W) whatever the input size. PyTorch: `torch.nn.AdaptiveMaxPool2d`.
 * @example
 * ```ts
 * new nn.AdaptiveMaxPool2d([2, 2])(randn([1, 3, 9, 9])).shape;  // [1, 3, 2, 2]
 * ```
 */
export class AdaptiveMaxPool2d extends AdaptivePool {
  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }
}

/**
 * Average pooling to a fixed output length whatever the input length. PyTorch: `torch.nn.AdaptiveAvgPool1d`.
 * @example
 * ```ts
 * new nn.AdaptiveAvgPool1d(4)(randn([1, 2, 10])).shape;  // [1, 2, 4]
 * ```
 */
export class AdaptiveAvgPool1d extends AdaptivePool {
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize as number);
  }
}

/**
 * Max pooling to a fixed output length whatever the input length. PyTorch: `torch.nn.AdaptiveMaxPool1d`.
 * @example
 * ```ts
 * new nn.AdaptiveMaxPool1d(4)(randn([1, 2, 10])).shape;  // [1, 2, 4]
 * ```
 */
export class AdaptiveMaxPool1d extends AdaptivePool {
  forward(x: Tensor): Tensor {
    return adaptiveMaxPool1d(x, this.outputSize as number);
  }
}

markBuiltIn(MaxPool2d, MaxPool1d, AvgPool2d, AvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AdaptiveAvgPool1d, AdaptiveMaxPool1d);
