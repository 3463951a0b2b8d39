// io/image-file.ts — readImage / writeImage / writeRgbaPng: the file-system side of io/image.ts (Node only).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { checkKeys, noExtraArgs } from '../tensor/signature.js';
import { IMAGE_ENCODE_KEYS } from './raster.js';
import { decodeImage, encodePng, encodeRgbaPng, DECODE_IMAGE_KEYS, type DecodeImageOptions, type ImageEncodeOptions, type RgbaImage } from './image.js';

/**
 * Reads a PNG or JPEG file into a float32 [C, H, W] tensor in [0, 1] (torchvision.io.read_image). Node only.
 * @example
 * ```ts
 * const img = readImage('data/cat.jpg', { mode: 'grey' });  // [1, H, W]
 * ```
 */
export function readImage(path: string, opts: DecodeImageOptions = {}): Tensor {
  checkKeys('readImage', opts, DECODE_IMAGE_KEYS);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`readImage: cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return decodeImage(bytes, opts);
  } catch (e) {
    throw new Error(`readImage: '${path}': ${(e as Error).message.replace(/^decodeImage: /, '')}`);
  }
}

/**
 * Writes a tensor as a PNG file (creating its folder); see ImageEncodeOptions for the normalisation.
 *  Async: the values are read with `await t.dataAsync()`, which every backend supports (a GPU's included). Node only. PyTorch: `torchvision.utils.save_image`.
 * @example
 * ```ts
 * await writeImage('out/edges.png', filter2d(img, 'sobel'));
 * ```
 */
export async function writeImage(path: string, t: Tensor, opts: ImageEncodeOptions = {}): Promise<void> {
  checkKeys('writeImage', opts, IMAGE_ENCODE_KEYS);
  if (!/\.png$/i.test(path)) throw new Error(`writeImage: only PNG output is supported, got '${path}'`);
  const bytes = encodePng(t, opts, t instanceof Tensor ? await t.dataAsync() : undefined);
  mkdirSync(dirname(path) || '.', { recursive: true });
  writeFileSync(path, bytes);
}

/**
 * Writes an RGBA raster (a figure: vis.featureMapFigure, kernelFigure, …) as a PNG file (creating its
 *  folder); grey, RGB or RGBA as encodeRgbaPng chooses. Node only. convnet's own.
 * @example
 * ```ts
 * writeRgbaPng('out/conv1.png', await vis.kernelFigure(conv1.weight));
 * ```
 */
export function writeRgbaPng(path: string, img: RgbaImage): void {
  noExtraArgs('writeRgbaPng', arguments, ['path', 'img']);
  if (!/\.png$/i.test(path)) throw new Error(`writeRgbaPng: only PNG output is supported, got '${path}'`);
  const bytes = encodeRgbaPng(img);
  mkdirSync(dirname(path) || '.', { recursive: true });
  writeFileSync(path, bytes);
}
