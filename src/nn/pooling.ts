// nn/pooling.ts — MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d as modules over
// the F forms in ops/pool.ts (which document the output-size and divisor rules). Arguments bind as
// PyTorch's (positional in its order, or by name: tensor/signature.ts) and are kept as given (stride
// defaulting to the kernel size), so toString() prints what PyTorch's repr prints. A max pool built with
// returnIndices is typed as returning [pooled, indices] (the type parameter R).

import { Tensor } from '../tensor/tensor.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
} from '../ops/pool.js';
import { tupleArg, type Size } from '../ops/args.js';
import { bindArgs, type PyArgs, type Signature } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';
import { pyBool, pySize } from './repr.js';

const sizeOrNull = { test: (v: unknown) => v === null || Number.isInteger(v) || (Array.isArray(v) && v.every(Number.isInteger)), what: 'an integer, a list of integers or null' };

/** What a max-pooling layer returns: the pooled tensor, or [pooled, indices] with returnIndices. */
export type PoolOutput<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/**
 * The arguments of {@link MaxPool1d} and {@link MaxPool2d} by name (each may also come by position, in
 * this order): kernelSize, stride (default: the kernel size), padding, dilation, `returnIndices` (also
 * return the arg-max positions) and `ceilMode` (round the output size up). PyTorch: the keyword arguments
 * of `nn.MaxPool2d`.
 * @example
 * ```ts
 * new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true });
 * ```
 */
export interface MaxPoolLayerOptions<R extends boolean = boolean> {
  kernelSize?: Size;
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  returnIndices?: R;
  ceilMode?: boolean;
}

/** MaxPool's positional arguments, in PyTorch's order. */
type MaxPoolArgs<R extends boolean> = PyArgs<
  [kernelSize: Size, stride: Size | null, padding: Size, dilation: Size, returnIndices: R, ceilMode: boolean],
  MaxPoolLayerOptions<R>
>;

const MAX_POOL_SIGNATURE: Signature = {
  positional: [
    { name: 'kernelSize', kind: 'size', required: true }, { name: 'stride', kind: sizeOrNull }, { name: 'padding', kind: 'size' },
    { name: 'dilation', kind: 'size' }, { name: 'returnIndices', kind: 'bool' }, { name: 'ceilMode', kind: 'bool' },
  ],
};

/**
 * The arguments of {@link AvgPool1d} and {@link AvgPool2d} by name (each may also come by position, in
 * this order): kernelSize, stride (default: the kernel size), padding, `ceilMode`, `countIncludePad`
 * (count padded zeros in the divisor; default true) and `divisorOverride` (2-D only). PyTorch: the keyword
 * arguments of `nn.AvgPool2d`.
 * @example
 * ```ts
 * new nn.AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false });
 * ```
 */
export interface AvgPoolLayerOptions {
  kernelSize?: Size;
  stride?: Size | null;
  padding?: Size;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

const AVG_POOL_1D_SIGNATURE: Signature = {
  positional: [
    { name: 'kernelSize', kind: 'size', required: true }, { name: 'stride', kind: sizeOrNull }, { name: 'padding', kind: 'size' },
    { name: 'ceilMode', kind: 'bool' }, { name: 'countIncludePad', kind: 'bool' },
  ],
};
const AVG_POOL_2D_SIGNATURE: Signature = {
  positional: [
    ...AVG_POOL_1D_SIGNATURE.positional,
    { name: 'divisorOverride', kind: { test: (v) => v === null || Number.isInteger(v), what: 'an integer or null' } },
  ],
};

abstract class MaxPoolNd<R extends boolean> extends Module<[Tensor], PoolOutput<R>> {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly dilation: Size;
  readonly returnIndices: R;
  readonly ceilMode: boolean;

  constructor(op: string, spatial: number, args: readonly unknown[]) {
    super();
    const a = bindArgs(op, args, MAX_POOL_SIGNATURE) as unknown as MaxPoolLayerOptions<R> & { kernelSize: Size };
    tupleArg(op, 'kernelSize', a.kernelSize, spatial, 1);
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding ?? 0;
    this.dilation = a.dilation ?? 1;
    tupleArg(op, 'stride', this.stride, spatial, 1);
    tupleArg(op, 'padding', this.padding, spatial, 0);
    tupleArg(op, 'dilation', this.dilation, spatial, 1);
    this.returnIndices = (a.returnIndices ?? false) as R;
    this.ceilMode = a.ceilMode ?? false;
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
 * 2-D max pooling over [N, C, H, W] or [C, H, W]: the largest value in each window. Arguments in PyTorch's
 * order (kernelSize, stride, padding, dilation, returnIndices, ceilMode), any of them by name in a trailing
 * options object. With `returnIndices` it returns `[pooled, indices]`. PyTorch: `torch.nn.MaxPool2d`.
 * @example
 * ```ts
 * new nn.MaxPool2d(2)(randn([1, 6, 28, 28])).shape;     // [1, 6, 14, 14]
 * new nn.MaxPool2d(2, 1)(randn([1, 6, 28, 28])).shape;  // [1, 6, 27, 27]: stride 1
 * const [y, idx] = new nn.MaxPool2d(2, { returnIndices: true })(x);
 * ```
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(...args: MaxPoolArgs<R>) {
    super('MaxPool2d', 2, args);
  }

  /**
   * The pooled tensor, or [pooled, indices] when built with `returnIndices: true`. PyTorch: `nn.MaxPool2d.forward`.
   * @example
   * ```ts
   * const [y, idx] = new nn.MaxPool2d(2, { returnIndices: true }).forward(x);
   * ```
   */
  forward(x: Tensor): PoolOutput<R> {
    if (this.returnIndices) return maxPool2d(x, this.kernelSize, { ...this.poolOptions(), returnIndices: true }) as PoolOutput<R>;
    return maxPool2d(x, this.kernelSize, this.poolOptions()) as PoolOutput<R>;
  }
}

/**
 * 1-D max pooling over [N, C, L] or [C, L]; arguments as {@link MaxPool2d}'s. PyTorch: `torch.nn.MaxPool1d`.
 * @example
 * ```ts
 * new nn.MaxPool1d(2)(randn([1, 4, 10])).shape;  // [1, 4, 5]
 * ```
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(...args: MaxPoolArgs<R>) {
    super('MaxPool1d', 1, args);
  }

  forward(x: Tensor): PoolOutput<R> {
    if (this.returnIndices) return maxPool1d(x, this.kernelSize, { ...this.poolOptions(), returnIndices: true }) as PoolOutput<R>;
    return maxPool1d(x, this.kernelSize, this.poolOptions()) as PoolOutput<R>;
  }
}

/**
 * 2-D average pooling over [N, C, H, W] or [C, H, W], with PyTorch's divisor rules. Arguments in PyTorch's
 * order (kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride), any of them by name in a
 * trailing options object. PyTorch: `torch.nn.AvgPool2d`.
 * @example
 * ```ts
 * new nn.AvgPool2d(2)(randn([1, 6, 28, 28])).shape;  // [1, 6, 14, 14]
 * new nn.AvgPool2d(3, 1, 1, false, false);           // countIncludePad false
 * ```
 */
export class AvgPool2d extends Module<[Tensor], Tensor> {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(...args: PyArgs<
    [kernelSize: Size, stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null],
    AvgPoolLayerOptions
  >) {
    super();
    const a = bindArgs('AvgPool2d', args, AVG_POOL_2D_SIGNATURE) as unknown as AvgPoolLayerOptions & { kernelSize: Size };
    tupleArg('AvgPool2d', 'kernelSize', a.kernelSize, 2, 1);
    this.kernelSize = a.kernelSize;
    this.stride = a.stride ?? a.kernelSize;
    this.padding = a.padding ?? 0;
    tupleArg('AvgPool2d', 'stride', this.stride, 2, 1);
    tupleArg('AvgPool2d', 'padding', this.padding, 2, 0);
    this.ceilMode = a.ceilMode ?? false;
    this.countIncludePad = a.countIncludePad ?? true;
    this.divisorOverride = a.divisorOverride ?? null;
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
 * 1-D average pooling over [N, C, L] or [C, L]; arguments as {@link AvgPool2d}'s, without divisorOverride.
 * Like PyTorch's, it stores (and prints) its sizes as 1-tuples. PyTorch: `torch.nn.AvgPool1d`.
 * @example
 * ```ts
 * new nn.AvgPool1d(3, { stride: 1 })(randn([1, 1, 10])).shape;  // [1, 1, 8]
 * ```
 */
export class AvgPool1d extends Module<[Tensor], Tensor> {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(...args: PyArgs<
    [kernelSize: Size, stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean],
    Omit<AvgPoolLayerOptions, 'divisorOverride'>
  >) {
    super();
    const a = bindArgs('AvgPool1d', args, AVG_POOL_1D_SIGNATURE) as unknown as AvgPoolLayerOptions & { kernelSize: Size };
    this.kernelSize = tupleArg('AvgPool1d', 'kernelSize', a.kernelSize, 1, 1);
    this.stride = tupleArg('AvgPool1d', 'stride', a.stride ?? a.kernelSize, 1, 1);
    this.padding = tupleArg('AvgPool1d', 'padding', a.padding ?? 0, 1, 0);
    this.ceilMode = a.ceilMode ?? false;
    this.countIncludePad = a.countIncludePad ?? true;
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

const ADAPTIVE_SIZE = {
  test: (v: unknown) => v === null || Number.isInteger(v) || (Array.isArray(v) && v.every((e) => e === null || Number.isInteger(e))),
  what: 'an integer, null or a list of integers and nulls',
};
const ADAPTIVE_SIGNATURE: Signature = { positional: [{ name: 'outputSize', kind: ADAPTIVE_SIZE, required: true }] };
const ADAPTIVE_MAX_SIGNATURE: Signature = { positional: [...ADAPTIVE_SIGNATURE.positional, { name: 'returnIndices', kind: 'bool' }] };

abstract class AdaptivePool<Out> extends Module<[Tensor], Out> {
  readonly outputSize: AdaptiveSize;

  constructor(op: string, args: readonly unknown[], sig: Signature) {
    super();
    const a = bindArgs(op, args, sig);
    this.outputSize = (a.outputSize ?? null) as AdaptiveSize;
    this.bound = a;
  }

  /** The bound arguments, for the subclass's own (returnIndices). */
  protected declare bound: Record<string, unknown>;

  override extraRepr(): string {
    return `output_size=${pySize(this.outputSize as number | (number | null)[] | null)}`;
  }
}

/**
 * Average pooling to a fixed output size (H, W) whatever the input size; null in the size keeps that
 * input dimension. Argument: outputSize, by position or by name. PyTorch: `torch.nn.AdaptiveAvgPool2d`.
 * @example
 * ```ts
 * new nn.AdaptiveAvgPool2d(1)(randn([8, 64, 7, 7])).shape;  // [8, 64, 1, 1]: global average pooling
 * ```
 */
export class AdaptiveAvgPool2d extends AdaptivePool<Tensor> {
  constructor(...args: PyArgs<[outputSize: AdaptiveSize], { outputSize?: AdaptiveSize }>) {
    super('AdaptiveAvgPool2d', args, ADAPTIVE_SIGNATURE);
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/**
 * Max pooling to a fixed output size (H, W) whatever the input size; with `returnIndices` it returns
 * `[pooled, indices]`. Arguments in PyTorch's order (outputSize, returnIndices), either by name.
 * PyTorch: `torch.nn.AdaptiveMaxPool2d`.
 * @example
 * ```ts
 * new nn.AdaptiveMaxPool2d([2, 2])(randn([1, 3, 9, 9])).shape;  // [1, 3, 2, 2]
 * ```
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptivePool<PoolOutput<R>> {
  readonly returnIndices: R;

  constructor(...args: PyArgs<[outputSize: AdaptiveSize, returnIndices: R], { outputSize?: AdaptiveSize; returnIndices?: R }>) {
    super('AdaptiveMaxPool2d', args, ADAPTIVE_MAX_SIGNATURE);
    this.returnIndices = (this.bound.returnIndices ?? false) as R;
  }

  forward(x: Tensor): PoolOutput<R> {
    if (this.returnIndices) return adaptiveMaxPool2d(x, this.outputSize, { returnIndices: true }) as PoolOutput<R>;
    return adaptiveMaxPool2d(x, this.outputSize) as PoolOutput<R>;
  }
}

/**
 * Average pooling to a fixed output length whatever the input length. Argument: outputSize, by position or
 * by name. PyTorch: `torch.nn.AdaptiveAvgPool1d`.
 * @example
 * ```ts
 * new nn.AdaptiveAvgPool1d(4)(randn([1, 2, 10])).shape;  // [1, 2, 4]
 * ```
 */
export class AdaptiveAvgPool1d extends AdaptivePool<Tensor> {
  constructor(...args: PyArgs<[outputSize: number], { outputSize?: number }>) {
    super('AdaptiveAvgPool1d', args, ADAPTIVE_SIGNATURE);
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize as number);
  }
}

/**
 * Max pooling to a fixed output length whatever the input length. Arguments in PyTorch's order
 * (outputSize, returnIndices); convnet's 1-D adaptive max pooling has no indices, so `returnIndices: true`
 * throws. PyTorch: `torch.nn.AdaptiveMaxPool1d`.
 * @example
 * ```ts
 * new nn.AdaptiveMaxPool1d(4)(randn([1, 2, 10])).shape;  // [1, 2, 4]
 * ```
 */
export class AdaptiveMaxPool1d extends AdaptivePool<Tensor> {
  constructor(...args: PyArgs<[outputSize: number, returnIndices: false], { outputSize?: number; returnIndices?: false }>) {
    super('AdaptiveMaxPool1d', args, ADAPTIVE_MAX_SIGNATURE);
    if (this.bound.returnIndices === true) {
      throw new Error('AdaptiveMaxPool1d: returnIndices=true is not supported (convnet\'s adaptiveMaxPool1d returns no indices)');
    }
  }

  forward(x: Tensor): Tensor {
    return adaptiveMaxPool1d(x, this.outputSize as number);
  }
}

markBuiltIn(MaxPool2d, MaxPool1d, AvgPool2d, AvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AdaptiveAvgPool1d, AdaptiveMaxPool1d);
