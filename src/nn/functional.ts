// nn/functional.ts — `F`, as torch.nn.functional: the stateless forms of every layer.

/**
 * `F`: the stateless forms of the layers — convolution, padding, pooling, activations, dropout, batch
 * normalisation and the losses — as functions of tensors. Every one is differentiable with respect to
 * every tensor input. PyTorch: `torch.nn.functional`.
 * @example
 * ```ts
 * import { F, randn } from 'convnet-ts';
 * const y = F.maxPool2d(F.relu(F.conv2d(x, w, b, { padding: 1 })), 2);
 * const loss = F.crossEntropy(logits, labels);
 * ```
 * @module
 */

export { conv1d, conv2d, corr2d, convolve2d } from '../ops/conv.js';
export type { ConvOptions, ConvPadding, PaddingMode, Convolve2dOptions, ConvCallArgs } from '../ops/conv.js';
export { pad } from '../ops/pad.js';
export type { PadOptions } from '../ops/pad.js';
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d,
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d,
} from '../ops/pool.js';
export type { MaxPoolOptions, AvgPoolOptions, MaxPoolArgs, MaxPoolIndicesArgs, AvgPoolArgs } from '../ops/pool.js';
export { sigmoid, tanh } from '../ops/elementwise.js';
export { relu } from '../ops/activation.js';
export { linear } from '../ops/linear.js';
export { softmax, logSoftmax, leakyRelu } from '../ops/activation.js';
export { elu, gelu, silu, mish, hardswish, softplus, prelu } from '../ops/activation.js';
export { erf } from '../ops/elementwise.js';
export { dropout } from '../ops/dropout.js';
export type { DropoutOptions } from '../ops/dropout.js';
export { batchNorm } from '../ops/norm.js';
export type { BatchNormOptions, BatchNormArgs, BatchNormTensors } from '../ops/norm.js';
export { crossEntropy, nllLoss, mseLoss, binaryCrossEntropyWithLogits, oneHot } from '../ops/loss.js';
export { embedding } from '../ops/gather.js';
export { binaryCrossEntropy, l1Loss, smoothL1Loss, huberLoss, klDiv } from '../ops/loss.js';
export type { CrossEntropyOptions, NllLossOptions, LossOptions, BceWithLogitsOptions, Reduction } from '../ops/loss.js';
export type { CrossEntropyArgs, NllLossArgs, MseLossArgs, BceWithLogitsArgs } from '../ops/loss.js';
export type { SoftmaxArgs } from '../ops/activation.js';
// signals and the convolution theorem
export { convolve1d } from '../signal/convolve.js';
export type { Convolve1dOptions } from '../signal/convolve.js';
export { fftConv2d } from '../ops/conv.js';
// the layers CNN tutorials use (issue 14): transposed convolution, resizing, normalisation, channel dropout
export { convTranspose1d, convTranspose2d } from '../ops/conv-transpose.js';
export type { ConvTransposeOptions } from '../ops/conv-transpose.js';
export { interpolate } from '../ops/interpolate.js';
export type { InterpolateOptions, InterpolateMode } from '../ops/interpolate.js';
export { layerNorm, groupNorm, instanceNorm } from '../ops/norm.js';
export type { LayerNormOptions, GroupNormOptions, InstanceNormOptions } from '../ops/norm.js';
export { dropout1d, dropout2d } from '../ops/dropout.js';
export type { ChannelDropoutOptions } from '../ops/dropout.js';
