// nn/padding.ts — the padding layers of torch.nn, each a fixed F.pad: ZeroPad, ConstantPad, ReflectionPad,
// ReplicationPad and CircularPad, in 1-D, 2-D and 3-D.
//
// `padding` is one integer for every side, or 2·d integers [left, right, (top, bottom, (front, back))], the
// last dimension first, as F.pad takes them. Zero and constant padding take any input with at least d
// dimensions (a negative amount crops); reflection, replication and circular padding take an unbatched
// (d + 1 dims) or batched (d + 2 dims) input, as PyTorch's. repr as PyTorch's: `ZeroPad2d((1, 1, 1, 1))`,
// `ConstantPad2d(padding=(2, 2, 2, 2), value=3.5)`.

import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import type { PadMode } from '../backend/backend.js';
import { pad } from '../ops/pad.js';
import { Module, markBuiltIn } from './module.js';
import { pyFloat, pyTuple } from './repr.js';

/** A padding layer's amounts: one integer for every side, or [left, right, top, bottom, …]. */
export type PadSize = number | readonly number[];

const isPadSize = {
  test: (v: unknown) => Number.isInteger(v) || (Array.isArray(v) && v.every((x) => Number.isInteger(x))),
  what: 'an integer or a list of integers',
};

/** The padding as 2·dims integers, checked. */
function padTuple(op: string, padding: PadSize, dims: number): number[] {
  const list = typeof padding === 'number' ? new Array<number>(2 * dims).fill(padding) : [...padding];
  if (list.length !== 2 * dims) {
    const names = ['left', 'right', 'top', 'bottom', 'front', 'back'].slice(0, 2 * dims).join(', ');
    throw new Error(`${op}: padding must be an integer or a list of ${2 * dims} integers [${names}], got ${JSON.stringify(padding)}`);
  }
  return list;
}

abstract class PadNd extends Module {
  /** The amounts, 2·d integers [left, right, top, bottom, front, back] (the last dimension first). */
  readonly padding: number[];
  /** The fill of zero and constant padding. */
  readonly value: number;

  constructor(
    private readonly op: string,
    private readonly dims: number,
    private readonly mode: PadMode,
    padding: number[],
    value = 0,
    /** Whether the repr shows the value (ConstantPad*d; ZeroPad*d does not). */
    private readonly showsValue = false,
  ) {
    super();
    this.padding = padding;
    this.value = value;
  }

  /**
   * Pads the last dimensions of `x` by the layer's amounts. PyTorch: `forward`.
   * @example
   * ```ts
   * new nn.ReflectionPad2d(1).forward(randn([1, 3, 8, 8])).shape;  // [1, 3, 10, 10]
   * ```
   */
  forward(x: Tensor): Tensor {
    const d = this.dims;
    if (x instanceof Tensor && this.mode !== 'constant' && x.ndim !== d + 1 && x.ndim !== d + 2) {
      throw new Error(`${this.op}: expected ${d + 1}-D or ${d + 2}-D input, got ${x.ndim}-D input of shape ${shapeStr(x.shape)}`);
    }
    return pad(x, this.padding, this.mode === 'constant' ? { mode: 'constant', value: this.value } : { mode: this.mode });
  }

  override extraRepr(): string {
    return this.showsValue ? `padding=${pyTuple(this.padding)}, value=${pyFloat(this.value)}` : pyTuple(this.padding);
  }
}

function sized(op: string, dims: number, args: readonly unknown[]): number[] {
  const a = bindArgs(op, args, { positional: [{ name: 'padding', kind: isPadSize, required: true }] });
  return padTuple(op, a.padding as PadSize, dims);
}

function sizedValue(op: string, dims: number, args: readonly unknown[]): [number[], number] {
  const a = bindArgs(op, args, { positional: [{ name: 'padding', kind: isPadSize, required: true }, { name: 'value', kind: 'number', required: true }] });
  return [padTuple(op, a.padding as PadSize, dims), a.value as number];
}

/** A padding layer's constructor arguments: `padding`, by position or by name. */
export type PadLayerArgs = PyArgs<[padding: PadSize], { padding?: PadSize }>;
/** A constant padding layer's constructor arguments: `padding` and `value`, by position or by name. */
export type ConstantPadLayerArgs = PyArgs<[padding: PadSize, value: number], { padding?: PadSize; value?: number }>;

/**
 * Pads the last dimension with zeros (a negative amount crops). PyTorch: `torch.nn.ZeroPad1d`.
 * @example
 * ```ts
 * new nn.ZeroPad1d([2, 1])(tensor([[1, 2]]));  // tensor([[0., 0., 1., 2., 0.]])
 * ```
 */
export class ZeroPad1d extends PadNd {
  constructor(...args: PadLayerArgs) { super('ZeroPad1d', 1, 'constant', sized('ZeroPad1d', 1, args)); }
}

/**
 * Pads the last two dimensions with zeros: [left, right, top, bottom] (a negative amount crops).
 * PyTorch: `torch.nn.ZeroPad2d`.
 * @example
 * ```ts
 * new nn.ZeroPad2d(1)(randn([1, 3, 4, 4])).shape;        // [1, 3, 6, 6]
 * new nn.ZeroPad2d([1, 0, 2, 0])(randn([3, 4, 4])).shape;  // [3, 6, 5]
 * ```
 */
export class ZeroPad2d extends PadNd {
  constructor(...args: PadLayerArgs) { super('ZeroPad2d', 2, 'constant', sized('ZeroPad2d', 2, args)); }
}

/**
 * Pads the last three dimensions with zeros: [left, right, top, bottom, front, back]. PyTorch: `torch.nn.ZeroPad3d`.
 * @example
 * ```ts
 * new nn.ZeroPad3d(1)(randn([1, 1, 2, 2, 2])).shape;  // [1, 1, 4, 4, 4]
 * ```
 */
export class ZeroPad3d extends PadNd {
  constructor(...args: PadLayerArgs) { super('ZeroPad3d', 3, 'constant', sized('ZeroPad3d', 3, args)); }
}

/**
 * Pads the last dimension with a constant `value`. PyTorch: `torch.nn.ConstantPad1d`.
 * @example
 * ```ts
 * new nn.ConstantPad1d(1, -1)(tensor([[1, 2]]));  // tensor([[-1., 1., 2., -1.]])
 * ```
 */
export class ConstantPad1d extends PadNd {
  constructor(...args: ConstantPadLayerArgs) { super('ConstantPad1d', 1, 'constant', ...sizedValue('ConstantPad1d', 1, args), true); }
}

/**
 * Pads the last two dimensions with a constant `value`: [left, right, top, bottom]. PyTorch: `torch.nn.ConstantPad2d`.
 * @example
 * ```ts
 * new nn.ConstantPad2d(2, 3.5)(randn([1, 2, 3, 3])).shape;  // [1, 2, 7, 7]
 * ```
 */
export class ConstantPad2d extends PadNd {
  constructor(...args: ConstantPadLayerArgs) { super('ConstantPad2d', 2, 'constant', ...sizedValue('ConstantPad2d', 2, args), true); }
}

/**
 * Pads the last three dimensions with a constant `value`. PyTorch: `torch.nn.ConstantPad3d`.
 * @example
 * ```ts
 * new nn.ConstantPad3d([1, 0, 0, 1, 2, 0], 0.5)(randn([1, 2, 2, 2, 2])).shape;  // [1, 2, 4, 3, 3]
 * ```
 */
export class ConstantPad3d extends PadNd {
  constructor(...args: ConstantPadLayerArgs) { super('ConstantPad3d', 3, 'constant', ...sizedValue('ConstantPad3d', 3, args), true); }
}

/**
 * Pads the last dimension with its reflection about the edge (the edge itself not repeated; each amount
 * smaller than the size). Input [C, L] or [N, C, L]. PyTorch: `torch.nn.ReflectionPad1d`.
 * @example
 * ```ts
 * new nn.ReflectionPad1d(2)(tensor([[[1, 2, 3]]]));  // tensor([[[3., 2., 1., 2., 3., 2., 1.]]])
 * ```
 */
export class ReflectionPad1d extends PadNd {
  constructor(...args: PadLayerArgs) { super('ReflectionPad1d', 1, 'reflect', sized('ReflectionPad1d', 1, args)); }
}

/**
 * Pads the last two dimensions with their reflection about the edges. Input [C, H, W] or [N, C, H, W].
 * PyTorch: `torch.nn.ReflectionPad2d`.
 * @example
 * ```ts
 * new nn.ReflectionPad2d([2, 1, 1, 2])(randn([1, 2, 4, 5])).shape;  // [1, 2, 7, 8]
 * ```
 */
export class ReflectionPad2d extends PadNd {
  constructor(...args: PadLayerArgs) { super('ReflectionPad2d', 2, 'reflect', sized('ReflectionPad2d', 2, args)); }
}

/**
 * Pads the last three dimensions with their reflection about the edges. Input [C, D, H, W] or
 * [N, C, D, H, W]. PyTorch: `torch.nn.ReflectionPad3d`.
 * @example
 * ```ts
 * new nn.ReflectionPad3d(1)(randn([1, 1, 2, 3, 3])).shape;  // [1, 1, 4, 5, 5]
 * ```
 */
export class ReflectionPad3d extends PadNd {
  constructor(...args: PadLayerArgs) { super('ReflectionPad3d', 3, 'reflect', sized('ReflectionPad3d', 3, args)); }
}

/**
 * Pads the last dimension by repeating its edge values. Input [C, L] or [N, C, L]. PyTorch: `torch.nn.ReplicationPad1d`.
 * @example
 * ```ts
 * new nn.ReplicationPad1d([2, 1])(tensor([[[1, 2]]]));  // tensor([[[1., 1., 1., 2., 2.]]])
 * ```
 */
export class ReplicationPad1d extends PadNd {
  constructor(...args: PadLayerArgs) { super('ReplicationPad1d', 1, 'replicate', sized('ReplicationPad1d', 1, args)); }
}

/**
 * Pads the last two dimensions by repeating their edge values. Input [C, H, W] or [N, C, H, W].
 * PyTorch: `torch.nn.ReplicationPad2d`.
 * @example
 * ```ts
 * new nn.ReplicationPad2d(2)(randn([1, 2, 3, 3])).shape;  // [1, 2, 7, 7]
 * ```
 */
export class ReplicationPad2d extends PadNd {
  constructor(...args: PadLayerArgs) { super('ReplicationPad2d', 2, 'replicate', sized('ReplicationPad2d', 2, args)); }
}

/**
 * Pads the last three dimensions by repeating their edge values. Input [C, D, H, W] or [N, C, D, H, W].
 * PyTorch: `torch.nn.ReplicationPad3d`.
 * @example
 * ```ts
 * new nn.ReplicationPad3d(1)(randn([1, 2, 2, 2, 3])).shape;  // [1, 2, 4, 4, 5]
 * ```
 */
export class ReplicationPad3d extends PadNd {
  constructor(...args: PadLayerArgs) { super('ReplicationPad3d', 3, 'replicate', sized('ReplicationPad3d', 3, args)); }
}

/**
 * Pads the last dimension by wrapping around (each amount at most the size). Input [C, L] or [N, C, L].
 * PyTorch: `torch.nn.CircularPad1d` (PyTorch 2.1; `F.pad(x, pad, mode='circular')` before).
 * @example
 * ```ts
 * new nn.CircularPad1d([2, 0])(tensor([[[1, 2, 3]]]));  // tensor([[[2., 3., 1., 2., 3.]]])
 * ```
 */
export class CircularPad1d extends PadNd {
  constructor(...args: PadLayerArgs) { super('CircularPad1d', 1, 'circular', sized('CircularPad1d', 1, args)); }
}

/**
 * Pads the last two dimensions by wrapping around, as on a torus. Input [C, H, W] or [N, C, H, W].
 * PyTorch: `torch.nn.CircularPad2d` (PyTorch 2.1; `F.pad(x, pad, mode='circular')` before).
 * @example
 * ```ts
 * new nn.CircularPad2d(1)(randn([1, 2, 3, 3])).shape;  // [1, 2, 5, 5]
 * ```
 */
export class CircularPad2d extends PadNd {
  constructor(...args: PadLayerArgs) { super('CircularPad2d', 2, 'circular', sized('CircularPad2d', 2, args)); }
}

/**
 * Pads the last three dimensions by wrapping around. Input [C, D, H, W] or [N, C, D, H, W].
 * PyTorch: `torch.nn.CircularPad3d` (PyTorch 2.1; `F.pad(x, pad, mode='circular')` before).
 * @example
 * ```ts
 * new nn.CircularPad3d(1)(randn([1, 2, 2, 2, 3])).shape;  // [1, 2, 4, 4, 5]
 * ```
 */
export class CircularPad3d extends PadNd {
  constructor(...args: PadLayerArgs) { super('CircularPad3d', 3, 'circular', sized('CircularPad3d', 3, args)); }
}

markBuiltIn(
  ZeroPad1d, ZeroPad2d, ZeroPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d, CircularPad3d,
);
