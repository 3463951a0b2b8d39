// convnet — convolutional neural networks in TypeScript, with PyTorch's API in camelCase.
//
//   import { tensor, randn, nn, F, optim } from 'convnet';

import './backend/ref/index.js';
import './backend/wasm/index.js';
import './autograd/tape.js';
import './ops/methods.js';

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

// data, checkpoints and training (issue 3)
export {
  Dataset, TensorDataset, Subset, randomSplit, DataLoader, defaultCollate, MNIST, FashionMNIST, KMNIST,
  FASHION_MNIST_MEAN, FASHION_MNIST_STD, MNIST_MEAN, MNIST_STD, readIdx, parseIdx, encodeIdx, IdxFormatError, Generator,
} from './data/index.js';
export type { DataLoaderOptions, MNISTOptions, IdxData, Transform, SampleOp } from './data/index.js';
export * as data from './data/index.js';
export * as transforms from './data/transforms.js';
export * as safetensors from './io/safetensors.js';
export { writeFileAtomic } from './io/atomic.js';
export * as train from './train/index.js';
export { fit, evaluate, Progress, saveCheckpoint, loadCheckpoint } from './train/index.js';
export type { FitOptions, EpochResult, EvalResult } from './train/index.js';
export * as models from './train/models.js';

// issue 4: images, kernels, visualisation, signals
export { kernels, filter2d } from './kernels.js';
export type { Filter2dOptions } from './kernels.js';
export { decodeImage, encodePng, toRgba, rgbToGrey, fromRgba, upscale } from './io/image.js';
export type { ImageReadMode, ImageEncodeOptions, DecodeImageOptions, RgbaImage, ColorMap } from './io/image.js';
export { readImage, writeImage } from './io/image-file.js';
export * as vis from './vis/index.js';
export * as fft from './signal/index.js';
export { Complex, complex } from './signal/fft.js';
export { setFftConvPolicy, getFftConvPolicy } from './ops/fft-conv.js';
