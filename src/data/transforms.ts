// data/transforms.ts — image transforms as torchvision.transforms, in camelCase factories:
//   compose([randomCrop(28, { padding: 4 }), randomHorizontalFlip(), normalize([0.2860], [0.3530])])
//
// Each transform is a function Tensor → Tensor (a [C, H, W] image, or [H, W] as one channel), so it can be
// used on its own. It also carries a `sample` kernel that works on one image's values in a Float32Array;
// datasets and the DataLoader use that to write a whole batch into one preallocated array without making
// a tensor per image. Random transforms draw from the global seeded generator (manualSeed), as
// torchvision draws from torch's, or from their own `generator` (data/rng.ts), whose state a training
// run can save so that a resumed run draws the same crops and flips as an uninterrupted one.

/**
 * Image transforms for datasets: functions that map a sample tensor to a new one, composed in order.
 * PyTorch: `torchvision.transforms`.
 * @example
 * ```ts
 * const t = transforms.compose([transforms.normalize([0.2860], [0.3530])]);
 * ```
 * @module
 */

import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { uniform } from '../tensor/random.js';
import { Generator } from './rng.js';

/**
 * Options of the random transforms: a {@link Generator} to draw from instead of the global one.
 * PyTorch: none (torchvision's transforms draw from the global generator).
 * @example
 * ```ts
 * transforms.randomCrop(28, { padding: 4, generator: new Generator(0) });
 * ```
 */
export interface RandomOptions {
  /** Draw from this generator instead of the global one. */
  generator?: Generator;
}

function drawFrom(op: string, g: Generator | undefined): () => number {
  if (g === undefined) return uniform;
  if (!(g instanceof Generator)) throw new Error(`${op}: generator must be a Generator (data/rng.ts), got ${typeof g}`);
  return () => g.uniform();
}

/**
 * A per-image kernel behind a transform, which the batched data path runs on raw Float32Arrays:
 * `outShape` gives the output shape for an input shape, `apply` reads `src` and writes `dst`.
 * convnet's own.
 * @example
 * ```ts
 * const flipOp: SampleOp | undefined = transforms.randomHorizontalFlip().sample;
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
 * A function from one sample to another (usually an image tensor [C, H, W]), with a torchvision-style
 * `repr` and, for the built-in ones, the per-image kernel `sample` the batched path uses. PyTorch: a
 * torchvision transform.
 * @example
 * ```ts
 * const t: Transform = transforms.normalize(0.5, 0.5);
 * t(img);
 * t.repr;  // 'Normalize(mean=[0.5], std=[0.5])'
 * ```
 */
export interface Transform<I = Tensor, O = Tensor> {
  /**
   * Applies the transform to one sample.
   * @example
   * ```ts
   * const out = t(img);
   * ```
   */
  (x: I): O;
  /** The batched-path kernel; absent for transforms that only work on tensors (e.g. lambdas). */
  readonly sample?: SampleOp;
  /** torchvision-style description, e.g. Normalize(mean=[0.286], std=[0.353]). */
  readonly repr: string;
}

function chw(op: string, shape: readonly number[]): [number, number, number] {
  if (shape.length === 2) return [1, shape[0], shape[1]];
  if (shape.length < 2) throw new Error(`${op}: expected an image of shape [C, H, W] or [H, W], got [${shape.join(', ')}]`);
  const c = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [c, shape[shape.length - 2], shape[shape.length - 1]];
}

/** Wraps a SampleOp as a Tensor → Tensor function. */
function fromSample(name: string, op: SampleOp, repr: string): Transform {
  const fn = (x: Tensor): Tensor => {
    if (!(x instanceof Tensor)) throw new Error(`${name}: expected a Tensor image, got ${typeof x}`);
    if (x.dtype === 'int32') throw new Error(`${name}: expected a floating-point image (scale integers with toTensor() first), got int32`);
    const values = x.dataSync();
    const src = values instanceof Float32Array ? values : Float32Array.from(values);
    const outShape = op.outShape(x.shape);
    const dst = new Float32Array(outShape.reduce((a, b) => a * b, 1));
    op.apply(src, dst, x.shape);
    return fromArray(dst, outShape);
  };
  return Object.assign(fn, { sample: op, repr });
}

const fmt = (v: number[]) => `[${v.map((x) => +x.toFixed(4)).join(', ')}]`;

/**
 * (x − mean[c]) / std[c] per channel; a single number applies to every channel. PyTorch:
 * `torchvision.transforms.Normalize`.
 * @example
 * ```ts
 * transforms.normalize([0.2860], [0.3530])(img);
 * ```
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const m = typeof mean === 'number' ? [mean] : [...mean];
  const s = typeof std === 'number' ? [std] : [...std];
  if (m.length === 0 || m.length !== s.length) {
    throw new Error(`normalize: mean and std need the same non-zero length, got ${m.length} and ${s.length}`);
  }
  s.forEach((v, i) => { if (!(v > 0) || !Number.isFinite(v)) throw new Error(`normalize: std[${i}] must be positive and finite, got ${v}`); });
  m.forEach((v, i) => { if (!Number.isFinite(v)) throw new Error(`normalize: mean[${i}] must be finite, got ${v}`); });
  const op: SampleOp = {
    inPlace: true,
    outShape: (shape) => [...shape],
    apply(src, dst, shape) {
      const [c, h, w] = chw('normalize', shape);
      if (m.length !== 1 && m.length !== c) throw new Error(`normalize: ${m.length} means/stds for an image with ${c} channels`);
      const plane = h * w;
      for (let ch = 0; ch < c; ch++) {
        const mu = m.length === 1 ? m[0] : m[ch], inv = 1 / (s.length === 1 ? s[0] : s[ch]);
        for (let i = ch * plane, e = i + plane; i < e; i++) dst[i] = (src[i] - mu) * inv;
      }
    },
  };
  return fromSample('normalize', op, `Normalize(mean=${fmt(m)}, std=${fmt(s)})`);
}

/**
 * Options of {@link randomCrop}: padding added before cropping and how it is filled, and the generator.
 * PyTorch: the keyword arguments of `torchvision.transforms.RandomCrop`.
 * @example
 * ```ts
 * transforms.randomCrop(28, { padding: 4 });
 * ```
 */
export interface RandomCropOptions extends RandomOptions {
  /** Padding before cropping: p (all sides), [leftRight, topBottom] or [left, top, right, bottom], as torchvision. */
  padding?: number | readonly number[];
  /** Value of the padded pixels (default 0). */
  fill?: number;
}

/**
 * Pads (by `opts.padding`, filled with `opts.fill`), then cuts a size × size (or [h, w]) window at a random
 * position. PyTorch: `torchvision.transforms.RandomCrop`.
 * @example
 * ```ts
 * transforms.randomCrop(28, { padding: 2 })(img).shape;  // [1, 28, 28]
 * ```
 */
export function randomCrop(size: number | readonly [number, number], opts: RandomCropOptions = {}): Transform {
  const [sh, sw] = typeof size === 'number' ? [size, size] : size;
  for (const v of [sh, sw]) if (!Number.isInteger(v) || v < 1) throw new Error(`randomCrop: size must be positive integers, got ${JSON.stringify(size)}`);
  const p = opts.padding ?? 0;
  const pads = typeof p === 'number' ? [p, p, p, p] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p.length === 4 ? [...p] : null;
  if (!pads || pads.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(`randomCrop: padding must be a non-negative integer or a list of 2 or 4 of them, got ${JSON.stringify(p)}`);
  }
  const [pl, pt, pr, pb] = pads;
  const fill = opts.fill ?? 0;
  const draw = drawFrom('randomCrop', opts.generator);
  const op: SampleOp = {
    outShape(shape) {
      const [, h, w] = chw('randomCrop', shape);
      if (h + pt + pb < sh || w + pl + pr < sw) {
        throw new Error(`randomCrop: crop size [${sh}, ${sw}] is larger than the padded image [${h + pt + pb}, ${w + pl + pr}]`);
      }
      return shape.length === 2 ? [sh, sw] : [...shape.slice(0, -2), sh, sw];
    },
    apply(src, dst, shape) {
      const [c, h, w] = chw('randomCrop', shape);
      // Window origin in padded coordinates, then shifted into the image's own coordinates.
      const top = Math.floor(draw() * (h + pt + pb - sh + 1)) - pt;
      const left = Math.floor(draw() * (w + pl + pr - sw + 1)) - pl;
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
  const padRepr = pads.every((v) => v === 0) ? '' : `, padding=${pads.every((v) => v === pl) ? pl : fmt(pads)}`;
  return fromSample('randomCrop', op, `RandomCrop(size=(${sh}, ${sw})${padRepr})`);
}

function flipOp(name: string, p: number, axis: 'h' | 'v', generator: Generator | undefined): SampleOp {
  if (!(p >= 0 && p <= 1)) throw new Error(`${name}: p must be a probability in [0, 1], got ${p}`);
  const draw = drawFrom(name, generator);
  return {
    inPlace: true,
    outShape: (shape) => [...shape],
    apply(src, dst, shape) {
      const [c, h, w] = chw(name, shape);
      if (!(draw() < p)) { if (dst !== src) dst.set(src.subarray(0, c * h * w)); return; }
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

/**
 * Mirrors the image left to right with probability `p` (default 0.5). PyTorch:
 * `torchvision.transforms.RandomHorizontalFlip`.
 * @example
 * ```ts
 * transforms.randomHorizontalFlip(0.5, { generator: new Generator(1) });
 * ```
 */
export function randomHorizontalFlip(p = 0.5, opts: RandomOptions = {}): Transform {
  return fromSample('randomHorizontalFlip', flipOp('randomHorizontalFlip', p, 'h', opts.generator), `RandomHorizontalFlip(p=${p})`);
}

/**
 * Mirrors the image top to bottom with probability `p` (default 0.5). PyTorch:
 * `torchvision.transforms.RandomVerticalFlip`.
 * @example
 * ```ts
 * transforms.randomVerticalFlip(0.1);
 * ```
 */
export function randomVerticalFlip(p = 0.5, opts: RandomOptions = {}): Transform {
  return fromSample('randomVerticalFlip', flipOp('randomVerticalFlip', p, 'v', opts.generator), `RandomVerticalFlip(p=${p})`);
}

/**
 * * torchvision's ToTensor: 8-bit pixel values (a Uint8Array / Uint8ClampedArray with its [H, W] or [H, W, C]
 * shape, or an integer tensor) become float32 in [0, 1], channels first. Datasets in convnet already yield
 * [C, H, W] float32 in [0, 1], so on a float tensor this is the identity and it may head any pipeline.
 * PyTorch: `torchvision.transforms.ToTensor`.
 * @example
 * ```ts
 * transforms.toTensor()({ data: new Uint8Array([0, 255]), shape: [1, 2] });  // [1, 1, 2] float32: [[[0, 1]]]
 * ```
 */
export function toTensor(): Transform<Tensor | { data: ArrayLike<number>; shape: readonly number[] }, Tensor> {
  const op: SampleOp = { inPlace: true, outShape: (s) => [...s], apply(src, dst) { if (src !== dst) dst.set(src); } };
  const fn = (x: Tensor | { data: ArrayLike<number>; shape: readonly number[] }): Tensor => {
    if (x instanceof Tensor) {
      if (x.dtype !== 'int32') return x;
      const values = x.dataSync();
      const out = new Float32Array(values.length);
      for (let i = 0; i < out.length; i++) out[i] = values[i] / 255;
      return fromArray(out, x.shape);
    }
    const { data, shape } = x;
    if (shape.length !== 2 && shape.length !== 3) throw new Error(`toTensor: expected pixels of shape [H, W] or [H, W, C], got [${shape.join(', ')}]`);
    const [h, w, c] = [shape[0], shape[1], shape[2] ?? 1];
    if (data.length !== h * w * c) throw new Error(`toTensor: ${data.length} values do not fill shape [${shape.join(', ')}]`);
    const out = new Float32Array(h * w * c);
    for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) {
      out[ch * h * w + y * w + xx] = data[(y * w + xx) * c + ch] / 255;
    }
    return fromArray(out, [c, h, w]);
  };
  return Object.assign(fn, { sample: op, repr: 'ToTensor()' });
}

/**
 * Chains transforms, applied in order; the result keeps the batched path when every part has one.
 * PyTorch: `torchvision.transforms.Compose`.
 * @example
 * ```ts
 * const t = transforms.compose([transforms.randomCrop(28, { padding: 2 }), transforms.normalize(0.286, 0.353)]);
 * ```
 */
export function compose(transforms: readonly Transform[]): Transform {
  transforms.forEach((t, i) => { if (typeof t !== 'function') throw new Error(`compose: transforms[${i}] is not a transform (got ${typeof t})`); });
  const fn = (x: Tensor): Tensor => transforms.reduce((acc, t) => t(acc), x);
  const repr = `Compose(\n${transforms.map((t) => `    ${t.repr ?? t.name ?? 'Lambda()'}`).join('\n')}\n)`;
  const ops = transforms.map((t) => t.sample);
  if (ops.some((o) => !o)) return Object.assign(fn, { repr });
  return Object.assign(fn, { sample: new Pipeline(ops as SampleOp[]), repr });
}

/**
 * Runs a chain of SampleOps on one image after another, reusing two scratch buffers, so a batch costs no
 * allocation beyond its output array. convnet's own (what {@link compose} builds for the batched path).
 * @example
 * ```ts
 * const p = new transforms.Pipeline([transforms.normalize(0.5, 0.5).sample!]);
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
