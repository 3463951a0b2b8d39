// io/image-web.ts — images in the browser: fromPixels (ImageData, <img>, <canvas>, OffscreenCanvas,
// ImageBitmap, <video> → tensor), toCanvas / toImageData (tensor → canvas), decodeImageBlob (PNG, JPEG,
// WebP, … through the browser's own decoder, createImageBitmap). tfjs's tf.browser.fromPixels/toPixels in
// spirit, with convnet's conventions (io/image.ts): float32 [C, H, W] in [0, 1], C = 1 (grey: ITU-R 601-2
// luma), 2 (grey + alpha), 3 (RGB, the default) or 4 (RGBA); to a canvas through toRgba's normalisations.
//
//   const x = fromPixels(document.querySelector('img'));          // [3, H, W]
//   await toCanvas(model.forward(x.unsqueeze(0)).squeeze(0), document.querySelector('canvas'));
//   const y = await decodeImageBlob(input.files[0], { mode: 'grey' });
//
// Exactness: ImageData is read as it is. Other sources are drawn on a 2D canvas first and read back, and a
// 2D canvas stores premultiplied alpha, so the colour of a pixel that is not opaque may come back off by a
// little; opaque pixels (every JPEG, most PNGs) come back exactly. decodeImageBlob asks for no colour-space
// conversion and no premultiplication, so an opaque PNG gives the values decodeImage gives in Node.
// toCanvas reads values with `await t.dataAsync()`, the read every backend supports (webgpu's is async).

import { Tensor } from '../tensor/tensor.js';
import { fromRgba, toRgba, type ImageEncodeOptions } from './raster.js';

/**
 * What fromPixels reads: a raster, an image, a canvas, a bitmap or a video's current frame. tfjs: the
 * `pixels` argument of `tf.browser.fromPixels`.
 * @example
 * ```ts
 * const src: PixelSource = document.querySelector('video')!;  // its current frame
 * ```
 */
export type PixelSource = ImageData | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageBitmap | HTMLVideoElement;

/**
 * Options of fromPixels: the channels of the result. tfjs: the `numChannels` argument of
 * `tf.browser.fromPixels`.
 * @example
 * ```ts
 * fromPixels(canvas, { channels: 1 });  // grey: [1, H, W]
 * ```
 */
export interface FromPixelsOptions {
  /** Channels of the result: 1 (grey), 2 (grey + alpha), 3 (RGB, default) or 4 (RGBA). */
  channels?: 1 | 2 | 3 | 4;
}

/**
 * Options of decodeImageBlob: the channels of the result and the most pixels accepted. PyTorch: the
 * `mode` of `torchvision.io.decode_image`.
 * @example
 * ```ts
 * await decodeImageBlob(file, { mode: 'grey', maxPixels: 4e6 });
 * ```
 */
export interface DecodeImageBlobOptions {
  /** Channels of the result: 'rgb' (default), 'grey' (or 'gray') or 'rgba'. The browser's decoder does not
   *  say how the file stored them, so decodeImage's 'unchanged' has no counterpart here. */
  mode?: 'grey' | 'gray' | 'rgb' | 'rgba';
  /** The most pixels (width × height) made into a tensor; default 100 megapixels, as decodeImage. Checked
   *  once the browser has decoded the file (its decoder has limits of its own). */
  maxPixels?: number;
}

const DEFAULT_MAX_PIXELS = 100_000_000;

type Canvas2d = { canvas: HTMLCanvasElement | OffscreenCanvas; ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D };

/** A fresh 2D canvas: an OffscreenCanvas where there is one (workers too), else a <canvas>. */
function canvas2d(op: string, width: number, height: number): Canvas2d {
  let canvas: HTMLCanvasElement | OffscreenCanvas;
  if (typeof OffscreenCanvas !== 'undefined') canvas = new OffscreenCanvas(width, height);
  else if (typeof document !== 'undefined') {
    canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
  } else throw new Error(`${op}: this environment has neither OffscreenCanvas nor a document to make a canvas`);
  // willReadFrequently: keep the canvas in CPU memory, since it is drawn once and read back.
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as Canvas2d['ctx'] | null;
  if (!ctx) throw new Error(`${op}: cannot get a 2D context of a ${width}×${height} canvas`);
  return { canvas, ctx };
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as object).constructor?.name ?? 'object';
}

/** Width and height of a drawable source, with the checks that make a failure say why. */
function sourceSize(op: string, src: Exclude<PixelSource, ImageData>): { width: number; height: number } {
  if (typeof HTMLImageElement !== 'undefined' && src instanceof HTMLImageElement) {
    if (!src.complete || src.naturalWidth === 0) throw new Error(`${op}: the <img> has not loaded (or failed to): await img.decode() first`);
    return { width: src.naturalWidth, height: src.naturalHeight };
  }
  if (typeof HTMLVideoElement !== 'undefined' && src instanceof HTMLVideoElement) {
    if (src.readyState < 2) throw new Error(`${op}: the <video> has no frame yet (wait for its 'loadeddata' event)`);
    return { width: src.videoWidth, height: src.videoHeight };
  }
  const known = (typeof HTMLCanvasElement !== 'undefined' && src instanceof HTMLCanvasElement) ||
    (typeof OffscreenCanvas !== 'undefined' && src instanceof OffscreenCanvas) ||
    (typeof ImageBitmap !== 'undefined' && src instanceof ImageBitmap);
  if (!known) {
    throw new Error(`${op}: expected ImageData, an HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, ImageBitmap or HTMLVideoElement, got ${describe(src)}`);
  }
  return { width: src.width, height: src.height };
}

/** The RGBA bytes of a source: ImageData's own; anything else drawn on a 2D canvas and read back. */
function rgbaOf(op: string, src: PixelSource): { width: number; height: number; data: Uint8Array } {
  if (typeof ImageData !== 'undefined' && src instanceof ImageData) {
    return { width: src.width, height: src.height, data: new Uint8Array(src.data.buffer, src.data.byteOffset, src.data.byteLength) };
  }
  const { width, height } = sourceSize(op, src as Exclude<PixelSource, ImageData>);
  if (width === 0 || height === 0) throw new Error(`${op}: the source is empty (${width}×${height})`);
  const { ctx } = canvas2d(op, width, height);
  ctx.drawImage(src as CanvasImageSource, 0, 0);
  const d = ctx.getImageData(0, 0, width, height).data;
  return { width, height, data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

/**
 * A float32 [C, H, W] tensor in [0, 1] of an image, canvas, bitmap, video frame or ImageData. tfjs:
 * `tf.browser.fromPixels` (which gives int32 [H, W, C] in 0…255).
 * @example
 * ```ts
 * const x = fromPixels(document.querySelector('img')!);  // [3, H, W]
 * ```
 */
export function fromPixels(source: PixelSource, opts: FromPixelsOptions = {}): Tensor {
  const op = 'fromPixels';
  const channels = opts.channels ?? 3;
  if (![1, 2, 3, 4].includes(channels)) throw new Error(`${op}: channels must be 1, 2, 3 or 4, got ${JSON.stringify(opts.channels)}`);
  if (source === null || typeof source !== 'object') throw new Error(`${op}: expected an image source, got ${describe(source)}`);
  return fromRgba(rgbaOf(op, source), channels);
}

/** Re-labels toRgba's errors with the caller's name (op). */
function rgbaFor(op: string, t: Tensor, opts: ImageEncodeOptions, values: ArrayLike<number>) {
  try {
    return toRgba(t, opts, values);
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message.replace(/^toRgba: /, '')}`);
  }
}

/**
 * The tensor ([H, W], [C, H, W] or [1, C, H, W], C in 1…4) as ImageData, its values mapped to 0…255 as
 * toRgba does (opts: normalize, range, cmap, scale). Async: reads with `await t.dataAsync()`. tfjs:
 * `tf.browser.toPixels` without a canvas (which gives the RGBA bytes).
 * @example
 * ```ts
 * ctx.putImageData(await toImageData(featureMap, { normalize: 'minmax', cmap: 'viridis' }), 0, 0);
 * ```
 */
export async function toImageData(t: Tensor, opts: ImageEncodeOptions = {}): Promise<ImageData> {
  const op = 'toImageData';
  if (!(t instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${describe(t)}`);
  const img = rgbaFor(op, t, opts, await t.dataAsync());
  // toRgba's raster is a fresh (unshared) buffer: ImageData takes it as it is, without a copy.
  return new ImageData(new Uint8ClampedArray(img.data.buffer as ArrayBuffer, img.data.byteOffset, img.data.byteLength), img.width, img.height);
}

/**
 * Draws the tensor on `canvas` (resized to the image), or on a new one (a <canvas> in a page, an
 * OffscreenCanvas in a worker), and returns the canvas. Values as toImageData. tfjs:
 * `tf.browser.toPixels(img, canvas)`.
 * @example
 * ```ts
 * await toCanvas(x, document.querySelector('canvas')!, { scale: 4 });
 * ```
 */
export async function toCanvas<C extends HTMLCanvasElement | OffscreenCanvas>(t: Tensor, canvas?: C, opts: ImageEncodeOptions = {}): Promise<C | HTMLCanvasElement | OffscreenCanvas> {
  const op = 'toCanvas';
  if (!(t instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${describe(t)}`);
  const isCanvas = canvas === undefined ||
    (typeof HTMLCanvasElement !== 'undefined' && canvas instanceof HTMLCanvasElement) ||
    (typeof OffscreenCanvas !== 'undefined' && canvas instanceof OffscreenCanvas);
  if (!isCanvas) throw new Error(`${op}: canvas must be an HTMLCanvasElement or OffscreenCanvas, got ${describe(canvas)}`);
  let data: ImageData;
  try {
    data = await toImageData(t, opts);
  } catch (e) {
    throw new Error((e as Error).message.replace(/^toImageData: /, `${op}: `));
  }
  let target: HTMLCanvasElement | OffscreenCanvas;
  if (canvas) target = canvas;
  else if (typeof document !== 'undefined') target = document.createElement('canvas');
  else if (typeof OffscreenCanvas !== 'undefined') target = new OffscreenCanvas(data.width, data.height);
  else throw new Error(`${op}: this environment has neither a document nor OffscreenCanvas to make a canvas`);
  target.width = data.width;
  target.height = data.height;
  const ctx = target.getContext('2d') as Canvas2d['ctx'] | null;
  if (!ctx) throw new Error(`${op}: cannot get a 2D context of the canvas (does it already have a WebGL or WebGPU context?)`);
  ctx.putImageData(data, 0, 0);
  return target;
}

/**
 * Decodes an image file's bytes (a File, a fetched Blob) with the browser's decoder (createImageBitmap:
 * PNG, JPEG, GIF, WebP, AVIF, … as the browser supports) into a float32 [C, H, W] tensor in [0, 1].
 * PyTorch: `torchvision.io.decode_image`; in a browser, `createImageBitmap` then `tf.browser.fromPixels`.
 * @example
 * ```ts
 * const x = await decodeImageBlob(await (await fetch('/digit.png')).blob(), { mode: 'grey' });  // [1, H, W]
 * ```
 */
export async function decodeImageBlob(blob: Blob, opts: DecodeImageBlobOptions = {}): Promise<Tensor> {
  const op = 'decodeImageBlob';
  if (typeof Blob === 'undefined' || !(blob instanceof Blob)) throw new Error(`${op}: expected a Blob or File, got ${describe(blob)}`);
  const mode = opts.mode ?? 'rgb';
  const channels = ({ grey: 1, gray: 1, rgb: 3, rgba: 4 } as const)[mode];
  if (channels === undefined) {
    throw new Error(`${op}: mode must be 'rgb', 'grey' or 'rgba', got ${JSON.stringify(opts.mode)}` +
      (mode === ('unchanged' as string) ? " (the browser's decoder does not tell how the file stored its channels)" : ''));
  }
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels > 0)) throw new Error(`${op}: maxPixels must be a positive number, got ${JSON.stringify(opts.maxPixels)}`);
  if (typeof createImageBitmap === 'undefined') throw new Error(`${op}: this environment has no createImageBitmap`);
  let bitmap: ImageBitmap;
  try {
    // The file's own values: no colour-space conversion (an embedded profile or gamma would change them)
    // and no premultiplied alpha.
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    const name = (blob as File).name ? `'${(blob as File).name}'` : `the ${blob.size}-byte ${blob.type || 'blob'}`;
    throw new Error(`${op}: cannot decode ${name} as an image (${(e as Error)?.message ?? e})`);
  }
  try {
    if (bitmap.width * bitmap.height > maxPixels) {
      throw new Error(`${op}: the image is ${bitmap.width}×${bitmap.height} = ${bitmap.width * bitmap.height} pixels, ` +
        `more than the limit of ${maxPixels} (pass maxPixels to allow more)`);
    }
    return fromRgba(rgbaOf(op, bitmap), channels);
  } finally {
    bitmap.close();
  }
}
