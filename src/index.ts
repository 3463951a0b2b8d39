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
export { setNumThreads, getNumThreads, wasmInfo } from './backend/wasm/index.js';
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
