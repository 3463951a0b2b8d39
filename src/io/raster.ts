// io/raster.ts — tensors to and from 8-bit RGBA rasters (the layout of a canvas's ImageData): fromRgba and
// toRgba with its normalisations. No codecs and no Node built-ins, so the browser bundle has them
// (io/image-web.ts draws them on canvases); io/image.ts encodes and decodes PNG/JPEG around them and
// re-exports them. The conventions (channels, [0, 1], normalisations, colour maps) are io/image.ts's.

import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { colorAt, type ColorMap } from './colormap.js';
import { checkKeys, isOptionsObject, noExtraArgs } from '../tensor/signature.js';

/**
 * How toRgba maps values to 0…255: 'fixed' (a given range, default [0, 1], clamped), 'minmax' (the
 * tensor's own minimum…maximum) or 'symmetric' (−max|v|…max|v|, zero at mid-grey). PyTorch: the
 * `normalize`/`value_range` of `torchvision.utils.make_grid`.
 * @example
 * ```ts
 * toRgba(featureMap, { normalize: 'minmax' });  // the map's own min…max to black…white
 * ```
 */
export type Normalize = 'fixed' | 'minmax' | 'symmetric';

/** The keys of ImageEncodeOptions, which toRgba, encodePng and writeImage check their options against. */
export const IMAGE_ENCODE_KEYS: readonly string[] = ['normalize', 'range', 'cmap', 'scale'];

/**
 * How a tensor's values become 0…255 pixels: toRgba, encodePng, writeImage, and in the browser toCanvas.
 * PyTorch: the `normalize`/`value_range`/`scale_each` of `torchvision.utils.save_image`; `cmap` as
 * matplotlib's `imshow`.
 * @example
 * ```ts
 * toRgba(kernel, { normalize: 'symmetric', cmap: 'diverging', scale: 8 });
 * ```
 */
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

/**
 * An 8-bit RGBA raster, as in ImageData (row-major, 4 bytes per pixel). convnet's own (the web's
 * `ImageData`, with a Uint8Array).
 * @example
 * ```ts
 * const img: RgbaImage = { width: 1, height: 1, data: new Uint8Array([255, 0, 0, 255]) };  // one red pixel
 * ```
 */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Converts an RGBA raster into a [C, H, W] float32 tensor in [0, 1] with C = 1, 2, 3 or 4 (1: grey,
 * ITU-R 601-2 luma; 2: grey + alpha). PyTorch: `torchvision.transforms.functional.to_tensor` of an RGBA
 * image.
 * @example
 * ```ts
 * fromRgba({ width: 1, height: 1, data: new Uint8Array([255, 0, 0, 255]) }).shape;  // [3, 1, 1]
 * ```
 */
export function fromRgba(img: RgbaImage, channels: 1 | 2 | 3 | 4 | number = 3): Tensor {
  // channels may also come by name: fromRgba(img, { channels: 1 }) (img itself is a plain object).
  noExtraArgs('fromRgba', arguments, ['img', 'channels']);
  if (isOptionsObject(channels)) {
    checkKeys('fromRgba', channels, ['channels']);
    channels = (channels as { channels?: number }).channels ?? 3;
  }
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

/**
 * Renders a tensor as an 8-bit RGBA raster (the step before PNG encoding, or a canvas's ImageData).
 * Reads the values synchronously unless they are given (a GPU tensor: `await t.dataAsync()` first, or use
 * writeImage, which does). PyTorch: `torchvision.transforms.functional.to_pil_image` (RGBA).
 * @example
 * ```ts
 * const img = toRgba(featureMap, { normalize: 'minmax', cmap: 'viridis' }, await featureMap.dataAsync());
 * ```
 */
export function toRgba(t: Tensor, opts: ImageEncodeOptions = {}, values?: ArrayLike<number>): RgbaImage {
  const op = 'toRgba';
  checkKeys(op, opts, IMAGE_ENCODE_KEYS);
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
