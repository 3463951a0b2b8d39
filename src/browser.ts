// convnet for the browser — core.ts (the same API as src/index.ts, less what needs Node's built-in
// modules) and a vis namespace without the image codecs.
//
//   import { tensor, nn, F, optim, setBackend } from 'convnet-ts/browser';
//
// Left out, because they import node:fs, node:path, node:zlib or node:crypto at top level, or the codecs
// pngjs/jpeg-js, which need Node's zlib, stream and Buffer: the file readers (MNIST, readIdx/parseIdx),
// checkpoints, safetensors, writeFileAtomic, readImage/writeImage, decodeImage/encodePng and — because it
// lives in io/image.ts beside the codecs — toRgba. scripts/build-browser.mjs bundles this file for
// platform 'browser', so an import of a Node built-in added here later fails the build rather than the page.
//
// In the browser the wasm backend runs on one thread until `await initWasmThreads(n)` has started its Web
// Workers, which needs a cross-origin-isolated page (COOP same-origin, COEP require-corp: shared memory);
// elsewhere it resolves to 1 and the backend stays on one thread. fit() draws its progress on
// process.stderr by default: pass { progress: false } or a Progress with a stream of your own.

export * from './core.js';

// vis without toRgba (see the top of this file): grids of feature maps and kernels, activation hooks,
// the padding demo, figures (an RGBA raster: put its data in an ImageData), their text, the colour maps.
import * as visGrid from './vis/grid.js';
import * as visHooks from './vis/hooks.js';
import * as visPadding from './vis/padding.js';
import * as visAnnotate from './vis/annotate.js';
import * as visText from './vis/text.js';
import { colorAt } from './io/colormap.js';
export const vis = Object.freeze({ ...visGrid, ...visHooks, ...visPadding, ...visAnnotate, ...visText, colorAt });
