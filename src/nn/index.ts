// nn — layers, containers and initialisation, named as in torch.nn.

/**
 * `nn`: layers as modules that own their parameters (convolution, linear, batch norm, pooling,
 * activations, dropout, losses), the containers `Sequential` and `ModuleList`, the `Module` base class
 * and `nn.init`. PyTorch: `torch.nn`.
 * @example
 * ```ts
 * import { nn } from 'convnet-ts';
 * const model = new nn.Sequential(new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8 * 26 * 26, 10));
 * ```
 * @module
 */

export { Module } from './module.js';
export type { ForwardHook, HookHandle } from './module.js';
export { Parameter } from './parameter.js';
export { Conv1d, Conv2d } from './conv.js';
export type { ConvLayerOptions } from './conv.js';
export * as init from './init.js';
export * as functional from './functional.js';
export { Linear, Identity } from './linear.js';
export { Embedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export type { LinearOptions } from './linear.js';
export { Flatten } from './flatten.js';
export { ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax } from './activation.js';
export { ELU, GELU, SiLU, Mish, Hardswish, Softplus, PReLU } from './activation.js';
export { Dropout } from './dropout.js';
export { BatchNorm1d, BatchNorm2d } from './batchnorm.js';
export type { BatchNormLayerOptions } from './batchnorm.js';
export {
  MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,
} from './pooling.js';
export type { MaxPoolLayerOptions, AvgPoolLayerOptions } from './pooling.js';
export { Sequential, ModuleList } from './container.js';
export { MSELoss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss } from './loss.js';
// the layers CNN tutorials use (issue 14)
export {
  ZeroPad1d, ZeroPad2d, ZeroPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d, CircularPad3d,
} from './padding.js';
export type { PadSize } from './padding.js';
export { ConvTranspose1d, ConvTranspose2d } from './conv-transpose.js';
export type { ConvTransposeLayerOptions } from './conv-transpose.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './upsample.js';
export type { UpsampleOptions } from './upsample.js';
export { LayerNorm, GroupNorm, InstanceNorm1d, InstanceNorm2d } from './normalization.js';
export type { LayerNormLayerOptions, GroupNormLayerOptions, InstanceNormLayerOptions } from './normalization.js';
export { Dropout1d, Dropout2d } from './dropout.js';
export { BCELoss, L1Loss, SmoothL1Loss, HuberLoss, KLDivLoss } from './loss.js';
export * as utils from './utils.js';
