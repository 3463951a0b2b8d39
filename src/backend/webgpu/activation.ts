// backend/webgpu/activation.ts — softmax, softmaxGrad, leakyRelu, leakyReluGrad, dropout, batchNorm, batchNormGrad. (To be written.)

import type { Kernels } from '../backend.js';
import type { GpuRuntime } from './runtime.js';

export function activationKernels(rt: GpuRuntime): Partial<Kernels> {
  void rt;
  return {};
}
