// convnet for the browser — core.ts (the same API as src/index.ts, less what needs Node's built-in
// modules) and a vis namespace without the image codecs.
//
//   import { tensor, nn, F, optim, setBackend } from 'convnet-ts/browser';
//
// Left out, because they import node:fs, node:path, node:zlib or node:crypto at top level, or the codecs
// pngjs/jpeg-js, which need Node's zlib, stream and Buffer: the file readers (MNIST, readIdx/parseIdx),
// checkpoints (saveCheckpoint/loadCheckpoint), safetensors' file functions and its synchronous
// deserialize, writeFileAtomic, readImage/writeImage, decodeImage/encodePng. In their place the browser
// has safetensors' format with an async, WebCrypto-checked reader (safetensors.deserializeAsync), saving
// to IndexedDB or a download and loading from IndexedDB, a URL or a File (io/safetensors-web.ts), and
// images through the browser's canvas and decoder (fromPixels, toCanvas, decodeImageBlob:
// io/image-web.ts). scripts/build-browser.mjs bundles this file for platform 'browser', so an import of a
// Node built-in added here later fails the build rather than the page.
//
// In the browser the wasm backend runs on one thread until `await initWasmThreads(n)` has started its Web
// Workers, which needs a cross-origin-isolated page (COOP same-origin, COEP require-corp: shared memory);
// elsewhere it resolves to 1 and the backend stays on one thread. fit() and evaluate() run in a page and
// in a Web Worker: they yield to the event loop between batches (a MessageChannel message, so frames,
// input and a worker's messages get through), take onBatch/onEpoch and an AbortSignal, and show no
// progress unless given { progress: { onLine } } or a stream: there is no process.stderr here.

/**
 * convnet for the browser (`import … from 'convnet-ts/browser'`): the same API as `convnet-ts` less what
 * needs Node's built-in modules, plus safetensors in IndexedDB, downloads, URLs and Files, and images
 * through the browser's canvas and decoder (fromPixels, toCanvas, decodeImageBlob).
 * @example
 * ```ts
 * import { tensor, nn, F, optim, setBackend } from 'convnet-ts/browser';
 * ```
 * @module convnet-ts/browser
 */

export * from './core.js';

// safetensors: the format as bytes (serialize, deserializeAsync, …), and models saved in and loaded into
// the page; the files are the same as Node's.
/** The safetensors format as bytes: serialize, and deserializeAsync (the reader with WebCrypto's SHA-256). */
export * as safetensors from './io/safetensors-format.js';
export type { SafetensorsContents, TensorMap } from './io/safetensors-format.js';
export {
  saveToIndexedDb, loadFromIndexedDb, listIndexedDb, deleteFromIndexedDb, downloadSafetensors, loadSafetensorsUrl,
  loadSafetensorsFile,
} from './io/safetensors-web.js';

// images: tensors from and to pixels, the browser's decoder, RGBA rasters
export { fromPixels, toCanvas, toImageData, decodeImageBlob } from './io/image-web.js';
export type { PixelSource, FromPixelsOptions, DecodeImageBlobOptions } from './io/image-web.js';
export { fromRgba, toRgba } from './io/raster.js';
// ImageFolder over the files a user picks (<input type="file" webkitdirectory>), decoded by the browser
export { WebImageFolder as ImageFolder } from './data/folder-web.js';
export type { ImageFolderOptions } from './data/folder-base.js';
export type { ImageEncodeOptions, RgbaImage } from './io/raster.js';

// vis as in Node: grids of feature maps and kernels, activation hooks, the padding demo, figures (an RGBA
// raster: put its data in an ImageData), their text, the colour maps, toRgba.
import * as visGrid from './vis/grid.js';
import * as visHooks from './vis/hooks.js';
import * as visPadding from './vis/padding.js';
import * as visAnnotate from './vis/annotate.js';
import * as visText from './vis/text.js';
import { colorAt } from './io/colormap.js';
import { toRgba } from './io/raster.js';
/**
 * `vis` in the browser build: the same functions as Node's `vis` namespace (grids, activation capture, the
 * padding demo, figures, the bitmap font, colour maps, `toRgba`). convnet's own (PyTorch's nearest is
 * `torchvision.utils.make_grid`).
 * @example
 * ```ts
 * const fig = await vis.featureMapFigure(maps, { title: 'conv1' });
 * ctx.putImageData(new ImageData(new Uint8ClampedArray(fig.data), fig.width, fig.height), 0, 0);
 * ```
 */
export const vis = Object.freeze({
  ...visGrid, ...visHooks, ...visPadding, ...visAnnotate, ...visText,
  /** The RGB colour (0…255 each) of a value u ∈ [0, 1] under a colour map. */
  colorAt,
  /** Renders a tensor as an 8-bit RGBA raster (see the top-level {@link toRgba}). */
  toRgba,
});
