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
import { fromRgba, toRgba, IMAGE_ENCODE_KEYS, type ImageEncodeOptions, type RgbaImage } from './raster.js';
import { checkKeys, noExtraArgs } from '../tensor/signature.js';

// The rasters (io/raster.ts: no codecs there, so the browser build has them too).
export { fromRgba, toRgba };
export type { ImageEncodeOptions, Normalize, RgbaImage } from './raster.js';

/**
 * The channels a decoded image gets: as stored ('unchanged'), or converted to 'grey' (also 'gray'), 'rgb' or
 * 'rgba'. PyTorch: `torchvision.io.ImageReadMode` (`UNCHANGED`, `GRAY`, `RGB`, `RGB_ALPHA`).
 * @example
 * ```ts
 * readImage('photo.jpg', { mode: 'rgb' });
 * ```
 */
export type ImageReadMode = 'unchanged' | 'grey' | 'gray' | 'rgb' | 'rgba';

/**
 * Options of {@link decodeImage} and {@link readImage}: the channels of the result (`mode`) and the most pixels
 * an image may declare (`maxPixels`). PyTorch: the `mode` of `torchvision.io.decode_image`.
 * @example
 * ```ts
 * decodeImage(bytes, { mode: 'grey', maxPixels: 4e6 });
 * ```
 */
export interface DecodeImageOptions {
  /** Channels of the result: as stored ('unchanged', default), or converted to 'grey', 'rgb' or 'rgba'. */
  mode?: ImageReadMode;
  /** The most pixels (width × height) an image may declare; checked before decoding, since a few hundred
   *  bytes of PNG can declare gigabytes of pixels. Default DEFAULT_MAX_PIXELS (100 megapixels). */
  maxPixels?: number;
}

/** The keys of DecodeImageOptions, which decodeImage and readImage check their options against. */
export const DECODE_IMAGE_KEYS: readonly string[] = ['mode', 'maxPixels'];

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

const toBuffer = (b: Uint8Array): Uint8Array =>
  typeof Buffer !== 'undefined' && !Buffer.isBuffer(b) ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : b;

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/**
 * Decodes PNG or JPEG bytes (sniffed from the signature) into a float32 [C, H, W] tensor in [0, 1]. Synchronous (pure-JavaScript codecs). PyTorch: `torchvision.io.decode_image`.
 * @example
 * ```ts
 * const img = decodeImage(readFileSync('photo.png'), { mode: 'rgb' });  // [3, H, W]
 * ```
 */
export function decodeImage(bytes: Uint8Array, opts: DecodeImageOptions = {}): Tensor {
  checkKeys('decodeImage', opts, DECODE_IMAGE_KEYS);
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

/**
 * ITU-R 601-2 luma of an RGB(A) [3|4, H, W] (or [N, 3, H, W]) tensor → [1, H, W] (or [N, 1, H, W]). PyTorch: `torchvision.transforms.functional.rgb_to_grayscale`.
 * @example
 * ```ts
 * rgbToGrey(readImage('photo.jpg')).shape;  // [1, H, W]
 * ```
 */
export function rgbToGrey(t: Tensor): Tensor {
  noExtraArgs('rgbToGrey', arguments, ['t']);
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

/**
 * Encodes a tensor as PNG bytes: grey where the result is grey, RGB(A) otherwise. `values` as toRgba's. PyTorch: `torchvision.io.encode_png`.
 * @example
 * ```ts
 * writeFileSync('map.png', encodePng(featureMap, { normalize: 'minmax', cmap: 'viridis' }));
 * ```
 */
export function encodePng(t: Tensor, opts: ImageEncodeOptions = {}, values?: ArrayLike<number>): Uint8Array {
  checkKeys('encodePng', opts, IMAGE_ENCODE_KEYS);
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

/**
 * Encodes an RGBA raster (a figure from vis.drawFigure, a canvas's ImageData) as PNG bytes, in the
 *  smallest colour type that holds it exactly: grey when every pixel has R = G = B, RGB when every pixel
 *  is opaque, with alpha otherwise. convnet's own.
 * @example
 * ```ts
 * writeFileSync('fig.png', encodeRgbaPng(await vis.gridFigure(x)));
 * ```
 */
export function encodeRgbaPng(img: RgbaImage): Uint8Array {
  noExtraArgs('encodeRgbaPng', arguments, ['img']);
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
