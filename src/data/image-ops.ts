// data/image-ops.ts — the deterministic image operations behind the transforms (public as
// transforms.functional, data/transforms-functional.ts), as
// torchvision.transforms.functional on tensors: images are [..., C, H, W] float (or [H, W]), and every
// function is composed of existing differentiable ops (narrow, pad, matmul, indexSelect, where, …), never
// a loop over elements. The rules, each exact against torchvision 0.14 on float tensors:
//
// - resize is separable: out = Wy · img · Wxᵀ, with Wy [outH, H] and Wx [outW, W] the interpolation weights
//   of one axis (PyTorch's upsample kernels: half-pixel centres, align_corners=False; antialias widens the
//   filter by the scale as PIL does). So a resize is two matmuls, whatever the mode.
// - crop pads with zeros where the window leaves the image; centerCrop rounds the offset half to even
//   (Python's round), as torchvision does.
// - rotate samples the image at the inverse-rotated output pixel centres (grid_sample, align_corners=False,
//   zeros outside): nearest is one gather (indexSelect), bilinear four weighted gathers. With a fill,
//   torchvision samples a channel of ones along and blends: nearest takes the fill where that mask < 0.5,
//   bilinear is img·mask + (1 − mask)·fill.
// - the colour adjustments blend with a degenerate image (black, the grey mean, the grey image) and clamp
//   to [0, 1]; hue goes through HSV as torchvision's _rgb2hsv/_hsv2rgb.


import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { narrow, reshape, flip, stack, select, indexSelect, unsqueeze, toDtype, t as transpose2d } from '../ops/shape.js';
import { pad } from '../ops/pad.js';
import { matmul } from '../ops/matmul.js';
import { add, sub, mul, div, clamp, where, floor, eq, ne, logicalAnd } from '../ops/elementwise.js';
import { amax, amin, mean } from '../ops/reduce.js';

/**
 * How pixels are interpolated: `'nearest'` (PyTorch's legacy nearest, floor of the scaled index),
 * `'bilinear'` or `'bicubic'` (half-pixel centres, align_corners=False). PyTorch:
 * `torchvision.transforms.InterpolationMode`.
 * @example
 * ```ts
 * TF.resize(img, [32, 32], 'nearest');
 * ```
 */
export type InterpolationMode = 'nearest' | 'bilinear' | 'bicubic';

const MODES: readonly InterpolationMode[] = ['nearest', 'bilinear', 'bicubic'];

const sizeKind = { test: (v: unknown) => Number.isInteger(v) || (Array.isArray(v) && (v.length === 1 || v.length === 2) && v.every((x) => Number.isInteger(x))), what: 'an integer or a list of 1 or 2 integers' };
const imageKind = { test: (v: unknown) => v instanceof Tensor, what: 'an image Tensor [..., C, H, W] or [H, W]' };
const numberList = { test: (v: unknown) => typeof v === 'number' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number')), what: 'a number or a list of numbers' };
const interpKind = { test: (v: unknown) => typeof v === 'string' && (MODES as readonly string[]).includes(v), what: `one of ${MODES.map((m) => `'${m}'`).join(', ')}` };

/** The image's height and width and its checked dtype; a non-image is an error naming the op. */
export function imageSize(op: string, img: Tensor): [number, number] {
  if (!(img instanceof Tensor)) throw new Error(`${op}: expected an image Tensor, got ${typeof img}`);
  if (img.ndim < 2) throw new Error(`${op}: expected an image of shape [..., C, H, W] or [H, W], got [${img.shape.join(', ')}]`);
  if (img.dtype === 'int32') throw new Error(`${op}: expected a floating-point image (scale integers with ToTensor first), got int32`);
  return [img.shape[img.ndim - 2], img.shape[img.ndim - 1]];
}

/** The number of channels of an image [..., C, H, W] (1 for [H, W]). */
function channels(img: Tensor): number {
  return img.ndim === 2 ? 1 : img.shape[img.ndim - 3];
}

/** [h, w] from an int or [s] or [h, w]. */
export function pairSize(op: string, name: string, size: number | readonly number[]): [number, number] {
  const s = typeof size === 'number' ? [size, size] : size.length === 1 ? [size[0], size[0]] : [...size];
  if (s.length !== 2 || s.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a list of 1 or 2 of them, got ${JSON.stringify(size)}`);
  }
  return s as [number, number];
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// ---------------------------------------------------------------------------------------------------------
// resize

/** The weights of one axis: a [outSize, inSize] matrix whose row i mixes the input pixels output i reads. */
export function resizeWeights(inSize: number, outSize: number, mode: InterpolationMode, antialias: boolean): Float64Array {
  const w = new Float64Array(outSize * inSize);
  const scale = inSize / outSize;
  if (mode === 'nearest') {
    // PyTorch's nearest_idx: floor(i * scale) in float32, clamped; the same size and doubling are exact.
    const s32 = Math.fround(scale);
    for (let i = 0; i < outSize; i++) {
      const j = outSize === inSize ? i : outSize === 2 * inSize ? i >> 1 : Math.min(Math.floor(Math.fround(i * s32)), inSize - 1);
      w[i * inSize + j] = 1;
    }
  } else if (antialias) {
    // PIL's filter, widened by the scale when shrinking: support interp/2 · scale, taps at
    // (j − centre + 0.5) / scale, normalised to sum 1 (so the border needs no clamping). When enlarging
    // the filter keeps its width; bicubic's is then PIL's (a = −0.5), not PyTorch's plain one (−0.75).
    const interp = mode === 'bilinear' ? 2 : 4;
    const support = scale >= 1 ? (interp / 2) * scale : interp / 2, inv = scale >= 1 ? 1 / scale : 1;
    const filter = mode === 'bilinear' ? triangle : (x: number) => cubic(x, -0.5);
    for (let i = 0; i < outSize; i++) {
      const center = scale * (i + 0.5);
      const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
      const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
      let total = 0;
      for (let j = 0; j < xsize; j++) total += filter((j + xmin - center + 0.5) * inv);
      for (let j = 0; j < xsize; j++) {
        const v = filter((j + xmin - center + 0.5) * inv);
        w[i * inSize + xmin + j] = total !== 0 ? v / total : v;
      }
    }
  } else if (mode === 'bilinear') {
    for (let i = 0; i < outSize; i++) {
      const real = Math.max(scale * (i + 0.5) - 0.5, 0);
      const j0 = Math.floor(real), j1 = j0 < inSize - 1 ? j0 + 1 : j0;
      const l1 = real - j0;
      w[i * inSize + j0] += 1 - l1;
      w[i * inSize + j1] += l1;
    }
  } else {
    // bicubic, A = −0.75, taps at floor(real) − 1 … + 2 clamped to the image (border pixels repeat).
    for (let i = 0; i < outSize; i++) {
      const real = scale * (i + 0.5) - 0.5;
      const j = Math.floor(real), t = real - j;
      const c = [cubic(t + 1, -0.75), cubic(t, -0.75), cubic(1 - t, -0.75), cubic(2 - t, -0.75)];
      for (let k = 0; k < 4; k++) w[i * inSize + Math.min(Math.max(j - 1 + k, 0), inSize - 1)] += c[k];
    }
  }
  return w;
}

const triangle = (x: number): number => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0);

/** Keys' cubic convolution kernel with parameter a (−0.75 PyTorch's bicubic, −0.5 PIL's antialiased). */
function cubic(x: number, a: number): number {
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/**
 * The output [h, w] of resizing an [h, w] image to `size`: [h, w] as given, or one number for the shorter
 * edge (the longer scaled to keep the aspect ratio, truncated, and capped by `maxSize`). PyTorch:
 * `torchvision.transforms.functional._compute_resized_output_size`.
 */
export function resizedOutputSize(op: string, [h, w]: [number, number], size: number | readonly number[], maxSize?: number): [number, number] {
  const list = typeof size === 'number' ? [size] : [...size];
  if ((list.length !== 1 && list.length !== 2) || list.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${op}: size must be a positive integer or a list of 1 or 2 of them, got ${JSON.stringify(size)}`);
  }
  if (list.length === 2) {
    if (maxSize !== undefined) throw new Error(`${op}: maxSize is only allowed when size is one number (the shorter edge), got size ${JSON.stringify(size)}`);
    return [list[0], list[1]];
  }
  const [short, long] = w <= h ? [w, h] : [h, w];
  let newShort = list[0], newLong = Math.trunc((newShort * long) / short);
  if (maxSize !== undefined) {
    if (!Number.isInteger(maxSize) || maxSize <= newShort) throw new Error(`${op}: maxSize = ${maxSize} must be an integer greater than the requested size of the shorter edge ${newShort}`);
    if (newLong > maxSize) { newShort = Math.trunc((maxSize * newShort) / newLong); newLong = maxSize; }
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

/**
 * Options of {@link resize}. PyTorch: the keyword arguments of `torchvision.transforms.functional.resize`.
 * @example
 * ```ts
 * TF.resize(img, 256, { interpolation: 'bicubic', antialias: true });
 * ```
 */
export interface ResizeOptions {
  /** `'bilinear'` (default), `'nearest'` or `'bicubic'`. */
  interpolation?: InterpolationMode;
  /** With one size: the longest the longer edge may become. */
  maxSize?: number;
  /** Low-pass filter when shrinking (bilinear and bicubic), as PIL does. Default true (torchvision ≥ 0.17;
   *  0.14 defaulted to false on tensors). */
  antialias?: boolean;
}

/**
 * Resizes an image [..., H, W] to `size` ([h, w], or one number for the shorter edge keeping the aspect
 * ratio), interpolating as `interpolation` says; differentiable. PyTorch: `torchvision.transforms.functional.resize`.
 * @example
 * ```ts
 * TF.resize(img, [32, 48]).shape;         // [3, 32, 48]
 * TF.resize(randn(3, 100, 200), 50).shape;  // [3, 50, 100]
 * ```
 */
export function resize(...args: PyArgs<[img: Tensor, size: number | readonly number[], interpolation: InterpolationMode, maxSize: number, antialias: boolean], ResizeOptions & { img?: Tensor; size?: number | readonly number[] }>): Tensor {
  const a = bindArgs('resize', args, { positional: [
    { name: 'img', kind: imageKind, required: true }, { name: 'size', kind: sizeKind, required: true },
    { name: 'interpolation', kind: interpKind }, { name: 'maxSize', kind: 'int' }, { name: 'antialias', kind: 'bool' },
  ] });
  return resizeImpl('resize', a.img as Tensor, a.size as number | number[], (a.interpolation as InterpolationMode) ?? 'bilinear', a.maxSize as number | undefined, (a.antialias as boolean | undefined) ?? true);
}

export function resizeImpl(op: string, img: Tensor, size: number | readonly number[], mode: InterpolationMode, maxSize: number | undefined, antialias: boolean): Tensor {
  const [h, w] = imageSize(op, img);
  if (!MODES.includes(mode)) throw new Error(`${op}: interpolation must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  if (h === 0 || w === 0) throw new Error(`${op}: cannot resize an empty image [${img.shape.join(', ')}]`);
  const [oh, ow] = resizedOutputSize(op, [h, w], size, maxSize);
  const aa = antialias && mode !== 'nearest';
  // The weights in the image's dtype, made so on the JS side (a float64 tensor would not exist on webgpu).
  const typed = (v: Float64Array) => (img.dtype === 'float64' ? v : Float32Array.from(v));
  const wy = fromArray(typed(resizeWeights(h, oh, mode, aa)), [oh, h]);
  const wxT = transpose2d(fromArray(typed(resizeWeights(w, ow, mode, aa)), [ow, w]));
  return matmul(wy, matmul(img, wxT));
}

// ---------------------------------------------------------------------------------------------------------
// crops and flips

/**
 * The window of `height` × `width` pixels whose top-left corner is (`top`, `left`); where the window
 * leaves the image it is filled with zeros. PyTorch: `torchvision.transforms.functional.crop`.
 * @example
 * ```ts
 * TF.crop(img, 10, 20, 64, 64).shape;  // [3, 64, 64]
 * ```
 */
export function crop(...args: PyArgs<[img: Tensor, top: number, left: number, height: number, width: number], { img?: Tensor; top?: number; left?: number; height?: number; width?: number }>): Tensor {
  const a = bindArgs('crop', args, { positional: [
    { name: 'img', kind: imageKind, required: true }, { name: 'top', kind: 'int', required: true }, { name: 'left', kind: 'int', required: true },
    { name: 'height', kind: 'int', required: true }, { name: 'width', kind: 'int', required: true },
  ] });
  return cropImpl('crop', a.img as Tensor, a.top as number, a.left as number, a.height as number, a.width as number);
}

export function cropImpl(op: string, img: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const [h, w] = imageSize(op, img);
  if (height < 1 || width < 1) throw new Error(`${op}: the crop's height and width must be positive, got ${height} × ${width}`);
  const bottom = top + height, right = left + width;
  const r0 = Math.max(top, 0), r1 = Math.min(bottom, h), c0 = Math.max(left, 0), c1 = Math.min(right, w);
  const padL = c0 - left, padT = r0 - top, padR = right - Math.max(c1, c0), padB = bottom - Math.max(r1, r0);
  if (r1 <= r0 || c1 <= c0) {
    // The window misses the image entirely: all zeros.
    return mul(pad(narrow(narrow(img, -2, 0, 1), -1, 0, 1), [0, width - 1, 0, height - 1]), 0);
  }
  let out = narrow(narrow(img, -2, r0, r1 - r0), -1, c0, c1 - c0);
  if (padL || padT || padR || padB) out = pad(out, [padL, padR, padT, padB]);
  return out;
}

/**
 * The central `size` × `size` (or [h, w]) window; an image smaller than that is padded with zeros first.
 * The offset is round((H − h) / 2), halves to even as Python rounds. PyTorch:
 * `torchvision.transforms.functional.center_crop`.
 * @example
 * ```ts
 * TF.centerCrop(img, 224).shape;  // [3, 224, 224]
 * ```
 */
export function centerCrop(...args: PyArgs<[img: Tensor, outputSize: number | readonly number[]], { img?: Tensor; outputSize?: number | readonly number[] }>): Tensor {
  const a = bindArgs('centerCrop', args, { positional: [{ name: 'img', kind: imageKind, required: true }, { name: 'outputSize', kind: sizeKind, required: true }] });
  return centerCropImpl('centerCrop', a.img as Tensor, a.outputSize as number | number[]);
}

export function centerCropImpl(op: string, img: Tensor, size: number | readonly number[]): Tensor {
  let [h, w] = imageSize(op, img);
  const [ch, cw] = pairSize(op, 'size', size);
  if (cw > w || ch > h) {
    const pl = cw > w ? Math.floor((cw - w) / 2) : 0, pt = ch > h ? Math.floor((ch - h) / 2) : 0;
    const pr = cw > w ? Math.floor((cw - w + 1) / 2) : 0, pb = ch > h ? Math.floor((ch - h + 1) / 2) : 0;
    img = pad(img, [pl, pr, pt, pb]);
    [h, w] = [img.shape[img.ndim - 2], img.shape[img.ndim - 1]];
    if (cw === w && ch === h) return img;
  }
  return cropImpl(op, img, roundHalfEven((h - ch) / 2), roundHalfEven((w - cw) / 2), ch, cw);
}

/**
 * Crops the window (`top`, `left`, `height`, `width`) and resizes it to `size`. PyTorch:
 * `torchvision.transforms.functional.resized_crop`.
 * @example
 * ```ts
 * TF.resizedCrop(img, 0, 0, 100, 100, [32, 32]).shape;  // [3, 32, 32]
 * ```
 */
export function resizedCrop(...args: PyArgs<[img: Tensor, top: number, left: number, height: number, width: number, size: number | readonly number[], interpolation: InterpolationMode, antialias: boolean],
  { img?: Tensor; top?: number; left?: number; height?: number; width?: number; size?: number | readonly number[]; interpolation?: InterpolationMode; antialias?: boolean }>): Tensor {
  const a = bindArgs('resizedCrop', args, { positional: [
    { name: 'img', kind: imageKind, required: true }, { name: 'top', kind: 'int', required: true }, { name: 'left', kind: 'int', required: true },
    { name: 'height', kind: 'int', required: true }, { name: 'width', kind: 'int', required: true }, { name: 'size', kind: sizeKind, required: true },
    { name: 'interpolation', kind: interpKind }, { name: 'antialias', kind: 'bool' },
  ] });
  const c = cropImpl('resizedCrop', a.img as Tensor, a.top as number, a.left as number, a.height as number, a.width as number);
  return resizeImpl('resizedCrop', c, a.size as number | number[], (a.interpolation as InterpolationMode) ?? 'bilinear', undefined, (a.antialias as boolean | undefined) ?? true);
}

/**
 * Mirrors the image left to right. PyTorch: `torchvision.transforms.functional.hflip`.
 * @example
 * ```ts
 * TF.hflip(tensor([[1, 2, 3]]));  // tensor([[3., 2., 1.]])
 * ```
 */
export function hflip(img: Tensor): Tensor {
  imageSize('hflip', img);
  return flip(img, [-1]);
}

/**
 * Mirrors the image top to bottom. PyTorch: `torchvision.transforms.functional.vflip`.
 * @example
 * ```ts
 * TF.vflip(tensor([[1], [2]]));  // tensor([[2.], [1.]])
 * ```
 */
export function vflip(img: Tensor): Tensor {
  imageSize('vflip', img);
  return flip(img, [-2]);
}

/**
 * (img − mean[c]) / std[c] per channel of an image [..., C, H, W]; one number applies to every channel.
 * PyTorch: `torchvision.transforms.functional.normalize`.
 * @example
 * ```ts
 * TF.normalize(img, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
 * ```
 */
export function normalize(...args: PyArgs<[img: Tensor, mean: number | readonly number[], std: number | readonly number[]], { img?: Tensor; mean?: number | readonly number[]; std?: number | readonly number[] }>): Tensor {
  const a = bindArgs('normalize', args, { positional: [
    { name: 'img', kind: imageKind, required: true }, { name: 'mean', kind: numberList, required: true }, { name: 'std', kind: numberList, required: true },
  ] });
  const img = a.img as Tensor;
  imageSize('normalize', img);
  const m = typeof a.mean === 'number' ? [a.mean] : (a.mean as number[]);
  const s = typeof a.std === 'number' ? [a.std] : (a.std as number[]);
  checkMeanStd('normalize', m, s);
  const c = channels(img);
  if (m.length !== 1 && m.length !== c) throw new Error(`normalize: ${m.length} means/stds for an image with ${c} channels`);
  const shape = img.ndim === 2 ? [1, 1] : [m.length, 1, 1];
  return div(sub(img, toDtype(fromArray(Float32Array.from(m), shape), img.dtype)), toDtype(fromArray(Float32Array.from(s), shape), img.dtype));
}

export function checkMeanStd(op: string, m: readonly number[], s: readonly number[]): void {
  if (m.length === 0 || m.length !== s.length) throw new Error(`${op}: mean and std need the same non-zero length, got ${m.length} and ${s.length}`);
  s.forEach((v, i) => { if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${op}: std[${i}] must be positive and finite, got ${v}`); });
  m.forEach((v, i) => { if (!Number.isFinite(v)) throw new Error(`${op}: mean[${i}] must be finite, got ${v}`); });
}

// ---------------------------------------------------------------------------------------------------------
// colour

function rgb(op: string, img: Tensor): [Tensor, Tensor, Tensor] {
  imageSize(op, img);
  if (img.ndim < 3 || img.shape[img.ndim - 3] !== 3) throw new Error(`${op}: expected an RGB image [..., 3, H, W], got [${img.shape.join(', ')}]`);
  return [select(img, -3, 0), select(img, -3, 1), select(img, -3, 2)];
}

/**
 * Grey of an RGB image [..., 3, H, W] by ITU-R 601-2 luma (0.2989 R + 0.587 G + 0.114 B), with
 * `numOutputChannels` 1 or 3 copies. PyTorch: `torchvision.transforms.functional.rgb_to_grayscale`.
 * @example
 * ```ts
 * TF.rgbToGrayscale(img).shape;  // [1, H, W]
 * ```
 */
export function rgbToGrayscale(...args: PyArgs<[img: Tensor, numOutputChannels: number], { img?: Tensor; numOutputChannels?: number }>): Tensor {
  const a = bindArgs('rgbToGrayscale', args, { positional: [{ name: 'img', kind: imageKind, required: true }, { name: 'numOutputChannels', kind: 'int' }] });
  const n = (a.numOutputChannels as number | undefined) ?? 1;
  if (n !== 1 && n !== 3) throw new Error(`rgbToGrayscale: numOutputChannels must be 1 or 3, got ${n}`);
  const g = grey('rgbToGrayscale', a.img as Tensor);
  return n === 1 ? g : stack([select(g, -3, 0), select(g, -3, 0), select(g, -3, 0)], -3);
}

function grey(op: string, img: Tensor): Tensor {
  const [r, g, b] = rgb(op, img);
  return unsqueeze(add(add(mul(r, 0.2989), mul(g, 0.587)), mul(b, 0.114)), -3);
}

/** ratio·img1 + (1 − ratio)·img2, clamped to [0, 1]: torchvision's _blend for float images. */
function blend(img1: Tensor, img2: Tensor | number, ratio: number): Tensor {
  return clamp(add(mul(img1, ratio), typeof img2 === 'number' ? img2 * (1 - ratio) : mul(img2, 1 - ratio)), 0, 1);
}

function factorCheck(op: string, name: string, f: unknown): number {
  if (typeof f !== 'number' || !(f >= 0) || !Number.isFinite(f)) throw new Error(`${op}: ${name} must be a non-negative finite number, got ${JSON.stringify(f)}`);
  return f;
}

/**
 * Scales the brightness: img · factor, clamped to [0, 1] (0 black, 1 the image). PyTorch:
 * `torchvision.transforms.functional.adjust_brightness`.
 * @example
 * ```ts
 * TF.adjustBrightness(img, 1.2);
 * ```
 */
export function adjustBrightness(img: Tensor, brightnessFactor: number): Tensor {
  imageSize('adjustBrightness', img);
  return blend(img, 0, factorCheck('adjustBrightness', 'brightnessFactor', brightnessFactor));
}

/**
 * Scales the contrast: a blend with the mean grey level (of the whole image; per image in a batch),
 * clamped to [0, 1]. PyTorch: `torchvision.transforms.functional.adjust_contrast`.
 * @example
 * ```ts
 * TF.adjustContrast(img, 0.5);
 * ```
 */
export function adjustContrast(img: Tensor, contrastFactor: number): Tensor {
  imageSize('adjustContrast', img);
  const f = factorCheck('adjustContrast', 'contrastFactor', contrastFactor);
  const c = channels(img);
  if (img.ndim >= 3 && c !== 1 && c !== 3) throw new Error(`adjustContrast: expected an image with 1 or 3 channels, got [${img.shape.join(', ')}]`);
  const dims = img.ndim === 2 ? [-2, -1] : [-3, -2, -1];
  const m = mean(c === 3 ? grey('adjustContrast', img) : img, dims, true);
  return blend(img, m, f);
}

/**
 * Scales the saturation: a blend with the grey image (0 grey, 1 the image), clamped to [0, 1]; a one-channel
 * image is returned as it is. PyTorch: `torchvision.transforms.functional.adjust_saturation`.
 * @example
 * ```ts
 * TF.adjustSaturation(img, 1.5);
 * ```
 */
export function adjustSaturation(img: Tensor, saturationFactor: number): Tensor {
  imageSize('adjustSaturation', img);
  const f = factorCheck('adjustSaturation', 'saturationFactor', saturationFactor);
  if (channels(img) === 1) return img;
  return blend(img, grey('adjustSaturation', img), f);
}

/**
 * Shifts the hue by `hueFactor` turns (in [−0.5, 0.5]) through HSV; a one-channel image is returned as it
 * is. PyTorch: `torchvision.transforms.functional.adjust_hue`.
 * @example
 * ```ts
 * TF.adjustHue(img, 0.1);
 * ```
 */
export function adjustHue(img: Tensor, hueFactor: number): Tensor {
  imageSize('adjustHue', img);
  if (typeof hueFactor !== 'number' || !(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new Error(`adjustHue: hueFactor must be in [-0.5, 0.5], got ${JSON.stringify(hueFactor)}`);
  if (channels(img) === 1) return img;
  const [h, s, v] = rgbToHsv(img);
  const h2 = add(h, hueFactor);
  return hsvToRgb(sub(h2, floor(h2)), s, v);
}

function rgbToHsv(img: Tensor): [Tensor, Tensor, Tensor] {
  const [r, g, b] = rgb('adjustHue', img);
  const maxc = amax(img, -3), minc = amin(img, -3);
  const eqc = eq(maxc, minc);
  const cr = sub(maxc, minc);
  const s = div(cr, where(eqc, 1, maxc));
  const crd = where(eqc, 1, cr);
  const rc = div(sub(maxc, r), crd), gc = div(sub(maxc, g), crd), bc = div(sub(maxc, b), crd);
  const isR = eq(maxc, r), notR = ne(maxc, r);
  const hr = where(isR, sub(bc, gc), 0);
  const hg = where(logicalAnd(eq(maxc, g), notR), add(sub(rc, bc), 2), 0);
  const hb = where(logicalAnd(ne(maxc, g), notR), add(sub(gc, rc), 4), 0);
  const h = add(div(add(add(hr, hg), hb), 6), 1);
  return [sub(h, floor(h)), s, maxc];
}

function hsvToRgb(h: Tensor, s: Tensor, v: Tensor): Tensor {
  const h6 = mul(h, 6);
  const i = floor(h6);
  const f = sub(h6, i);
  const p = clamp(mul(v, sub(1, s)), 0, 1);
  const q = clamp(mul(v, sub(1, mul(s, f))), 0, 1);
  const t = clamp(mul(v, sub(1, mul(s, sub(1, f)))), 0, 1);
  const sector = sub(i, mul(floor(div(i, 6)), 6)); // i mod 6
  const pick = (vals: Tensor[]): Tensor => {
    let out = mul(v, 0);
    vals.forEach((x, k) => { out = where(eq(sector, k), x, out); });
    return out;
  };
  return stack([pick([v, q, p, p, t, v]), pick([t, v, v, q, p, p]), pick([p, p, t, v, v, q])], -3);
}

// ---------------------------------------------------------------------------------------------------------
// rotation

/** torchvision's inverse affine matrix of a rotation by `angle` degrees about `center` (offsets from the
 *  image centre), without translation, scale or shear. */
function inverseRotation(angle: number, cx: number, cy: number): number[] {
  const rot = (-angle * Math.PI) / 180;
  const a = Math.cos(rot), b = -Math.sin(rot), c = Math.sin(rot), d = Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0];
  m[2] += m[0] * -cx + m[1] * -cy;
  m[5] += m[3] * -cx + m[4] * -cy;
  m[2] += cx;
  m[5] += cy;
  return m;
}

function rotatedSize(m: number[], w: number, h: number): [number, number] {
  const f = Math.fround;
  const pts = [[-0.5 * w, -0.5 * h], [-0.5 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.5 * w, -0.5 * h]];
  const t = m.map(f);
  const xs = pts.map(([x, y]) => f(f(f(x * t[0]) + f(y * t[1])) + t[2]));
  const ys = pts.map(([x, y]) => f(f(f(x * t[3]) + f(y * t[4])) + t[5]));
  const tol = 1e-4;
  const size = (vals: number[], half: number) => {
    const hi = f(Math.max(...vals) + half), lo = f(Math.min(...vals) + half);
    return Math.ceil(f(Math.trunc(f(hi / tol)) * tol)) - Math.floor(f(Math.trunc(f(lo / tol)) * tol));
  };
  return [size(xs, w * 0.5), size(ys, h * 0.5)];
}

/**
 * Options of {@link rotate}. PyTorch: the keyword arguments of `torchvision.transforms.functional.rotate`.
 * @example
 * ```ts
 * TF.rotate(img, 30, { interpolation: 'bilinear', expand: true, fill: [0.5, 0.5, 0.5] });
 * ```
 */
export interface RotateOptions {
  /** `'nearest'` (default) or `'bilinear'`. */
  interpolation?: 'nearest' | 'bilinear';
  /** Grow the output to hold the whole rotated image (default false: keep the size). */
  expand?: boolean;
  /** The centre of rotation [x, y] in pixels from the top-left corner (default the image centre). */
  center?: readonly number[];
  /** The value of pixels from outside the image: one number or one per channel (default: zeros, unmasked). */
  fill?: number | readonly number[];
}

/**
 * Rotates the image by `angle` degrees counter-clockwise about its centre (or `center`); pixels from
 * outside the image are zero or `fill`. PyTorch: `torchvision.transforms.functional.rotate`.
 * @example
 * ```ts
 * TF.rotate(img, 90).shape;                       // same size
 * TF.rotate(img, 45, { expand: true }).shape;     // larger, holds the corners
 * ```
 */
export function rotate(...args: PyArgs<[img: Tensor, angle: number, interpolation: 'nearest' | 'bilinear', expand: boolean, center: readonly number[], fill: number | readonly number[]], RotateOptions & { img?: Tensor; angle?: number }>): Tensor {
  const a = bindArgs('rotate', args, { positional: [
    { name: 'img', kind: imageKind, required: true }, { name: 'angle', kind: 'number', required: true },
    { name: 'interpolation', kind: { test: (v) => v === 'nearest' || v === 'bilinear', what: "'nearest' or 'bilinear'" } },
    { name: 'expand', kind: 'bool' }, { name: 'center', kind: { test: (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'), what: 'a list [x, y]' } },
    { name: 'fill', kind: numberList },
  ] });
  return rotateImpl('rotate', a.img as Tensor, a.angle as number, (a.interpolation as 'nearest' | 'bilinear') ?? 'nearest', (a.expand as boolean) ?? false,
    a.center as number[] | undefined, a.fill as number | number[] | undefined);
}

export function rotateImpl(op: string, img: Tensor, angle: number, mode: 'nearest' | 'bilinear', expand: boolean, center: readonly number[] | undefined, fill: number | readonly number[] | undefined): Tensor {
  const [h, w] = imageSize(op, img);
  if (!Number.isFinite(angle)) throw new Error(`${op}: angle must be a finite number of degrees, got ${angle}`);
  const c = channels(img);
  let fills: number[] | undefined;
  if (fill !== undefined) {
    fills = typeof fill === 'number' ? [fill] : [...fill];
    if (fills.length !== 1 && fills.length !== c) throw new Error(`${op}: fill must be one number or one per channel (${c}), got ${fills.length} values`);
  }
  const [cx, cy] = center ? [center[0] - w * 0.5, center[1] - h * 0.5] : [0, 0];
  const m = inverseRotation(angle, cx, cy);
  const [ow, oh] = expand ? rotatedSize(m, w, h) : [w, h];
  // Where each output pixel centre samples the input, in input pixel coordinates (grid_sample's
  // unnormalised x, y), computed in float32 as torchvision's affine grid is.
  const f = Math.fround;
  const t = [f(f(m[0]) / f(0.5 * w)), f(f(m[1]) / f(0.5 * w)), f(f(m[2]) / f(0.5 * w)), f(f(m[3]) / f(0.5 * h)), f(f(m[4]) / f(0.5 * h)), f(f(m[5]) / f(0.5 * h))];
  const n = oh * ow;
  const sx = new Float64Array(n), sy = new Float64Array(n);
  for (let y = 0; y < oh; y++) {
    const gy0 = f(-oh * 0.5 + 0.5 + y);
    for (let x = 0; x < ow; x++) {
      const gx0 = f(-ow * 0.5 + 0.5 + x);
      const gx = f(f(f(gx0 * t[0]) + f(gy0 * t[1])) + t[2]);
      const gy = f(f(f(gx0 * t[3]) + f(gy0 * t[4])) + t[5]);
      sx[y * ow + x] = f(f(f(gx + 1) * w - 1) / 2);
      sy[y * ow + x] = f(f(f(gy + 1) * h - 1) / 2);
    }
  }
  const flat = reshape(img, [...img.shape.slice(0, -2), h * w]);
  const outShape = [...img.shape.slice(0, -2), oh, ow];
  const gather = (idx: Int32Array) => reshape(indexSelect(flat, -1, fromArray(idx, [n])), outShape);
  const plane = (v: Float32Array) => toDtype(fromArray(v, [oh, ow]), img.dtype);
  let out: Tensor, mask: Tensor;
  if (mode === 'nearest') {
    const idx = new Int32Array(n), valid = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const ix = roundHalfEven(sx[k]), iy = roundHalfEven(sy[k]);
      if (ix >= 0 && ix < w && iy >= 0 && iy < h) { idx[k] = iy * w + ix; valid[k] = 1; }
    }
    mask = plane(valid);
    out = mul(gather(idx), mask);
    if (!fills) return out;
    return where(mask, out, fillTensor(fills, img, c));
  }
  // bilinear: four corners, each weighted by the opposite area; corners outside the image count zero.
  const corners: [Int32Array, Float32Array][] = [];
  for (let k = 0; k < 4; k++) corners.push([new Int32Array(n), new Float32Array(n)]);
  const total = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const x0 = Math.floor(sx[k]), y0 = Math.floor(sy[k]);
    const fx = sx[k] - x0, fy = sy[k] - y0;
    const taps: [number, number, number][] = [[x0, y0, (1 - fx) * (1 - fy)], [x0 + 1, y0, fx * (1 - fy)], [x0, y0 + 1, (1 - fx) * fy], [x0 + 1, y0 + 1, fx * fy]];
    taps.forEach(([x, y, wt], j) => {
      if (x >= 0 && x < w && y >= 0 && y < h) { corners[j][0][k] = y * w + x; corners[j][1][k] = wt; total[k] += wt; }
    });
  }
  out = corners.map(([idx, wt]) => mul(gather(idx), plane(wt))).reduce((acc, x) => add(acc, x));
  if (!fills) return out;
  mask = plane(total);
  return add(mul(out, mask), mul(sub(1, mask), fillTensor(fills, img, c)));
}

function fillTensor(fills: number[], img: Tensor, c: number): Tensor {
  const shape = img.ndim === 2 || fills.length === 1 ? [1, 1] : [c, 1, 1];
  return toDtype(fromArray(Float32Array.from(fills), shape), img.dtype);
}

