// core.ts — everything convnet offers that runs anywhere JavaScript does (no Node built-ins): tensors,
// autograd, ops, F, nn, optim, in-memory data, training, kernels, signals. src/index.ts (Node) and
// src/browser.ts (the browser bundle) both re-export this and add what is specific to each.

import './autograd/tape.js';
import './ops/methods.js';

export { Tensor } from './tensor/tensor.js';
export type { NestedArray, GradNode } from './tensor/tensor.js';
export type { DType } from './tensor/dtype.js';
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, rand, randn, randint,
} from './tensor/creation.js';
export type { TensorOptions, TensorLike } from './tensor/creation.js';
export { empty, emptyLike, randLike, randnLike, type RandintOptions, type SizeArgs } from './tensor/creation.js';
export { randperm, type RandpermOptions, type PermutationSource } from './tensor/creation.js';
export { manualSeed, getRngState, setRngState, type RngState } from './tensor/random.js';
export { setBackend, getBackend, listBackends, fallbackCounts, resetFallbackCounts } from './backend/backend.js';
export { setNumThreads, getNumThreads, wasmInfo, initWasmThreads, setWasmMemoryLimit } from './backend/wasm/index.js';
export { webgpuInfo, webgpuSync, webgpuTrim, useBestBackend, type WebgpuInfo } from './backend/webgpu/index.js';
export { noGrad, isGradEnabled, withGrad } from './autograd/tape.js';
export { gradcheck } from './autograd/gradcheck.js';
export type { GradcheckOptions } from './autograd/gradcheck.js';

export {
  add, sub, mul, div, pow, neg, exp, log, sqrt, abs, relu, sigmoid, tanh, sign, square, reciprocal, sin, cos,
  floor, ceil, round, maximum, minimum, clamp, where, eq, ne, lt, le, gt, ge, log1p, expm1, atan2, hypot,
} from './ops/elementwise.js';
export { erf } from './ops/elementwise.js';
export { sum, mean, amax, amin, max, min, argmax, argmin, variance as var, std, logSumExp, prod, bincount } from './ops/reduce.js';
export {
  reshape, flatten, squeeze, unsqueeze, permute, transpose, expand, clone, narrow, slice, select, cat, stack,
  split, chunk, flip, roll, indexSelect,
} from './ops/shape.js';
export { matmul, bmm } from './ops/matmul.js';
export { index, indexPut_, type Index, type IndexItem } from './ops/index.js';
export {
  gather, scatter, scatter_, scatterAdd, scatterAdd_, maskedFill, maskedFill_, sort, argsort, topk, cumsum, type SortResult,
} from './ops/gather.js';
export { einsum } from './ops/einsum.js';
export { softmax, logSoftmax } from './ops/activation.js';

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

// training (checkpoints, which write files, are in src/index.ts)
export { fit, evaluate } from './train/fit.js';
export { Progress } from './train/progress.js';
export { EarlyStopping } from './train/early-stopping.js';
export type { FitOptions, EvaluateOptions, EpochResult, EvalResult, BatchResult, TrainBatchResult } from './train/fit.js';
export type { ProgressOptions, ProgressStream } from './train/progress.js';
export type { EarlyStoppingOptions } from './train/early-stopping.js';
export * as models from './train/models.js';
export { summary } from './vis/summary.js';

// images as tensors, signals
export { kernels, filter2d } from './kernels.js';
export type { Filter2dOptions } from './kernels.js';
export * as fft from './signal/index.js';
export { Complex, complex } from './signal/fft.js';
export { setFftConvPolicy, getFftConvPolicy } from './ops/fft-conv.js';
