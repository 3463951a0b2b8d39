// convnet for the browser — the same API as src/index.ts, less what needs Node's built-in modules.
//
//   import { tensor, nn, F, optim, setBackend } from 'convnet/browser';
//
// Left out, because they import node:fs, node:path, node:zlib or node:crypto at top level, or the codecs
// pngjs/jpeg-js, which need Node's zlib, stream and Buffer: the file readers (MNIST, readIdx/parseIdx),
// checkpoints, safetensors, writeFileAtomic, readImage/writeImage, decodeImage/encodePng and — because they
// live in io/image.ts beside the codecs — toRgba/colorAt. scripts/build-browser.mjs bundles this file for
// platform 'browser', so an import of a Node built-in added here later fails the build rather than the page.
//
// In the browser the wasm backend runs on one thread until `await initWasmThreads(n)` has started its Web
// Workers, which needs a cross-origin-isolated page (COOP same-origin, COEP require-corp: shared memory);
// elsewhere it resolves to 1 and the backend stays on one thread. fit() draws its progress on
// process.stderr by default: pass { progress: false } or a Progress with a stream of your own.

import './backend/ref/index.js';
import './backend/wasm/index.js';
import './autograd/tape.js';
import './ops/methods.js';
import './ops/fft-conv.js'; // registers conv2d's FFT path, as src/index.ts does through its exports

export { Tensor } from './tensor/tensor.js';
export type { NestedArray, GradNode } from './tensor/tensor.js';
export type { DType } from './backend/backend.js';
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, rand, randn, randint,
} from './tensor/creation.js';
export type { TensorOptions, TensorLike } from './tensor/creation.js';
export { manualSeed, randperm } from './tensor/random.js';
export { setBackend, getBackend, listBackends } from './backend/backend.js';
export { setNumThreads, getNumThreads, wasmInfo, initWasmThreads } from './backend/wasm/index.js';
export { noGrad, isGradEnabled, withGrad } from './autograd/tape.js';
export { gradcheck } from './autograd/gradcheck.js';
export type { GradcheckOptions } from './autograd/gradcheck.js';

export {
  add, sub, mul, div, pow, neg, exp, log, sqrt, abs, relu, sigmoid, tanh, sign, square, reciprocal, sin, cos,
  floor, ceil, round, maximum, minimum, clamp, where, eq, ne, lt, le, gt, ge,
} from './ops/elementwise.js';
export { sum, mean, amax, amin, max, min, argmax, argmin, variance as var, std, logSumExp, prod } from './ops/reduce.js';
export {
  reshape, flatten, squeeze, unsqueeze, permute, transpose, expand, clone, narrow, slice, select, cat, stack,
  split, chunk, flip,
} from './ops/shape.js';
export { matmul, bmm } from './ops/matmul.js';

export * as F from './nn/functional.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';

// data: the in-memory parts (datasets over tensors, the DataLoader, transforms)
export { Dataset, TensorDataset, Subset, randomSplit } from './data/dataset.js';
export { DataLoader, defaultCollate } from './data/dataloader.js';
export { Generator } from './data/rng.js';
export type { DataLoaderOptions } from './data/dataloader.js';
export type { Transform, SampleOp } from './data/transforms.js';
export * as transforms from './data/transforms.js';

// training without checkpoints
export { fit, evaluate } from './train/fit.js';
export { Progress } from './train/progress.js';
export type { FitOptions, EpochResult, EvalResult } from './train/fit.js';
export * as models from './train/models.js';

export { kernels, filter2d } from './kernels.js';
export type { Filter2dOptions } from './kernels.js';
// vis without toRgba/colorAt (see the top of this file): grids of feature maps and kernels, activation hooks,
// the padding demo.
import * as visGrid from './vis/grid.js';
import * as visHooks from './vis/hooks.js';
import * as visPadding from './vis/padding.js';
export const vis = Object.freeze({ ...visGrid, ...visHooks, ...visPadding });
export * as fft from './signal/index.js';
export { Complex, complex } from './signal/fft.js';
export { setFftConvPolicy, getFftConvPolicy } from './ops/fft-conv.js';
