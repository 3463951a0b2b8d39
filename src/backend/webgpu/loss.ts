// backend/webgpu/loss.ts — findInvalidClass, classLoss, classLossGrad, crossEntropyProb(Grad), mseLoss(Grad), bceWithLogits(Grad). (To be written.)

import type { Kernels } from '../backend.js';
import type { GpuRuntime } from './runtime.js';

export function lossKernels(rt: GpuRuntime): Partial<Kernels> {
  void rt;
  return {};
}
