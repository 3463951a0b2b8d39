// io/image.ts — images in and out of tensors: PNG and JPEG decoding, PNG encoding, normalisation and colour
// maps for maps that are not images (feature maps, gradients, kernels). Browser-safe: no file system here
// (see io/image-file.ts for readImage/writeImage in Node).
//
// Rules this file follows (torchvision.io's conventions):
// - a decoded image is a float32 tensor [C, H, W] with values in [0, 1]; C is 1 (grey), 2 (grey + alpha),
//   3 (RGB) or 4 (RGBA) as stored ('unchanged'), or as asked with mode 'grey' | 'rgb' | 'rgba';
// - grey from colour is ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B (PIL's convert('L'));
// - a tensor to encode may be [H, W], [C, H, W] or [1, C, H, W] with C ∈ {1, 2, 3, 4}; values are mapped to
//   0…255 by a normalisation: 'fixed' (default: the range [0, 1], or opts.range, clamped — as
//   torchvision's save_image), 'minmax' (the tensor's own min…max, over all channels so colours keep their
//   balance), or 'symmetric' (−m…m with m = max |x|, so 0 sits in the middle: for signed maps);
// - a colour map (cmap) turns a one-channel map into RGB: 'grey', 'diverging' (blue < 0 < red, white at 0,
//   matplotlib's RdBu_r; implies 'symmetric' unless a normalisation is given) or 'viridis'.
//
// Codecs: the pure-JavaScript `pngjs` and `jpeg-js` — they run unchanged in Node and in the browser and
// need no native build or install script (npm 11 blocks dependency install scripts by default, which a
// native codec such as sharp would need).

import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { colorAt, type ColorMap } from './colormap.js';

export type ImageReadMode = 'unchanged' | 'grey' | 'gray' | 'rgb' | 'rgba';

export interface DecodeImageOptions {
  /** Channels of the result: as stored ('unchanged', default), or converted to 'grey', 'rgb' or 'rgba'. */
  mode?: ImageReadMode;
  /** The most pixels (width × height) an image may declare; checked before decoding, since a few hundred
   *  bytes of PNG can declare gigabytes of pixels. Default DEFAULT_MAX_PIXELS (100 megapixels). */
  maxPixels?: number;
}

export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Width and height as the file declares them (PNG's IHDR; JPEG's first start-of-frame), or null. */
function declaredSize(b: Uint8Array): { width: number; height: number } | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (isPng(b)) return b.length >= 24 ? { width: dv.getUint32(16), height: dv.getUint32(20) } : null;
  // JPEG: walk the segments to the first SOFn marker (C0–CF except C4, C8, CC); height then width.
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const m = b[i + 1];
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { height: dv.getUint16(i + 5), width: dv.getUint16(i + 7) };
    i += 2 + dv.getUint16(i + 2);
  }
  return null;
}

export type Normalize = 'fixed' | 'minmax' | 'symmetric';

export interface ImageEncodeOptions {
  /** How values become 0…255: 'fixed' (default, opts.range or [0, 1], clamped), 'minmax', 'symmetric'. */
  normalize?: Normalize;
  /** The value range mapped to black…white with normalize 'fixed' (default [0, 1]). */
  range?: [number, number];
  /** Colour map for one-channel tensors ('grey' default). 'diverging' implies normalize 'symmetric'. */
  cmap?: ColorMap;
  /** Integer upscaling factor, nearest neighbour (for tiny maps such as 5×5 kernels). */
  scale?: number;
}

/** An 8-bit RGBA raster, as in ImageData (row-major, 4 bytes per pixel). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const toBuffer = (b: Uint8Array): Uint8Array =>
  typeof Buffer !== 'undefined' && !Buffer.isBuffer(b) ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : b;

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/** Decodes PNG or JPEG bytes (sniffed from the signature) into a float32 [C, H, W] tensor in [0, 1]. */
export function decodeImage(bytes: Uint8Array, opts: DecodeImageOptions = {}): Tensor {
  if (!(bytes instanceof Uint8Array)) throw new Error(`decodeImage: bytes must be a Uint8Array (or Buffer), got ${typeof bytes}`);
  const mode = opts.mode ?? 'unchanged';
  if (!['unchanged', 'grey', 'gray', 'rgb', 'rgba'].includes(mode)) {
    throw new Error(`decodeImage: mode must be one of 'unchanged', 'grey', 'rgb', 'rgba', got ${JSON.stringify(mode)}`);
  }
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels > 0)) throw new Error(`decodeImage: maxPixels must be a positive number, got ${JSON.stringify(opts.maxPixels)}`);
  const declared = declaredSize(bytes);
  if (declared && declared.width * declared.height > maxPixels) {
    throw new Error(`decodeImage: the image declares ${declared.width}×${declared.height} = ${declared.width * declared.height} pixels, ` +
      `more than the limit of ${maxPixels} (pass maxPixels to allow more)`);
  }
  let rgba: Uint8Array, width: number, height: number, stored: number;
  if (isPng(bytes)) {
    let png: PNG;
    try {
      png = PNG.sync.read(toBuffer(bytes) as Buffer);
    } catch (e) {
      throw new Error(`decodeImage: not a valid PNG (${(e as Error).message})`);
    }
    ({ width, height } = png);
    rgba = png.data;
    // colorType: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.
    const meta = png as unknown as { colorType: number; alpha: boolean };
    stored = ({ 0: 1, 2: 3, 3: meta.alpha ? 4 : 3, 4: 2, 6: 4 } as Record<number, number>)[meta.colorType] ?? 4;
  } else if (isJpeg(bytes)) {
    let img: { width: number; height: number; data: Uint8Array };
    try {
      img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: Math.max(512, (maxPixels * 8) / 2 ** 20) });
    } catch (e) {
      throw new Error(`decodeImage: not a valid JPEG (${(e as Error).message})`);
    }
    ({ width, height } = img);
    rgba = img.data;
    // jpeg-js always gives RGBA; a grey JPEG has R = G = B everywhere.
    stored = 1;
    for (let i = 0; i < rgba.length; i += 4) if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) { stored = 3; break; }
  } else {
    throw new Error('decodeImage: unknown image format (expected PNG or JPEG bytes)');
  }
  const C = mode === 'unchanged' ? stored : mode === 'rgb' ? 3 : mode === 'rgba' ? 4 : 1;
  return fromRgba({ width, height, data: rgba }, C);
}

/** Converts an RGBA raster into a [C, H, W] float32 tensor in [0, 1] with C = 1, 2, 3 or 4. */
export function fromRgba(img: RgbaImage, channels: 1 | 2 | 3 | 4 | number = 3): Tensor {
  const { width: W, height: H, data } = img;
  const n = W * H;
  if (data.length !== 4 * n) throw new Error(`fromRgba: ${data.length} bytes do not hold a ${W}×${H} RGBA image`);
  const out = new Float32Array(channels * n);
  const grey = (p: number) => (0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2]) / 255;
  for (let i = 0; i < n; i++) {
    const p = 4 * i;
    switch (channels) {
      case 1: out[i] = grey(p); break;
      case 2: out[i] = grey(p); out[n + i] = data[p + 3] / 255; break;
      default:
        for (let c = 0; c < channels; c++) out[c * n + i] = data[p + c] / 255;
    }
  }
  return fromArray(out, [channels, H, W]);
}

/** ITU-R 601-2 luma of an RGB(A) [3|4, H, W] (or [N, 3, H, W]) tensor → [1, H, W] (or [N, 1, H, W]). */
export function rgbToGrey(t: Tensor): Tensor {
  const cAxis = t.ndim - 3;
  if ((t.ndim !== 3 && t.ndim !== 4) || (t.shape[cAxis] !== 3 && t.shape[cAxis] !== 4)) {
    throw new Error(`rgbToGrey: expected an RGB image [3, H, W] or [N, 3, H, W], got shape ${shapeStr(t.shape)}`);
  }
  const N = t.ndim === 4 ? t.shape[0] : 1, C = t.shape[cAxis], plane = t.shape[cAxis + 1] * t.shape[cAxis + 2];
  const out = new Float32Array(N * plane);
  const s = t.dataSync();
  for (let b = 0; b < N; b++) {
    const o = b * C * plane;
    for (let i = 0; i < plane; i++) out[b * plane + i] = 0.299 * s[o + i] + 0.587 * s[o + plane + i] + 0.114 * s[o + 2 * plane + i];
  }
  return fromArray(out, t.ndim === 4 ? [N, 1, ...t.shape.slice(2)] : [1, ...t.shape.slice(1)]);
}

// ---------------------------------------------------------------------------------------- colour maps
// (io/colormap.ts: no codecs there, so the browser build has them too)

export { colorAt };
export type { ColorMap };

/** The [lo, hi] range a normalisation maps onto 0…255. */
function valueRange(op: string, s: ArrayLike<number>, normalize: Normalize, range?: [number, number]): [number, number] {
  if (normalize === 'fixed') {
    const r = range ?? [0, 1];
    if (!Array.isArray(r) || r.length !== 2 || !(r[1] > r[0])) throw new Error(`${op}: range must be [lo, hi] with hi > lo, got ${JSON.stringify(range)}`);
    return r;
  }
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < s.length; i++) { const v = s[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) { lo = 0; hi = 1; }
  if (normalize === 'symmetric') { const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1; return [-m, m]; }
  return hi > lo ? [lo, hi] : [lo - 0.5, lo + 0.5]; // a constant map shows as mid-grey
}

/** Renders a tensor as an 8-bit RGBA raster (the step before PNG encoding, or a canvas's ImageData).
 *  Reads the values synchronously unless they are given (a GPU tensor: `await t.data()` first, or use
 *  writeImage, which does). */
export function toRgba(t: Tensor, opts: ImageEncodeOptions = {}, values?: ArrayLike<number>): RgbaImage {
  const op = 'toRgba';
  if (!(t instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${typeof t}`);
  let shape = t.shape;
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length === 2) shape = [1, ...shape];
  if (shape.length !== 3 || shape[0] < 1 || shape[0] > 4) {
    throw new Error(`${op}: expected an image tensor [H, W], [C, H, W] or [1, C, H, W] with C in 1…4, got shape ${shapeStr(t.shape)}`);
  }
  const [C, H, W] = shape;
  if (H === 0 || W === 0) throw new Error(`${op}: the image ${shapeStr(t.shape)} is empty`);
  const cmap: ColorMap = opts.cmap ?? 'grey';
  if (!['grey', 'gray', 'diverging', 'viridis'].includes(cmap)) {
    throw new Error(`${op}: cmap must be 'grey', 'diverging' or 'viridis', got ${JSON.stringify(opts.cmap)}`);
  }
  if (cmap !== 'grey' && cmap !== 'gray' && C !== 1) throw new Error(`${op}: cmap '${cmap}' needs a one-channel map, got ${C} channels`);
  const normalize: Normalize = opts.normalize ?? (cmap === 'diverging' ? 'symmetric' : 'fixed');
  if (!['fixed', 'minmax', 'symmetric'].includes(normalize)) {
    throw new Error(`${op}: normalize must be 'fixed', 'minmax' or 'symmetric', got ${JSON.stringify(opts.normalize)}`);
  }
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`${op}: scale must be a positive integer, got ${JSON.stringify(opts.scale)}`);
  const s = values ? Float64Array.from(values) : t.dataSync();
  if (s.length !== C * H * W) throw new Error(`${op}: ${s.length} values given for an image of shape ${shapeStr(t.shape)}`);
  const plane = H * W;
  // Alpha (channel 2 of 2, or 4 of 4) is always read as fixed [0, 1]; normalise the colour channels only.
  const colour = C === 2 || C === 4 ? s.subarray(0, (C - 1) * plane) : s;
  const [lo, hi] = valueRange(op, colour, normalize, opts.range);
  const to01 = (v: number) => (v - lo) / (hi - lo);
  const byte = (u: number) => Math.round(Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * 255);
  const OW = W * scale, OH = H * scale;
  const data = new Uint8Array(OW * OH * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      let r: number, g: number, b: number, a = 255;
      if (C === 1 || C === 2) {
        [r, g, b] = colorAt(cmap, to01(s[i]));
        if (C === 2) a = byte(s[plane + i]);
      } else {
        r = byte(to01(s[i])); g = byte(to01(s[plane + i])); b = byte(to01(s[2 * plane + i]));
        if (C === 4) a = byte(s[3 * plane + i]);
      }
      for (let dy = 0; dy < scale; dy++) {
        let p = 4 * ((y * scale + dy) * OW + x * scale);
        for (let dx = 0; dx < scale; dx++, p += 4) { data[p] = r; data[p + 1] = g; data[p + 2] = b; data[p + 3] = a; }
      }
    }
  }
  return { width: OW, height: OH, data };
}

/** Encodes a tensor as PNG bytes: grey where the result is grey, RGB(A) otherwise. `values` as toRgba's. */
export function encodePng(t: Tensor, opts: ImageEncodeOptions = {}, values?: ArrayLike<number>): Uint8Array {
  const img = toRgba(t, opts, values);
  const C = t.ndim === 2 ? 1 : t.shape[t.ndim - 3];
  const coloured = C >= 3 || (opts.cmap !== undefined && opts.cmap !== 'grey' && opts.cmap !== 'gray');
  const alpha = C === 2 || C === 4;
  const png = new PNG({ width: img.width, height: img.height });
  png.data = toBuffer(img.data) as Buffer;
  // colorType: 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA (pngjs converts from its RGBA buffer).
  const colorType = coloured ? (alpha ? 6 : 2) : (alpha ? 4 : 0);
  return new Uint8Array(PNG.sync.write(png, { colorType }));
}

/** Encodes an RGBA raster (a figure from vis.drawFigure, a canvas's ImageData) as PNG bytes, in the
 *  smallest colour type that holds it exactly: grey when every pixel has R = G = B, RGB when every pixel
 *  is opaque, with alpha otherwise. */
export function encodeRgbaPng(img: RgbaImage): Uint8Array {
  const { width, height, data } = img ?? ({} as RgbaImage);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodeRgbaPng: width and height must be positive integers, got ${JSON.stringify(width)}×${JSON.stringify(height)}`);
  }
  const bytes: unknown = data;
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof Uint8ClampedArray)) throw new Error('encodeRgbaPng: data must be a Uint8Array of RGBA bytes');
  if (data.length !== 4 * width * height) throw new Error(`encodeRgbaPng: ${data.length} bytes do not hold a ${width}×${height} RGBA image`);
  let grey = true, opaque = true;
  for (let p = 0; p < data.length && (grey || opaque); p += 4) {
    if (data[p] !== data[p + 1] || data[p] !== data[p + 2]) grey = false;
    if (data[p + 3] !== 255) opaque = false;
  }
  const png = new PNG({ width, height });
  png.data = toBuffer(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as Buffer;
  // colorType: 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA (pngjs converts from its RGBA buffer).
  const colorType = grey ? (opaque ? 0 : 4) : (opaque ? 2 : 6);
  return new Uint8Array(PNG.sync.write(png, { colorType }));
}
