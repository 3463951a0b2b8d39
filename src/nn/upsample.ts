// nn/upsample.ts — Upsample, UpsamplingNearest2d and UpsamplingBilinear2d: F.interpolate with fixed
// arguments, as torch.nn's. repr as PyTorch's: `Upsample(scale_factor=2.0, mode=nearest)`.

import { Tensor } from '../tensor/tensor.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { INTERPOLATE_SIGNATURE, interpolateWith, type InterpolateMode, type InterpolateOptions } from '../ops/interpolate.js';
import { Module, markBuiltIn } from './module.js';
import { pyFloat } from './repr.js';

/**
 * Options of {@link Upsample}: any constructor argument by name. PyTorch: the keyword arguments of
 * `nn.Upsample` (`scale_factor` is `scaleFactor`, `align_corners` is `alignCorners`).
 * @example
 * ```ts
 * new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false });
 * ```
 */
export interface UpsampleOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

const SIGNATURE = { positional: INTERPOLATE_SIGNATURE.positional.slice(0, 5) } as const;

/**
 * Resizes [N, C, L], [N, C, H, W] or [N, C, D, H, W] inputs to `size`, or by `scaleFactor`, as
 * `F.interpolate` does with the same arguments (mode 'nearest' by default; 'bilinear' and the other
 * linear modes with `alignCorners`). Arguments in PyTorch's order: size, scaleFactor, mode, alignCorners,
 * recomputeScaleFactor. PyTorch: `torch.nn.Upsample`.
 * @example
 * ```ts
 * const up = new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' });
 * up(randn([1, 3, 8, 8])).shape;                  // [1, 3, 16, 16]
 * new nn.Upsample([32, 32]);                      // to 32×32, nearest
 * ```
 */
export class Upsample extends Module {
  readonly size: number | number[] | null;
  readonly scaleFactor: number | number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(...args: PyArgs<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: InterpolateMode,
    alignCorners: boolean | null, recomputeScaleFactor: boolean | null], UpsampleOptions>) {
    super();
    const a = bindArgs(new.target.name, args, SIGNATURE as unknown as Parameters<typeof bindArgs>[2]) as InterpolateOptions;
    this.size = a.size === undefined || a.size === null ? null : typeof a.size === 'number' ? a.size : [...a.size];
    this.scaleFactor = a.scaleFactor === undefined || a.scaleFactor === null ? null
      : typeof a.scaleFactor === 'number' ? a.scaleFactor : [...a.scaleFactor];
    this.mode = a.mode ?? 'nearest';
    this.alignCorners = a.alignCorners ?? null;
    this.recomputeScaleFactor = a.recomputeScaleFactor ?? null;
  }

  /**
   * Resizes `x` with the layer's arguments. PyTorch: `forward`.
   * @example
   * ```ts
   * new nn.Upsample({ scaleFactor: 2 }).forward(randn([1, 1, 4, 4])).shape;  // [1, 1, 8, 8]
   * ```
   */
  forward(x: Tensor): Tensor {
    return interpolateWith(this.constructor.name, x, {
      size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  override extraRepr(): string {
    const tuple = (v: readonly string[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
    let info: string;
    if (this.scaleFactor !== null) {
      const sf = this.scaleFactor;
      info = `scale_factor=${typeof sf === 'number' ? pyFloat(sf) : tuple(sf.map(pyFloat))}`;
    } else {
      const s = this.size;
      info = `size=${s === null ? 'None' : typeof s === 'number' ? String(s) : tuple(s.map(String))}`;
    }
    return `${info}, mode=${this.mode}`;
  }
}

/** The two-argument constructors of the fixed-mode upsampling layers. */
export type UpsamplingArgs = PyArgs<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null],
  { size?: number | readonly number[] | null; scaleFactor?: number | readonly number[] | null }>;

function sizeAndScale(op: string, args: readonly unknown[]): UpsampleOptions {
  return bindArgs(op, args, { positional: INTERPOLATE_SIGNATURE.positional.slice(0, 2) as unknown as Parameters<typeof bindArgs>[2]['positional'] }) as UpsampleOptions;
}

/**
 * 2-D nearest-neighbour upsampling of [N, C, H, W] inputs, to `size` or by `scaleFactor`: `Upsample` with
 * mode 'nearest'. PyTorch: `torch.nn.UpsamplingNearest2d`.
 * @example
 * ```ts
 * new nn.UpsamplingNearest2d({ scaleFactor: 2 })(randn([1, 2, 2, 3])).shape;  // [1, 2, 4, 6]
 * ```
 */
export class UpsamplingNearest2d extends Upsample {
  constructor(...args: UpsamplingArgs) {
    super({ ...sizeAndScale('UpsamplingNearest2d', args), mode: 'nearest' });
  }
}

/**
 * 2-D bilinear upsampling of [N, C, H, W] inputs with the corners aligned, to `size` or by `scaleFactor`:
 * `Upsample` with mode 'bilinear' and alignCorners true. PyTorch: `torch.nn.UpsamplingBilinear2d`.
 * @example
 * ```ts
 * new nn.UpsamplingBilinear2d([4, 5])(randn([1, 2, 2, 3])).shape;  // [1, 2, 4, 5]
 * ```
 */
export class UpsamplingBilinear2d extends Upsample {
  constructor(...args: UpsamplingArgs) {
    super({ ...sizeAndScale('UpsamplingBilinear2d', args), mode: 'bilinear', alignCorners: true });
  }
}

markBuiltIn(Upsample, UpsamplingNearest2d, UpsamplingBilinear2d);
