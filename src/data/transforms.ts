// data/transforms.ts — image transforms as torchvision.transforms' classes, callable like torchvision's:
//
//   const t = new transforms.Compose([new transforms.RandomCrop(28, 4), new transforms.RandomHorizontalFlip(),
//                                     new transforms.Normalize([0.2860], [0.3530])]);
//   t(img);                                       // img: a [C, H, W] (or [H, W]) float tensor
//
// Constructors take PyTorch's positional arguments in order, and any of them by name in a trailing options
// object (tensor/signature.ts). A transform is a callable object (as nn.Module is): `t(x)` runs
// `t.forward(x)`. The work is done by the functions of transforms.functional (composed ops, on every
// backend). The crop, flip, normalise and ToTensor transforms also carry a `sample` kernel that works on one
// image's values in a Float32Array; the MNIST datasets use it to write a whole batch into one array without
// making a tensor per image. Random transforms draw from the global seeded generator (manualSeed), as
// torchvision draws from torch's, or from their own `generator` (data/rng.ts), whose state a training run
// can save so that a resumed run draws the same crops and flips as an uninterrupted one.

/**
 * Image transforms for datasets, as torchvision's classes: `new Compose([...])`, `Normalize`, `ToTensor`,
 * `RandomCrop`, `RandomHorizontalFlip`, `Resize`, `CenterCrop`, `RandomResizedCrop`, `ColorJitter`,
 * `RandomRotation`, …; and `functional`, the same operations as functions. PyTorch: `torchvision.transforms`.
 * @example
 * ```ts
 * const t = new transforms.Compose([new transforms.Resize(256), new transforms.CenterCrop(224),
 *                                   new transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])]);
 * t(img).shape;  // [3, 224, 224]
 * ```
 * @module
 */

import { Tensor } from '../tensor/tensor.js';
import { noExtraArgs } from '../tensor/signature.js';
import { fromArray } from '../tensor/creation.js';
import { uniform } from '../tensor/random.js';
import { bindArgs, describeValue, type PyArgs } from '../tensor/signature.js';
import { add, div, mul, sub } from '../ops/elementwise.js';
import { toDtype } from '../ops/shape.js';
import { Generator } from './rng.js';
import {
  type InterpolationMode, imageSize, pairSize, checkMeanStd, resizeImpl, cropImpl, centerCropImpl, rotateImpl,
  hflip, vflip, normalize as normalizeFn, adjustBrightness, adjustContrast, adjustSaturation, adjustHue,
} from './image-ops.js';

export * as functional from './transforms-functional.js';
export type { InterpolationMode } from './image-ops.js';

/**
 * Options of the random transforms: a {@link Generator} to draw from instead of the global one.
 * PyTorch: none (torchvision's transforms draw from the global generator).
 * @example
 * ```ts
 * new transforms.RandomCrop(28, 4, { generator: new Generator(0) });
 * ```
 */
export interface RandomOptions {
  /** Draw from this generator instead of the global one. */
  generator?: Generator;
}

const generatorKind = { test: (v: unknown) => v instanceof Generator, what: 'a Generator (data/rng.ts)' };

function drawFrom(g: Generator | undefined): () => number {
  return g === undefined ? uniform : () => g.uniform();
}

/**
 * A per-image kernel behind a transform, which the batched data path runs on raw Float32Arrays:
 * `outShape` gives the output shape for an input shape, `apply` reads `src` and writes `dst`.
 * convnet's own.
 * @example
 * ```ts
 * const flipOp: SampleOp | undefined = new transforms.RandomHorizontalFlip().sample;
 * ```
 */
export interface SampleOp {
  /**
   * The shape of the image this op writes for an input image of `shape`.
   * @example
   * ```ts
   * op.outShape([1, 28, 28]);
   * ```
   */
  outShape(shape: readonly number[]): number[];
  /** src and dst never overlap unless `inPlace` is set. */
  apply(src: Float32Array, dst: Float32Array, shape: readonly number[]): void;
  readonly inPlace?: boolean;
}

/**
 * What a dataset accepts as its `transform`: a {@link Transform}, or any function of a sample (a lambda).
 * convnet's own (torchvision takes any callable).
 * @example
 * ```ts
 * const t: TransformLike = (x: Tensor) => x.mul(2);
 * ```
 */
export type TransformLike<I = Tensor, O = Tensor> = ((x: I) => O) & { readonly sample?: SampleOp; readonly repr?: string };

/**
 * How a transform prints in a data set's description: its `repr`, or `Lambda()` for a plain function.
 * convnet's own.
 * @example
 * ```ts
 * transforms.describeTransform(new transforms.CenterCrop(8));  // 'CenterCrop(size=(8, 8))'
 * transforms.describeTransform((x: Tensor) => x);               // 'Lambda()'
 * ```
 */
export function describeTransform(t: unknown): string {
  noExtraArgs('describeTransform', arguments, ['t']);
  return typeof (t as { repr?: unknown }).repr === 'string' ? (t as { repr: string }).repr : 'Lambda()';
}

// Transforms are callable: their call signature is forward's.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Transform<I = Tensor, O = Tensor> {
  /**
   * Calling a transform runs its `forward`. PyTorch: `transform(img)` (`__call__`).
   * @example
   * ```ts
   * const out = new transforms.CenterCrop(24)(img);
   * ```
   */
  (x: I): O;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
/**
 * The base class of transforms: a callable object (`t(x)` runs `t.forward(x)`) with torchvision's
 * `repr`, and for the built-in per-image ones a `sample` kernel for the batched path. Subclass it and
 * implement `forward` and `repr`. PyTorch: a torchvision transform (an `nn.Module` or callable class).
 * @example
 * ```ts
 * class Invert extends transforms.Transform {
 *   forward(x: Tensor) { return x.neg().add(1); }
 *   get repr() { return 'Invert()'; }
 * }
 * new Invert()(img);
 * ```
 */
export abstract class Transform<I = Tensor, O = Tensor> {
  /** The batched-path kernel; absent for transforms that only work on tensors. */
  declare readonly sample?: SampleOp;

  constructor() {
    const callable = function (x: unknown): unknown {
      return (callable as unknown as Transform<unknown, unknown>).forward(x);
    };
    Object.setPrototypeOf(callable, new.target.prototype);
    return callable as unknown as Transform<I, O>;
  }

  /**
   * Applies the transform to one sample. PyTorch: `forward` of a torchvision transform.
   * @example
   * ```ts
   * t.forward(img);  // the same as t(img)
   * ```
   */
  abstract forward(x: I): O;

  /**
   * torchvision's description, e.g. `Normalize(mean=[0.286], std=[0.353])`. PyTorch: `repr(transform)`.
   * @example
   * ```ts
   * new transforms.CenterCrop(24).repr;  // 'CenterCrop(size=(24, 24))'
   * ```
   */
  abstract get repr(): string;

  /**
   * The same as {@link Transform.repr}. PyTorch: `str(transform)`.
   * @example
   * ```ts
   * String(new transforms.ToTensor());  // 'ToTensor()'
   * ```
   */
  toString(): string {
    return this.repr;
  }
}

function chw(op: string, shape: readonly number[]): [number, number, number] {
  if (shape.length === 2) return [1, shape[0], shape[1]];
  if (shape.length < 2) throw new Error(`${op}: expected an image of shape [C, H, W] or [H, W], got [${shape.join(', ')}]`);
  const c = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [c, shape[shape.length - 2], shape[shape.length - 1]];
}

function requireImage(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor image, got ${describeValue(x)}`);
  imageSize(op, x);
  return x;
}

const fmt = (v: readonly number[]) => `[${v.map((x) => +x.toFixed(4)).join(', ')}]`;
const pyNum = (v: number) => (Number.isInteger(v) ? `${v}` : `${v}`);
const numberList = { test: (v: unknown) => typeof v === 'number' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number')), what: 'a number or a list of numbers' };
const sizeKind = { test: (v: unknown) => Number.isInteger(v) || (Array.isArray(v) && (v.length === 1 || v.length === 2) && v.every((x) => Number.isInteger(x))), what: 'an integer or a list of 1 or 2 integers' };
const interpKind = { test: (v: unknown) => v === 'nearest' || v === 'bilinear' || v === 'bicubic', what: "'nearest', 'bilinear' or 'bicubic'" };
const pairKind = { test: (v: unknown) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)), what: 'a list of 2 numbers' };
const probability = (op: string, p: number) => {
  if (!(p >= 0 && p <= 1)) throw new Error(`${op}: p must be a probability in [0, 1], got ${p}`);
  return p;
};

/**
 * Chains transforms, applied in order; the result keeps the batched path when every part has one.
 * PyTorch: `torchvision.transforms.Compose`.
 * @example
 * ```ts
 * const t = new transforms.Compose([new transforms.RandomCrop(28, 2), new transforms.Normalize(0.286, 0.353)]);
 * ```
 */
export class Compose extends Transform {
  readonly transforms: readonly TransformLike<any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  declare readonly sample?: SampleOp;

  constructor(...args: PyArgs<[transforms: readonly TransformLike<any, any>[]], { transforms?: readonly TransformLike<any, any>[] }>) { // eslint-disable-line @typescript-eslint/no-explicit-any
    super();
    const a = bindArgs('Compose', args, { positional: [{ name: 'transforms', kind: { test: Array.isArray, what: 'a list of transforms' }, required: true }] });
    const list = a.transforms as TransformLike<any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    list.forEach((t, i) => { if (typeof t !== 'function') throw new Error(`Compose: transforms[${i}] is not a transform (got ${describeValue(t)})`); });
    this.transforms = [...list];
    const ops = list.map((t) => t.sample);
    if (ops.every((o) => o !== undefined)) Object.defineProperty(this, 'sample', { value: new Pipeline(ops as SampleOp[]), enumerable: false });
  }

  /**
   * Applies each transform in turn. PyTorch: `Compose.__call__`.
   * @example
   * ```ts
   * compose.forward(img);
   * ```
   */
  forward(x: Tensor): Tensor {
    return this.transforms.reduce<unknown>((acc, t) => (t as (v: unknown) => unknown)(acc), x) as Tensor;
  }

  /**
   * `Compose(` then one transform per line. PyTorch: `repr(Compose)`.
   * @example
   * ```ts
   * compose.repr;
   * ```
   */
  get repr(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${describeTransform(t)}`).join('\n')}\n)`;
  }
}

/**
 * Wraps a function as a transform. PyTorch: `torchvision.transforms.Lambda`.
 * @example
 * ```ts
 * new transforms.Lambda((x: Tensor) => x.mul(255));
 * ```
 */
export class Lambda<I = Tensor, O = Tensor> extends Transform<I, O> {
  /** The wrapped function. PyTorch: `Lambda.lambd`. */
  readonly lambd: (x: I) => O;

  constructor(...args: PyArgs<[lambd: (x: I) => O], { lambd?: (x: I) => O }>) {
    super();
    const a = bindArgs('Lambda', args, { positional: [{ name: 'lambd', kind: 'function', required: true }] });
    this.lambd = a.lambd as (x: I) => O;
  }

  /**
   * Calls the function. PyTorch: `Lambda.__call__`.
   * @example
   * ```ts
   * new transforms.Lambda((x: Tensor) => x.mul(2)).forward(img);
   * ```
   */
  forward(x: I): O {
    return this.lambd(x);
  }

  /**
   * `Lambda()`. PyTorch: `repr(Lambda)`.
   * @example
   * ```ts
   * new transforms.Lambda((x: Tensor) => x).repr;  // 'Lambda()'
   * ```
   */
  get repr(): string {
    return 'Lambda()';
  }
}

/** Pixel data with its shape, [H, W] or [H, W, C] (what ToTensor takes besides a tensor). */
export interface Pixels {
  /** The 8-bit values, row-major, channels last. */
  data: ArrayLike<number>;
  /** [H, W] or [H, W, C]. */
  shape: readonly number[];
}

/**
 * torchvision's ToTensor: 8-bit pixel values (a Uint8Array / Uint8ClampedArray with its [H, W] or
 * [H, W, C] shape, or an int32 tensor) become float32 in [0, 1], channels first. Datasets in convnet
 * already yield [C, H, W] float32 in [0, 1], so on a float tensor this is the identity and it may head any
 * pipeline. PyTorch: `torchvision.transforms.ToTensor`.
 * @example
 * ```ts
 * new transforms.ToTensor()({ data: new Uint8Array([0, 255]), shape: [1, 2] });  // [1, 1, 2] float32: [[[0, 1]]]
 * ```
 */
export class ToTensor extends Transform<Tensor | Pixels, Tensor> {
  declare readonly sample: SampleOp;

  constructor(...args: PyArgs<[], Record<string, never>>) {
    super();
    bindArgs('ToTensor', args, { positional: [] });
    const op: SampleOp = { inPlace: true, outShape: (s) => [...s], apply(src, dst) { if (src !== dst) dst.set(src); } };
    Object.defineProperty(this, 'sample', { value: op, enumerable: false });
  }

  /**
   * Converts one image. PyTorch: `ToTensor.__call__`.
   * @example
   * ```ts
   * new transforms.ToTensor().forward({ data: rgbaBytes, shape: [h, w, 4] });
   * ```
   */
  forward(x: Tensor | Pixels): Tensor {
    if (x instanceof Tensor) {
      if (x.dtype !== 'int32') return x;
      return div(toDtype(x, 'float32'), 255);
    }
    if (x === null || typeof x !== 'object' || !('data' in x) || !('shape' in x)) throw new Error(`ToTensor: expected a Tensor or { data, shape } pixels, got ${describeValue(x)}`);
    const { data, shape } = x;
    if (shape.length !== 2 && shape.length !== 3) throw new Error(`ToTensor: expected pixels of shape [H, W] or [H, W, C], got [${shape.join(', ')}]`);
    const [h, w, c] = [shape[0], shape[1], shape[2] ?? 1];
    if (data.length !== h * w * c) throw new Error(`ToTensor: ${data.length} values do not fill shape [${shape.join(', ')}]`);
    const out = new Float32Array(h * w * c);
    for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) {
      out[ch * h * w + y * w + xx] = data[(y * w + xx) * c + ch] / 255;
    }
    return fromArray(out, [c, h, w]);
  }

  /**
   * `ToTensor()`. PyTorch: `repr(ToTensor())`.
   * @example
   * ```ts
   * new transforms.ToTensor().repr;  // 'ToTensor()'
   * ```
   */
  get repr(): string {
    return 'ToTensor()';
  }
}

/**
 * (x − mean[c]) / std[c] per channel; a single number applies to every channel. PyTorch:
 * `torchvision.transforms.Normalize`.
 * @example
 * ```ts
 * new transforms.Normalize([0.2860], [0.3530])(img);
 * ```
 */
export class Normalize extends Transform {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  declare readonly sample: SampleOp;

  constructor(...args: PyArgs<[mean: number | readonly number[], std: number | readonly number[]], { mean?: number | readonly number[]; std?: number | readonly number[] }>) {
    super();
    const a = bindArgs('Normalize', args, { positional: [{ name: 'mean', kind: numberList, required: true }, { name: 'std', kind: numberList, required: true }] });
    const m = typeof a.mean === 'number' ? [a.mean] : [...(a.mean as number[])];
    const s = typeof a.std === 'number' ? [a.std] : [...(a.std as number[])];
    checkMeanStd('Normalize', m, s);
    this.mean = m;
    this.std = s;
    const op: SampleOp = {
      inPlace: true,
      outShape: (shape) => [...shape],
      apply(src, dst, shape) {
        const [c, h, w] = chw('Normalize', shape);
        if (m.length !== 1 && m.length !== c) throw new Error(`Normalize: ${m.length} means/stds for an image with ${c} channels`);
        const plane = h * w;
        for (let ch = 0; ch < c; ch++) {
          // float32 operands, subtract then divide, as torchvision (and the tensor path) computes it.
          const mu = Math.fround(m.length === 1 ? m[0] : m[ch]), sd = Math.fround(s.length === 1 ? s[0] : s[ch]);
          for (let i = ch * plane, e = i + plane; i < e; i++) dst[i] = Math.fround(src[i] - mu) / sd;
        }
      },
    };
    Object.defineProperty(this, 'sample', { value: op, enumerable: false });
  }

  /**
   * Normalises one image. PyTorch: `Normalize.forward`.
   * @example
   * ```ts
   * new transforms.Normalize(0.5, 0.5).forward(img);
   * ```
   */
  forward(x: Tensor): Tensor {
    return normalizeFn(requireImage('Normalize', x), this.mean, this.std);
  }

  /**
   * `Normalize(mean=[…], std=[…])`. PyTorch: `repr(Normalize)`.
   * @example
   * ```ts
   * new transforms.Normalize(0.5, 0.5).repr;  // 'Normalize(mean=[0.5], std=[0.5])'
   * ```
   */
  get repr(): string {
    return `Normalize(mean=${fmt(this.mean)}, std=${fmt(this.std)})`;
  }
}

/**
 * Options of {@link RandomCrop}: padding added before cropping and how it is filled, and the generator.
 * PyTorch: the keyword arguments of `torchvision.transforms.RandomCrop`.
 * @example
 * ```ts
 * new transforms.RandomCrop(28, { padding: 4, fill: 0 });
 * ```
 */
export interface RandomCropOptions extends RandomOptions {
  /** The crop's size: h = w, or [h, w]. */
  size?: number | readonly number[];
  /** Padding before cropping: p (all sides), [leftRight, topBottom] or [left, top, right, bottom], as torchvision. */
  padding?: number | readonly number[];
  /** Value of the padded pixels (default 0). */
  fill?: number;
}

/**
 * Pads (by `padding`, filled with `fill`), then cuts a size × size (or [h, w]) window at a random
 * position. PyTorch: `torchvision.transforms.RandomCrop` (`padding_mode` constant).
 * @example
 * ```ts
 * new transforms.RandomCrop(28, 2)(img).shape;  // [1, 28, 28]
 * ```
 */
export class RandomCrop extends Transform {
  readonly size: [number, number];
  /** [left, top, right, bottom]. */
  readonly padding: [number, number, number, number];
  readonly fill: number;
  declare readonly sample: SampleOp;
  declare private readonly draw: () => number;

  constructor(...args: PyArgs<[size: number | readonly number[], padding: number | readonly number[], padIfNeeded: false, fill: number], RandomCropOptions>) {
    super();
    const a = bindArgs('RandomCrop', args, {
      positional: [{ name: 'size', kind: sizeKind, required: true }, { name: 'padding', kind: 'size' },
        { name: 'padIfNeeded', kind: { test: (v) => v === false, what: 'false (padIfNeeded is not supported)' } }, { name: 'fill', kind: 'number' }],
      keywordOnly: [{ name: 'generator', kind: generatorKind }],
    });
    const [sh, sw] = pairSize('RandomCrop', 'size', a.size as number | number[]);
    const p = (a.padding as number | number[] | undefined) ?? 0;
    const pads = typeof p === 'number' ? [p, p, p, p] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p.length === 4 ? [...p] : null;
    if (!pads || pads.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new Error(`RandomCrop: padding must be a non-negative integer or a list of 2 or 4 of them, got ${JSON.stringify(p)}`);
    }
    this.size = [sh, sw];
    this.padding = pads as [number, number, number, number];
    this.fill = (a.fill as number | undefined) ?? 0;
    Object.defineProperty(this, 'draw', { value: drawFrom(a.generator as Generator | undefined), enumerable: false });
    const self = this;
    const op: SampleOp = {
      outShape(shape) {
        const [, h, w] = chw('RandomCrop', shape);
        self.check(h, w);
        return shape.length === 2 ? [sh, sw] : [...shape.slice(0, -2), sh, sw];
      },
      apply(src, dst, shape) {
        const [c, h, w] = chw('RandomCrop', shape);
        const [top, left] = self.origin(h, w);
        const fill = self.fill;
        for (let ch = 0; ch < c; ch++) {
          const so = ch * h * w, d0 = ch * sh * sw;
          for (let y = 0; y < sh; y++) {
            const sy = top + y, drow = d0 + y * sw;
            if (sy < 0 || sy >= h) { dst.fill(fill, drow, drow + sw); continue; }
            const x0 = Math.min(sw, Math.max(0, -left)), x1 = Math.min(sw, w - left);
            if (x0 > 0) dst.fill(fill, drow, drow + x0);
            if (x1 > x0) dst.set(src.subarray(so + sy * w + left + x0, so + sy * w + left + x1), drow + x0);
            if (x1 < sw) dst.fill(fill, drow + Math.max(x0, x1), drow + sw);
          }
        }
      },
    };
    Object.defineProperty(this, 'sample', { value: op, enumerable: false });
  }

  private check(h: number, w: number): void {
    const [pl, pt, pr, pb] = this.padding, [sh, sw] = this.size;
    if (h + pt + pb < sh || w + pl + pr < sw) {
      throw new Error(`RandomCrop: crop size [${sh}, ${sw}] is larger than the padded image [${h + pt + pb}, ${w + pl + pr}]`);
    }
  }

  /** The window's top-left corner in the image's own coordinates (negative inside the padding). */
  private origin(h: number, w: number): [number, number] {
    const [pl, pt, pr, pb] = this.padding, [sh, sw] = this.size;
    const top = Math.floor(this.draw() * (h + pt + pb - sh + 1)) - pt;
    const left = Math.floor(this.draw() * (w + pl + pr - sw + 1)) - pl;
    return [top, left];
  }

  /**
   * Crops one image at a random position. PyTorch: `RandomCrop.forward`.
   * @example
   * ```ts
   * new transforms.RandomCrop(24).forward(img);
   * ```
   */
  forward(x: Tensor): Tensor {
    const [h, w] = imageSize('RandomCrop', requireImage('RandomCrop', x));
    this.check(h, w);
    const [top, left] = this.origin(h, w);
    const out = cropImpl('RandomCrop', x, top, left, this.size[0], this.size[1]);
    if (this.fill === 0) return out;
    // cropImpl pads with zeros; mark what came from outside the image and give it the fill.
    const inside = cropImpl('RandomCrop', add(mul(x, 0), 1), top, left, this.size[0], this.size[1]);
    return add(out, mul(sub(1, inside), this.fill));
  }

  /**
   * `RandomCrop(size=(h, w), padding=…)`. PyTorch: `repr(RandomCrop)`.
   * @example
   * ```ts
   * new transforms.RandomCrop(28, 4).repr;  // 'RandomCrop(size=(28, 28), padding=4)'
   * ```
   */
  get repr(): string {
    const pads = this.padding, pl = pads[0];
    const padRepr = pads.every((v) => v === 0) ? '' : `, padding=${pads.every((v) => v === pl) ? pl : fmt(pads)}`;
    return `RandomCrop(size=(${this.size[0]}, ${this.size[1]})${padRepr})`;
  }
}

function flipSample(name: string, axis: 'h' | 'v', coin: () => boolean): SampleOp {
  return {
    inPlace: true,
    outShape: (shape) => [...shape],
    apply(src, dst, shape) {
      const [c, h, w] = chw(name, shape);
      if (!coin()) { if (dst !== src) dst.set(src.subarray(0, c * h * w)); return; }
      for (let ch = 0; ch < c; ch++) {
        const o = ch * h * w;
        if (axis === 'h') {
          for (let y = 0; y < h; y++) {
            const r = o + y * w;
            for (let a = 0, b = w - 1; a <= b; a++, b--) { const t = src[r + a]; dst[r + a] = src[r + b]; dst[r + b] = t; }
          }
        } else {
          for (let a = 0, b = h - 1; a <= b; a++, b--) {
            for (let x = 0; x < w; x++) { const t = src[o + a * w + x]; dst[o + a * w + x] = src[o + b * w + x]; dst[o + b * w + x] = t; }
          }
        }
      }
    },
  };
}

/** The two random flips: one class, told its name and axis, so that their checks and draws are written once. */
abstract class RandomFlip extends Transform {
  readonly p: number;
  declare readonly sample: SampleOp;
  declare private readonly draw: () => number;

  constructor(private readonly op: 'RandomHorizontalFlip' | 'RandomVerticalFlip', args: unknown[]) {
    super();
    const a = bindArgs(op, args, { positional: [{ name: 'p', kind: 'number' }], keywordOnly: [{ name: 'generator', kind: generatorKind }] });
    this.p = probability(op, (a.p as number | undefined) ?? 0.5);
    Object.defineProperty(this, 'draw', { value: drawFrom(a.generator as Generator | undefined), enumerable: false });
    const axis = op === 'RandomHorizontalFlip' ? 'h' : 'v';
    Object.defineProperty(this, 'sample', { value: flipSample(op, axis, () => this.draw() < this.p), enumerable: false });
  }

  /**
   * Flips one image, or not. PyTorch: `RandomHorizontalFlip.forward`, `RandomVerticalFlip.forward`.
   * @example
   * ```ts
   * new transforms.RandomHorizontalFlip(1).forward(img);  // always flipped
   * ```
   */
  forward(x: Tensor): Tensor {
    requireImage(this.op, x);
    if (!(this.draw() < this.p)) return x;
    return this.op === 'RandomHorizontalFlip' ? hflip(x) : vflip(x);
  }

  /**
   * `RandomHorizontalFlip(p=…)` or `RandomVerticalFlip(p=…)`. PyTorch: their `repr`.
   * @example
   * ```ts
   * new transforms.RandomHorizontalFlip().repr;  // 'RandomHorizontalFlip(p=0.5)'
   * ```
   */
  get repr(): string {
    return `${this.op}(p=${pyNum(this.p)})`;
  }
}

/**
 * Mirrors the image left to right with probability `p` (default 0.5). PyTorch:
 * `torchvision.transforms.RandomHorizontalFlip`.
 * @example
 * ```ts
 * new transforms.RandomHorizontalFlip(0.5, { generator: new Generator(1) });
 * ```
 */
export class RandomHorizontalFlip extends RandomFlip {
  constructor(...args: PyArgs<[p: number], { p?: number } & RandomOptions>) {
    super('RandomHorizontalFlip', args);
  }
}

/**
 * Mirrors the image top to bottom with probability `p` (default 0.5). PyTorch:
 * `torchvision.transforms.RandomVerticalFlip`.
 * @example
 * ```ts
 * new transforms.RandomVerticalFlip(0.1);
 * ```
 */
export class RandomVerticalFlip extends RandomFlip {
  constructor(...args: PyArgs<[p: number], { p?: number } & RandomOptions>) {
    super('RandomVerticalFlip', args);
  }
}

const sizeRepr = (s: number | readonly number[]) => (typeof s === 'number' ? `${s}` : s.length === 1 ? `[${s[0]}]` : `(${s[0]}, ${s[1]})`);

/**
 * Options of {@link Resize}. PyTorch: the keyword arguments of `torchvision.transforms.Resize`.
 * @example
 * ```ts
 * new transforms.Resize(256, { interpolation: 'bicubic', maxSize: 512 });
 * ```
 */
export interface ResizeOptions {
  /** [h, w], or one number for the shorter edge (the aspect ratio kept). */
  size?: number | readonly number[];
  /** `'bilinear'` (default), `'nearest'` or `'bicubic'`. */
  interpolation?: InterpolationMode;
  /** With one size: the longest the longer edge may become. */
  maxSize?: number;
  /** Low-pass filter when shrinking (default true, as torchvision ≥ 0.17 and PIL). */
  antialias?: boolean;
}

/**
 * Resizes the image to `size` ([h, w], or one number for the shorter edge keeping the aspect ratio).
 * PyTorch: `torchvision.transforms.Resize`.
 * @example
 * ```ts
 * new transforms.Resize([32, 32])(img).shape;  // [3, 32, 32]
 * ```
 */
export class Resize extends Transform {
  readonly size: number | readonly number[];
  readonly interpolation: InterpolationMode;
  readonly maxSize?: number;
  readonly antialias: boolean;

  constructor(...args: PyArgs<[size: number | readonly number[], interpolation: InterpolationMode, maxSize: number, antialias: boolean], ResizeOptions>) {
    super();
    const a = bindArgs('Resize', args, { positional: [
      { name: 'size', kind: sizeKind, required: true }, { name: 'interpolation', kind: interpKind }, { name: 'maxSize', kind: 'int' }, { name: 'antialias', kind: 'bool' },
    ] });
    this.size = a.size as number | number[];
    this.interpolation = (a.interpolation as InterpolationMode | undefined) ?? 'bilinear';
    this.maxSize = a.maxSize as number | undefined;
    this.antialias = (a.antialias as boolean | undefined) ?? true;
    if (this.maxSize !== undefined && typeof this.size !== 'number' && this.size.length !== 1) throw new Error(`Resize: maxSize is only allowed when size is one number, got size ${JSON.stringify(this.size)}`);
  }

  /**
   * Resizes one image. PyTorch: `Resize.forward`.
   * @example
   * ```ts
   * new transforms.Resize(64).forward(img);
   * ```
   */
  forward(x: Tensor): Tensor {
    return resizeImpl('Resize', requireImage('Resize', x), this.size, this.interpolation, this.maxSize, this.antialias);
  }

  /**
   * `Resize(size=…, interpolation=…, max_size=…, antialias=…)`. PyTorch: `repr(Resize)`.
   * @example
   * ```ts
   * new transforms.Resize(32).repr;  // 'Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)'
   * ```
   */
  get repr(): string {
    return `Resize(size=${sizeRepr(this.size)}, interpolation=${this.interpolation}, max_size=${this.maxSize ?? 'None'}, antialias=${this.antialias ? 'True' : 'False'})`;
  }
}

/**
 * Cuts the central size × size (or [h, w]) window, padding with zeros an image smaller than that. PyTorch:
 * `torchvision.transforms.CenterCrop`.
 * @example
 * ```ts
 * new transforms.CenterCrop(224)(img).shape;  // [3, 224, 224]
 * ```
 */
export class CenterCrop extends Transform {
  readonly size: [number, number];

  constructor(...args: PyArgs<[size: number | readonly number[]], { size?: number | readonly number[] }>) {
    super();
    const a = bindArgs('CenterCrop', args, { positional: [{ name: 'size', kind: sizeKind, required: true }] });
    this.size = pairSize('CenterCrop', 'size', a.size as number | number[]);
  }

  /**
   * Crops one image. PyTorch: `CenterCrop.forward`.
   * @example
   * ```ts
   * new transforms.CenterCrop(24).forward(img);
   * ```
   */
  forward(x: Tensor): Tensor {
    return centerCropImpl('CenterCrop', requireImage('CenterCrop', x), this.size);
  }

  /**
   * `CenterCrop(size=(h, w))`. PyTorch: `repr(CenterCrop)`.
   * @example
   * ```ts
   * new transforms.CenterCrop(24).repr;  // 'CenterCrop(size=(24, 24))'
   * ```
   */
  get repr(): string {
    return `CenterCrop(size=(${this.size[0]}, ${this.size[1]}))`;
  }
}

/**
 * Options of {@link RandomResizedCrop}. PyTorch: the keyword arguments of
 * `torchvision.transforms.RandomResizedCrop`.
 * @example
 * ```ts
 * new transforms.RandomResizedCrop(224, { scale: [0.5, 1], generator: new Generator(0) });
 * ```
 */
export interface RandomResizedCropOptions extends RandomOptions {
  /** The output size, [h, w] or one number for both. */
  size?: number | readonly number[];
  /** The range of the crop's area as a fraction of the image's (default [0.08, 1]). */
  scale?: readonly number[];
  /** The range of the crop's aspect ratio w / h, drawn log-uniformly (default [3/4, 4/3]). */
  ratio?: readonly number[];
  /** `'bilinear'` (default), `'nearest'` or `'bicubic'`. */
  interpolation?: InterpolationMode;
  /** Low-pass filter when shrinking (default true). */
  antialias?: boolean;
}

/**
 * Crops a random window — area a random fraction `scale` of the image's, aspect ratio drawn log-uniformly
 * from `ratio` — and resizes it to `size`; after 10 misses it takes the central crop with the ratio clamped.
 * PyTorch: `torchvision.transforms.RandomResizedCrop`.
 * @example
 * ```ts
 * new transforms.RandomResizedCrop(224)(img).shape;  // [3, 224, 224]
 * ```
 */
export class RandomResizedCrop extends Transform {
  readonly size: [number, number];
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly interpolation: InterpolationMode;
  readonly antialias: boolean;
  declare private readonly draw: () => number;

  constructor(...args: PyArgs<[size: number | readonly number[], scale: readonly number[], ratio: readonly number[], interpolation: InterpolationMode, antialias: boolean], RandomResizedCropOptions>) {
    super();
    const a = bindArgs('RandomResizedCrop', args, {
      positional: [{ name: 'size', kind: sizeKind, required: true }, { name: 'scale', kind: pairKind }, { name: 'ratio', kind: pairKind },
        { name: 'interpolation', kind: interpKind }, { name: 'antialias', kind: 'bool' }],
      keywordOnly: [{ name: 'generator', kind: generatorKind }],
    });
    this.size = pairSize('RandomResizedCrop', 'size', a.size as number | number[]);
    this.scale = [...((a.scale as number[] | undefined) ?? [0.08, 1])] as [number, number];
    this.ratio = [...((a.ratio as number[] | undefined) ?? [3 / 4, 4 / 3])] as [number, number];
    if (this.scale[0] > this.scale[1] || this.ratio[0] > this.ratio[1]) throw new Error(`RandomResizedCrop: scale and ratio must be ranges [min, max], got scale ${JSON.stringify(this.scale)} and ratio ${JSON.stringify(this.ratio)}`);
    if (!(this.scale[0] >= 0) || !(this.ratio[0] > 0)) throw new Error(`RandomResizedCrop: scale must be non-negative and ratio positive, got scale ${JSON.stringify(this.scale)} and ratio ${JSON.stringify(this.ratio)}`);
    this.interpolation = (a.interpolation as InterpolationMode | undefined) ?? 'bilinear';
    this.antialias = (a.antialias as boolean | undefined) ?? true;
    Object.defineProperty(this, 'draw', { value: drawFrom(a.generator as Generator | undefined), enumerable: false });
  }

  /**
   * The window [top, left, height, width] for an image of `height` × `width`, drawn as `forward` draws it.
   * PyTorch: `RandomResizedCrop.get_params`.
   * @example
   * ```ts
   * const [i, j, h, w] = rrc.getParams(300, 400);
   * ```
   */
  getParams(height: number, width: number): [number, number, number, number] {
    const area = height * width;
    const logRatio = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
    const u = (lo: number, hi: number) => lo + (hi - lo) * this.draw();
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = area * u(this.scale[0], this.scale[1]);
      const aspect = Math.exp(u(logRatio[0], logRatio[1]));
      const w = roundHalfEvenInt(Math.sqrt(target * aspect));
      const h = roundHalfEvenInt(Math.sqrt(target / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        const i = Math.floor(this.draw() * (height - h + 1));
        const j = Math.floor(this.draw() * (width - w + 1));
        return [i, j, h, w];
      }
    }
    const inRatio = width / height;
    let w: number, h: number;
    if (inRatio < this.ratio[0]) { w = width; h = roundHalfEvenInt(w / this.ratio[0]); }
    else if (inRatio > this.ratio[1]) { h = height; w = roundHalfEvenInt(h * this.ratio[1]); }
    else { w = width; h = height; }
    return [Math.trunc((height - h) / 2), Math.trunc((width - w) / 2), h, w];
  }

  /**
   * Crops one image at random and resizes the crop. PyTorch: `RandomResizedCrop.forward`.
   * @example
   * ```ts
   * new transforms.RandomResizedCrop(32).forward(img);
   * ```
   */
  forward(x: Tensor): Tensor {
    const [H, W] = imageSize('RandomResizedCrop', requireImage('RandomResizedCrop', x));
    const [i, j, h, w] = this.getParams(H, W);
    return resizeImpl('RandomResizedCrop', cropImpl('RandomResizedCrop', x, i, j, h, w), this.size, this.interpolation, undefined, this.antialias);
  }

  /**
   * `RandomResizedCrop(size=(h, w), scale=(…), ratio=(…), interpolation=…, antialias=…)`. PyTorch:
   * `repr(RandomResizedCrop)`.
   * @example
   * ```ts
   * new transforms.RandomResizedCrop(32).repr;
   * ```
   */
  get repr(): string {
    const r = (v: number) => +v.toFixed(4);
    return `RandomResizedCrop(size=(${this.size[0]}, ${this.size[1]}), scale=(${r(this.scale[0])}, ${r(this.scale[1])}), ratio=(${r(this.ratio[0])}, ${r(this.ratio[1])}), interpolation=${this.interpolation}, antialias=${this.antialias ? 'True' : 'False'})`;
  }
}

const roundHalfEvenInt = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * Options of {@link ColorJitter}. PyTorch: the keyword arguments of `torchvision.transforms.ColorJitter`.
 * @example
 * ```ts
 * new transforms.ColorJitter({ brightness: 0.4, hue: 0.1 });
 * ```
 */
export interface ColorJitterOptions extends RandomOptions {
  /** b: a factor drawn from [max(0, 1 − b), 1 + b]; or [min, max]. */
  brightness?: number | readonly number[];
  /** Like brightness. */
  contrast?: number | readonly number[];
  /** Like brightness. */
  saturation?: number | readonly number[];
  /** h in [0, 0.5]: a shift drawn from [−h, h] (in turns); or [min, max] within [−0.5, 0.5]. */
  hue?: number | readonly number[];
}

/**
 * Changes brightness, contrast, saturation and hue by random factors, in a random order. PyTorch:
 * `torchvision.transforms.ColorJitter`.
 * @example
 * ```ts
 * new transforms.ColorJitter(0.4, 0.4, 0.4, 0.1)(img);
 * ```
 */
export class ColorJitter extends Transform {
  /** The ranges the factors are drawn from; null where the adjustment is off. */
  readonly brightness: [number, number] | null;
  readonly contrast: [number, number] | null;
  readonly saturation: [number, number] | null;
  readonly hue: [number, number] | null;
  declare private readonly draw: () => number;

  constructor(...args: PyArgs<[brightness: number | readonly number[], contrast: number | readonly number[], saturation: number | readonly number[], hue: number | readonly number[]], ColorJitterOptions>) {
    super();
    const a = bindArgs('ColorJitter', args, {
      positional: [{ name: 'brightness', kind: numberList }, { name: 'contrast', kind: numberList }, { name: 'saturation', kind: numberList }, { name: 'hue', kind: numberList }],
      keywordOnly: [{ name: 'generator', kind: generatorKind }],
    });
    this.brightness = jitterRange('brightness', a.brightness, 1, [0, Infinity], true);
    this.contrast = jitterRange('contrast', a.contrast, 1, [0, Infinity], true);
    this.saturation = jitterRange('saturation', a.saturation, 1, [0, Infinity], true);
    this.hue = jitterRange('hue', a.hue, 0, [-0.5, 0.5], false);
    Object.defineProperty(this, 'draw', { value: drawFrom(a.generator as Generator | undefined), enumerable: false });
  }

  /**
   * The order of the four adjustments (a permutation of 0 brightness, 1 contrast, 2 saturation, 3 hue) and
   * the factors, null for those that are off. PyTorch: `ColorJitter.get_params`.
   * @example
   * ```ts
   * const [order, b, c, s, h] = jitter.getParams();
   * ```
   */
  getParams(): [number[], number | null, number | null, number | null, number | null] {
    const order = [0, 1, 2, 3];
    for (let i = 3; i > 0; i--) {
      const j = Math.floor(this.draw() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const f = (r: [number, number] | null) => (r === null ? null : r[0] + (r[1] - r[0]) * this.draw());
    return [order, f(this.brightness), f(this.contrast), f(this.saturation), f(this.hue)];
  }

  /**
   * Jitters one image. PyTorch: `ColorJitter.forward`.
   * @example
   * ```ts
   * new transforms.ColorJitter(0.5).forward(img);
   * ```
   */
  forward(x: Tensor): Tensor {
    requireImage('ColorJitter', x);
    const [order, b, c, s, h] = this.getParams();
    for (const k of order) {
      if (k === 0 && b !== null) x = adjustBrightness(x, b);
      else if (k === 1 && c !== null) x = adjustContrast(x, c);
      else if (k === 2 && s !== null) x = adjustSaturation(x, s);
      else if (k === 3 && h !== null) x = adjustHue(x, h);
    }
    return x;
  }

  /**
   * `ColorJitter(brightness=…, contrast=…, saturation=…, hue=…)`. PyTorch: `repr(ColorJitter)`.
   * @example
   * ```ts
   * new transforms.ColorJitter(0.5).repr;  // 'ColorJitter(brightness=(0.5, 1.5), contrast=None, saturation=None, hue=None)'
   * ```
   */
  get repr(): string {
    const r = (v: [number, number] | null) => (v === null ? 'None' : `(${+v[0].toFixed(4)}, ${+v[1].toFixed(4)})`);
    return `ColorJitter(brightness=${r(this.brightness)}, contrast=${r(this.contrast)}, saturation=${r(this.saturation)}, hue=${r(this.hue)})`;
  }
}

/** torchvision's _check_input: a number v gives [center − v, center + v] (clipped at 0 for the factors),
 *  a pair is taken as it is; both within bound; a range that is just [center, center] turns it off. */
function jitterRange(name: string, v: unknown, center: number, bound: [number, number], clipFirst: boolean): [number, number] | null {
  if (v === undefined) return null;
  let r: [number, number];
  if (typeof v === 'number') {
    if (v < 0) throw new Error(`ColorJitter: if ${name} is a single number, it must be non-negative, got ${v}`);
    r = [center - v, center + v];
    if (clipFirst) r[0] = Math.max(r[0], 0);
  } else {
    const list = v as number[];
    if (list.length !== 2) throw new Error(`ColorJitter: ${name} must be a number or a list of 2 numbers, got ${JSON.stringify(v)}`);
    r = [list[0], list[1]];
  }
  if (!(bound[0] <= r[0] && r[0] <= r[1] && r[1] <= bound[1])) {
    throw new Error(`ColorJitter: ${name} values should be between [${bound[0]}, ${bound[1] === Infinity ? 'inf' : bound[1]}] and in order, got ${JSON.stringify(r)}`);
  }
  return r[0] === center && r[1] === center ? null : r;
}

/**
 * Options of {@link RandomRotation}. PyTorch: the keyword arguments of `torchvision.transforms.RandomRotation`.
 * @example
 * ```ts
 * new transforms.RandomRotation(15, { interpolation: 'bilinear', fill: 0.5 });
 * ```
 */
export interface RandomRotationOptions extends RandomOptions {
  /** d: an angle drawn from [−d, d] degrees; or [min, max]. */
  degrees?: number | readonly number[];
  /** `'nearest'` (default) or `'bilinear'`. */
  interpolation?: 'nearest' | 'bilinear';
  /** Grow the output to hold the whole rotated image (default false). */
  expand?: boolean;
  /** The centre of rotation [x, y] in pixels (default the image centre). */
  center?: readonly number[];
  /** The value of pixels from outside the image: one number or one per channel (default 0). */
  fill?: number | readonly number[];
}

/**
 * Rotates the image by a random angle in [−degrees, degrees] (or [min, max]), counter-clockwise about its
 * centre. PyTorch: `torchvision.transforms.RandomRotation`.
 * @example
 * ```ts
 * new transforms.RandomRotation(10)(img);
 * ```
 */
export class RandomRotation extends Transform {
  readonly degrees: [number, number];
  readonly interpolation: 'nearest' | 'bilinear';
  readonly expand: boolean;
  readonly center?: readonly number[];
  readonly fill: number | readonly number[];
  declare private readonly draw: () => number;

  constructor(...args: PyArgs<[degrees: number | readonly number[], interpolation: 'nearest' | 'bilinear', expand: boolean, center: readonly number[], fill: number | readonly number[]], RandomRotationOptions>) {
    super();
    const a = bindArgs('RandomRotation', args, {
      positional: [{ name: 'degrees', kind: numberList, required: true },
        { name: 'interpolation', kind: { test: (v) => v === 'nearest' || v === 'bilinear', what: "'nearest' or 'bilinear'" } },
        { name: 'expand', kind: 'bool' }, { name: 'center', kind: pairKind }, { name: 'fill', kind: numberList }],
      keywordOnly: [{ name: 'generator', kind: generatorKind }],
    });
    const d = a.degrees as number | number[];
    if (typeof d === 'number') {
      if (d < 0) throw new Error(`RandomRotation: if degrees is a single number, it must be non-negative, got ${d}`);
      this.degrees = [-d, d];
    } else {
      if (d.length !== 2 || d[0] > d[1]) throw new Error(`RandomRotation: degrees must be a number or a range [min, max], got ${JSON.stringify(d)}`);
      this.degrees = [d[0], d[1]];
    }
    this.interpolation = (a.interpolation as 'nearest' | 'bilinear' | undefined) ?? 'nearest';
    this.expand = (a.expand as boolean | undefined) ?? false;
    this.center = a.center as number[] | undefined;
    this.fill = (a.fill as number | number[] | undefined) ?? 0;
    Object.defineProperty(this, 'draw', { value: drawFrom(a.generator as Generator | undefined), enumerable: false });
  }

  /**
   * The angle in degrees, drawn as `forward` draws it. PyTorch: `RandomRotation.get_params`.
   * @example
   * ```ts
   * rot.getParams();  // e.g. -3.7
   * ```
   */
  getParams(): number {
    return this.degrees[0] + (this.degrees[1] - this.degrees[0]) * this.draw();
  }

  /**
   * Rotates one image by a random angle. PyTorch: `RandomRotation.forward`.
   * @example
   * ```ts
   * new transforms.RandomRotation(30).forward(img);
   * ```
   */
  forward(x: Tensor): Tensor {
    requireImage('RandomRotation', x);
    const c = x.ndim === 2 ? 1 : x.shape[x.ndim - 3];
    // As torchvision: a number fill becomes one per channel, so pixels from outside are masked and filled.
    const fill = typeof this.fill === 'number' ? new Array<number>(c).fill(this.fill) : this.fill;
    return rotateImpl('RandomRotation', x, this.getParams(), this.interpolation, this.expand, this.center, fill);
  }

  /**
   * `RandomRotation(degrees=[…], interpolation=…, expand=…, fill=…)`. PyTorch: `repr(RandomRotation)`.
   * @example
   * ```ts
   * new transforms.RandomRotation(10).repr;  // 'RandomRotation(degrees=[-10, 10], interpolation=nearest, expand=False, fill=0)'
   * ```
   */
  get repr(): string {
    const centre = this.center ? `, center=${fmt(this.center)}` : '';
    const fill = typeof this.fill === 'number' ? `${this.fill}` : fmt(this.fill);
    return `RandomRotation(degrees=${fmt(this.degrees)}, interpolation=${this.interpolation}, expand=${this.expand ? 'True' : 'False'}${centre}, fill=${fill})`;
  }
}

/**
 * Runs a chain of SampleOps on one image after another, reusing two scratch buffers, so a batch costs no
 * allocation beyond its output array. convnet's own (what {@link Compose} builds for the batched path).
 * @example
 * ```ts
 * const p = new transforms.Pipeline([new transforms.Normalize(0.5, 0.5).sample]);
 * ```
 */
export class Pipeline implements SampleOp {
  private bufs: [Float32Array, Float32Array] = [new Float32Array(0), new Float32Array(0)];

  constructor(readonly ops: readonly SampleOp[]) {}

  /**
   * The shape the whole chain writes for an input image of `shape`.
   * @example
   * ```ts
   * new transforms.Pipeline(ops).outShape([1, 28, 28]);
   * ```
   */
  outShape(shape: readonly number[]): number[] {
    return this.ops.reduce<number[]>((s, op) => op.outShape(s), [...shape]);
  }

  /**
   * Runs the chain on one image `src` of `shape`, writing `dst` (of `outShape(shape)`). convnet's own.
   * @example
   * ```ts
   * pipeline.apply(src, dst, [1, 28, 28]);
   * ```
   */
  apply(src: Float32Array, dst: Float32Array, shape: readonly number[]): void {
    const ops = this.ops;
    if (ops.length === 0) { dst.set(src.subarray(0, dst.length)); return; }
    let cur = src, curShape: number[] = [...shape], which = 0;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i], next = op.outShape(curShape), n = next.reduce((a, b) => a * b, 1);
      let out: Float32Array;
      if (i === ops.length - 1) out = dst;
      else if (op.inPlace && cur !== src) out = cur; // keep the caller's src untouched
      else {
        if (this.bufs[which].length < n) this.bufs[which] = new Float32Array(n);
        out = this.bufs[which].subarray(0, n);
        which ^= 1;
      }
      op.apply(cur, out, curShape);
      cur = out;
      curShape = next;
    }
  }
}
