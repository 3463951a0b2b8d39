// signal/fft.ts — numpy.fft / torch.fft in TypeScript: fft, ifft, rfft, irfft (1-D along any dim), their 2-D
// forms over the last two dims, fftfreq/rfftfreq and fftshift/ifftshift.
//
// Complex data: a `Complex` holds two real tensors of one shape, `re` and `im` (convnet has no complex
// dtype). `Complex.fromTensor(t)` reads a tensor whose last dimension is 2 as (re, im) — the layout of
// torch.view_as_real — and `z.toTensor()` writes it back. Every transform accepts a real Tensor (imaginary
// part zero) or a Complex and returns a Complex (irfft/irfft2: a real Tensor).
//
// Conventions are numpy's: `n` crops or zero-pads the input along the axis; `norm` is 'backward' (default:
// forward unscaled, inverse × 1/n), 'ortho' (both × 1/√n) or 'forward' (forward × 1/n, inverse unscaled);
// rfft keeps the n/2 + 1 non-negative frequencies; irfft's default length is 2·(m − 1) and it ignores the
// imaginary parts of the zero (and, for even n, the Nyquist) bin. Any length works: mixed radix for
// lengths built of primes ≤ 13, Bluestein otherwise (backend/fft-core.ts, run by the backend's fft
// kernel). Computation is float64; the result has the input's dtype (float32 unless float64 came in).
// The transforms are not recorded for autograd (F.fftConv2d, which runs the same transforms, is).

import { backend, type FftAttrs } from '../backend/backend.js';
import { checkKeys, isOptionsObject, noExtraArgs } from '../tensor/signature.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, zeros } from '../tensor/creation.js';
import type { DType } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { noGrad } from '../autograd/tape.js';
import { atan2, div, hypot, mul, neg, sub, add } from '../ops/elementwise.js';
import { cat, roll, select, stack } from '../ops/shape.js';
import { cast, wrap } from '../ops/util.js';

/**
 * Which transform is scaled: 'backward' (the default: the inverse divides by n), 'ortho' (both by √n) or
 * 'forward' (the forward divides by n). PyTorch: the `norm` argument of `torch.fft`.
 * @example
 * ```ts
 * fft.fft(x, { norm: 'ortho' });
 * ```
 */
export type FftNorm = 'backward' | 'ortho' | 'forward';

/**
 * Options of the 1-D transforms: the length `n` (crop or zero-pad), the dimension `dim` (default −1) and
 * the `norm`. PyTorch: the `n`, `dim` and `norm` arguments of `torch.fft.fft`.
 * @example
 * ```ts
 * fft.rfft(x, { n: 256, dim: 0 });
 * ```
 */
export interface FftOptions {
  /** Length of the transformed axis: the input is cropped or zero-padded to it (default: its size). */
  n?: number;
  /** The axis to transform (default −1). */
  dim?: number;
  norm?: FftNorm;
}

/**
 * Options of the 2-D transforms: the output size `s` of the last two dimensions and the `norm`. PyTorch: the
 * `s` and `norm` arguments of `torch.fft.fft2`.
 * @example
 * ```ts
 * fft.rfft2(img, { s: [64, 64] });
 * ```
 */
export interface Fft2Options {
  /** Output size [h, w] of the last two axes (crop or zero-pad). */
  s?: [number, number];
  norm?: FftNorm;
}

/**
 * A complex tensor held as two real tensors of the same shape, `re` and `im`: what the transforms return.
 * PyTorch: a complex-dtype tensor (`torch.complex64`).
 * @example
 * ```ts
 * const z = fft.fft(tensor([1, 0, 0, 0]));
 * z.abs();                 // tensor([1., 1., 1., 1.])
 * z.toTensor().shape;      // [4, 2], as torch.view_as_real
 * ```
 */
export class Complex {
  readonly re: Tensor;
  readonly im: Tensor;

  constructor(re: Tensor, im?: Tensor) {
    noExtraArgs('Complex', arguments, ['re', 'im']);
    if (isOptionsObject(im)) { // new Complex(re, { im })
      checkKeys('Complex', im, ['im']);
      im = (im as { im?: Tensor }).im;
    }
    if (!(re instanceof Tensor)) throw new Error(`Complex: re must be a Tensor, got ${typeof re}`);
    const imag = im ?? zeros(re.shape, { dtype: re.dtype === 'float64' ? 'float64' : 'float32' });
    if (!(imag instanceof Tensor)) throw new Error(`Complex: im must be a Tensor, got ${typeof im}`);
    if (re.shape.join() !== imag.shape.join()) throw new Error(`Complex: re ${shapeStr(re.shape)} and im ${shapeStr(imag.shape)} must have one shape`);
    this.re = re;
    this.im = imag;
  }

  /**
   * The shape of the complex tensor. PyTorch: `Tensor.shape`.
   * @example
   * ```ts
   * fft.rfft(zeros([8])).shape;  // [5]
   * ```
   */
  get shape(): number[] { return [...this.re.shape]; }
  /**
   * The number of dimensions. PyTorch: `Tensor.ndim`.
   * @example
   * ```ts
   * z.ndim;
   * ```
   */
  get ndim(): number { return this.re.ndim; }
  /**
   * The real dtype of both parts ('float32' or 'float64'). PyTorch: the complex dtype's real counterpart.
   * @example
   * ```ts
   * z.dtype;  // 'float32'
   * ```
   */
  get dtype(): DType { return this.re.dtype; }

  /**
   * Reads a [..., 2] tensor as (re, im), as torch.view_as_complex. PyTorch: `torch.view_as_complex`.
   * @example
   * ```ts
   * Complex.fromTensor(tensor([[1, 0], [0, 1]]));  // 1 and i
   * ```
   */
  static fromTensor(t: Tensor): Complex {
    if (!(t instanceof Tensor) || t.ndim < 1 || t.shape[t.ndim - 1] !== 2) {
      throw new Error(`Complex.fromTensor: expected a tensor whose last dimension is 2 (re, im), got ${t instanceof Tensor ? `shape ${shapeStr(t.shape)}` : typeof t}`);
    }
    const f = cast(t, floatType(t.dtype));
    return noGrad(() => new Complex(select(f, -1, 0), select(f, -1, 1)));
  }

  /**
   * As a [..., 2] real tensor, as torch.view_as_real. PyTorch: `torch.view_as_real`.
   * @example
   * ```ts
   * fft.rfft(x).toTensor().shape;  // [n/2 + 1, 2]
   * ```
   */
  toTensor(): Tensor {
    return noGrad(() => stack([this.re, this.im], -1));
  }

  /**
   * |z|
   * The magnitude |z| of each element. PyTorch: `Tensor.abs` on a complex tensor.
   * @example
   * ```ts
   * fft.fft2(img).abs();
   * ```
   */
  abs(): Tensor {
    return noGrad(() => hypot(this.re, this.im));
  }

  /**
   * arg z, in (−π, π]. PyTorch: `Tensor.angle`.
   * @example
   * ```ts
   * complex(tensor([0]), tensor([1])).angle();  // tensor([1.5708])
   * ```
   */
  angle(): Tensor {
    return noGrad(() => atan2(this.im, this.re));
  }

  /**
   * The complex conjugate: the same real part, the imaginary part negated. PyTorch: `Tensor.conj`.
   * @example
   * ```ts
   * z.conj();
   * ```
   */
  conj(): Complex {
    return new Complex(this.re, noGrad(() => neg(this.im)));
  }

  /**
   * Elementwise complex product (same shapes). PyTorch: `*` on complex tensors.
   * @example
   * ```ts
   * fft.ifft(fft.fft(a).mul(fft.fft(b))).re;  // circular convolution of a and b
   * ```
   */
  mul(o: Complex): Complex {
    if (this.shape.join() !== o.shape.join()) throw new Error(`Complex.mul: shapes ${shapeStr(this.shape)} and ${shapeStr(o.shape)} differ`);
    return noGrad(() => new Complex(sub(mul(this.re, o.re), mul(this.im, o.im)), add(mul(this.re, o.im), mul(this.im, o.re))));
  }

  /**
   * Nested [re, im] pairs in the tensor's shape. PyTorch: `torch.view_as_real(z).tolist()`.
   * @example
   * ```ts
   * complex(tensor([1]), tensor([2])).toArray();  // [[1, 2]]
   * ```
   */
  toArray(): unknown {
    return this.toTensor().toArray();
  }

  /**
   * The complex tensor as text: its shape and each value as re+imj. PyTorch: `repr(tensor)` (formatted
   * differently).
   * @example
   * ```ts
   * String(complex(tensor([1]), tensor([2])));  // 'complex(shape=[1], [1.0000+2.0000j])'
   * ```
   */
  toString(): string {
    const fmt = (v: number) => {
      const r = (x: number) => (Math.abs(x) < 5e-5 ? '0.0000' : x.toFixed(4));
      return `${r(v)}`;
    };
    const n = this.re.numel();
    const re = this.re.dataSync(), ims = this.im.dataSync();
    const parts: string[] = [];
    for (let i = 0; i < Math.min(n, 64); i++) {
      const im = ims[i];
      parts.push(`${fmt(re[i])}${im < 0 ? '-' : '+'}${fmt(Math.abs(im))}j`);
    }
    return `complex(shape=${shapeStr(this.re.shape)}, [${parts.join(', ')}${n > 64 ? ', …' : ''}])`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Makes a {@link Complex} from a real part and an optional imaginary part (zeros by default).
 * PyTorch: `torch.complex`.
 * @example
 * ```ts
 * const z = complex(tensor([1, 0]), tensor([0, 1]));
 * ```
 */
export function complex(re: Tensor, im?: Tensor): Complex {
  noExtraArgs('complex', arguments, ['re', 'im']);
  if (isOptionsObject(im)) checkKeys('complex', im, ['im']);
  return new Complex(re, im);
}

function floatType(d: DType): 'float32' | 'float64' {
  return d === 'float64' ? 'float64' : 'float32';
}

function asComplex(op: string, x: Tensor | Complex): Complex {
  if (x instanceof Complex) return x;
  if (x instanceof Tensor) return new Complex(cast(x, floatType(x.dtype)));
  throw new Error(`${op}: input must be a Tensor or a Complex, got ${x === null ? 'null' : typeof x}`);
}

function normAxis(op: string, dim: number, ndim: number): number {
  if (!Number.isInteger(dim) || dim < -ndim || dim >= ndim) {
    throw new Error(`${op}: dim ${dim} is out of range for a tensor with ${ndim} dimension${ndim === 1 ? '' : 's'}`);
  }
  return dim < 0 ? dim + ndim : dim;
}

function normScale(op: string, norm: FftNorm | undefined, n: number, inverse: boolean): number {
  const v = norm ?? 'backward';
  if (v !== 'backward' && v !== 'ortho' && v !== 'forward') throw new Error(`${op}: norm must be 'backward', 'ortho' or 'forward', got ${JSON.stringify(norm)}`);
  if (v === 'ortho') return 1 / Math.sqrt(n);
  return (v === 'backward') === inverse ? 1 / n : 1;
}

function checkLength(op: string, n: number | undefined, fallback: number, what = 'n'): number {
  const v = n ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${what} must be a positive integer, got ${JSON.stringify(n ?? fallback)}`);
  return v;
}

/** The backend's fft kernel along axis `dim` of z (see FftAttrs for n, nOut and the modes). */
function alongAxis(z: Complex, dim: number, n: number, nOut: number, mode: FftAttrs['mode'], inverse: boolean, scale: number): Complex {
  const shape = z.shape, L = shape[dim];
  let outer = 1, inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i];
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i];
  const outShape = shape.map((d, i) => (i === dim ? nOut : d));
  const r = backend().fft(z.re.storage, mode === 'r2c' ? null : z.im.storage, { outer, L, inner, n, nOut, inverse, scale, mode });
  return new Complex(wrap(r.re, outShape), r.im ? wrap(r.im, outShape) : undefined);
}

function complexTransform(op: string, x: Tensor | Complex, opts: FftOptions, inverse: boolean): Complex {
  const z = asComplex(op, x);
  if (z.ndim === 0) throw new Error(`${op}: input must have at least one dimension, got a 0-d tensor`);
  const dim = normAxis(op, opts.dim ?? -1, z.ndim);
  const n = checkLength(op, opts.n, z.shape[dim]);
  const scale = normScale(op, opts.norm, n, inverse);
  return alongAxis(z, dim, n, n, 'c2c', inverse, scale);
}

/**
 * The discrete Fourier transform along one dimension, for any length. PyTorch: `torch.fft.fft`.
 * @example
 * ```ts
 * fft.fft(tensor([1, 2, 3, 4])).re;  // tensor([10., -2., -2., -2.])
 * ```
 */
export function fft(x: Tensor | Complex, opts: FftOptions = {}): Complex {
  return complexTransform('fft', x, opts, false);
}

/**
 * The inverse transform: ifft(fft(x)) = x. PyTorch: `torch.fft.ifft`.
 * @example
 * ```ts
 * fft.ifft(fft.fft(x)).re;  // x again
 * ```
 */
export function ifft(x: Tensor | Complex, opts: FftOptions = {}): Complex {
  return complexTransform('ifft', x, opts, true);
}

/**
 * The transform of a real signal, keeping the n/2 + 1 non-negative frequencies. PyTorch: `torch.fft.rfft`.
 * @example
 * ```ts
 * fft.rfft(tensor([1, 2, 3, 4])).shape;  // [3]
 * ```
 */
export function rfft(x: Tensor, opts: FftOptions = {}): Complex {
  if (x instanceof Complex) throw new Error('rfft: input must be real (a Tensor); use fft for complex input');
  const z = asComplex('rfft', x);
  if (z.ndim === 0) throw new Error('rfft: input must have at least one dimension, got a 0-d tensor');
  const dim = normAxis('rfft', opts.dim ?? -1, z.ndim);
  const n = checkLength('rfft', opts.n, z.shape[dim]);
  const scale = normScale('rfft', opts.norm, n, false);
  const half = Math.floor(n / 2) + 1;
  return alongAxis(z, dim, n, half, 'r2c', false, scale);
}

/**
 * The inverse of rfft: a real signal of length n (default 2·(m − 1)) from its half spectrum.
 * PyTorch: `torch.fft.irfft`.
 * @example
 * ```ts
 * fft.irfft(fft.rfft(x), { n: x.shape[0] });  // x again
 * ```
 */
export function irfft(x: Tensor | Complex, opts: FftOptions = {}): Tensor {
  const z = asComplex('irfft', x);
  if (z.ndim === 0) throw new Error('irfft: input must have at least one dimension, got a 0-d tensor');
  const dim = normAxis('irfft', opts.dim ?? -1, z.ndim);
  const m = z.shape[dim];
  const n = checkLength('irfft', opts.n, 2 * (m - 1));
  const scale = normScale('irfft', opts.norm, n, true);
  // Reads the first n/2 + 1 bins (zero-padding a short input), rebuilds the Hermitian spectrum, inverts.
  return alongAxis(z, dim, n, n, 'c2r', true, scale).re;
}

function last2(op: string, z: Complex, s: [number, number] | undefined): [number, number] {
  if (z.ndim < 2) throw new Error(`${op}: input must have at least 2 dimensions, got shape ${shapeStr(z.shape)}`);
  if (s !== undefined && (!Array.isArray(s) || s.length !== 2)) throw new Error(`${op}: s must be [h, w], got ${JSON.stringify(s)}`);
  return [checkLength(op, s?.[0], z.shape[z.ndim - 2], 's[0]'), checkLength(op, s?.[1], z.shape[z.ndim - 1], 's[1]')];
}

/**
 * The 2-D transform over the last two dimensions. PyTorch: `torch.fft.fft2`.
 * @example
 * ```ts
 * fft.fft2(img).abs();  // the magnitude spectrum
 * ```
 */
export function fft2(x: Tensor | Complex, opts: Fft2Options = {}): Complex {
  const z = asComplex('fft2', x);
  const [h, w] = last2('fft2', z, opts.s);
  return fft(fft(z, { n: w, dim: -1, norm: opts.norm }), { n: h, dim: -2, norm: opts.norm });
}

/**
 * The inverse 2-D transform over the last two dimensions. PyTorch: `torch.fft.ifft2`.
 * @example
 * ```ts
 * fft.ifft2(fft.fft2(img)).re;
 * ```
 */
export function ifft2(x: Tensor | Complex, opts: Fft2Options = {}): Complex {
  const z = asComplex('ifft2', x);
  const [h, w] = last2('ifft2', z, opts.s);
  return ifft(ifft(z, { n: w, dim: -1, norm: opts.norm }), { n: h, dim: -2, norm: opts.norm });
}

/**
 * The 2-D transform of a real input, half spectrum along the last dimension. PyTorch: `torch.fft.rfft2`.
 * @example
 * ```ts
 * fft.rfft2(zeros([8, 8])).shape;  // [8, 5]
 * ```
 */
export function rfft2(x: Tensor, opts: Fft2Options = {}): Complex {
  if (x instanceof Complex) throw new Error('rfft2: input must be real (a Tensor); use fft2 for complex input');
  const z = asComplex('rfft2', x);
  const [h, w] = last2('rfft2', z, opts.s);
  return fft(rfft(x, { n: w, dim: -1, norm: opts.norm }), { n: h, dim: -2, norm: opts.norm });
}

/**
 * The inverse of rfft2; `s` defaults to [h, 2·(w − 1)]. PyTorch: `torch.fft.irfft2`.
 * @example
 * ```ts
 * fft.irfft2(fft.rfft2(img), { s: [img.shape[0], img.shape[1]] });
 * ```
 */
export function irfft2(x: Tensor | Complex, opts: Fft2Options = {}): Tensor {
  const z = asComplex('irfft2', x);
  if (z.ndim < 2) throw new Error(`irfft2: input must have at least 2 dimensions, got shape ${shapeStr(z.shape)}`);
  const h = checkLength('irfft2', opts.s?.[0], z.shape[z.ndim - 2], 's[0]');
  const w = checkLength('irfft2', opts.s?.[1], 2 * (z.shape[z.ndim - 1] - 1), 's[1]');
  return irfft(ifft(z, { n: h, dim: -2, norm: opts.norm }), { n: w, dim: -1, norm: opts.norm });
}

/**
 * The sample frequencies of an n-point fft with sample spacing `d`. PyTorch: `torch.fft.fftfreq`.
 * @example
 * ```ts
 * fft.fftfreq(4);  // tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
 * ```
 */
export function fftfreq(n: number, d = 1): Tensor {
  checkLength('fftfreq', n, n);
  // [0, 1, …, ⌈n/2⌉ − 1, −⌊n/2⌋, …, −1] / (n·d)
  const h = Math.ceil(n / 2);
  return noGrad(() => div(cat([arange(h), arange(h - n, 0)]), n * d));
}

/**
 * The sample frequencies of an n-point rfft. PyTorch: `torch.fft.rfftfreq`.
 * @example
 * ```ts
 * fft.rfftfreq(4);  // tensor([0.0000, 0.2500, 0.5000])
 * ```
 */
export function rfftfreq(n: number, d = 1): Tensor {
  checkLength('rfftfreq', n, n);
  return noGrad(() => div(arange(Math.floor(n / 2) + 1), n * d));
}

/** Rolls each of dims by half its length (forward: the element at j moves to j + ⌊L/2⌋; inverse: back). */
function halfRoll(t: Tensor, dims: number[], inverse: boolean): Tensor {
  if (dims.length === 0) return t;
  return noGrad(() => roll(t, dims.map((d) => (inverse ? -1 : 1) * Math.floor(t.shape[d] / 2)), dims));
}

function shiftDims(op: string, ndim: number, dim?: number | number[]): number[] {
  const dims = dim === undefined ? [...Array(ndim).keys()] : typeof dim === 'number' ? [dim] : dim;
  return dims.map((d) => normAxis(op, d, ndim));
}

/**
 * Moves the zero frequency to the centre, along every dimension unless `dim` is given. PyTorch:
 * `torch.fft.fftshift`.
 * @example
 * ```ts
 * fft.fftshift(fft.fftfreq(4));  // tensor([-0.5000, -0.2500,  0.0000,  0.2500])
 * ```
 */
export function fftshift<T extends Tensor | Complex>(x: T, dim?: number | number[]): T {
  if (x instanceof Complex) {
    const dims = shiftDims('fftshift', x.ndim, dim);
    return new Complex(halfRoll(x.re, dims, false), halfRoll(x.im, dims, false)) as T;
  }
  return halfRoll(x as Tensor, shiftDims('fftshift', (x as Tensor).ndim, dim), false) as T;
}

/**
 * The inverse of fftshift. PyTorch: `torch.fft.ifftshift`.
 * @example
 * ```ts
 * fft.ifftshift(fft.fftshift(x));  // x again
 * ```
 */
export function ifftshift<T extends Tensor | Complex>(x: T, dim?: number | number[]): T {
  if (x instanceof Complex) {
    const dims = shiftDims('ifftshift', x.ndim, dim);
    return new Complex(halfRoll(x.re, dims, true), halfRoll(x.im, dims, true)) as T;
  }
  return halfRoll(x as Tensor, shiftDims('ifftshift', (x as Tensor).ndim, dim), true) as T;
}
