// backend/webgpu/reduce.ts — reduce, argReduce, prodGrad, and the data movers permute, expand, cat, flip, indexSelect, indexSelectGrad, oneHot, bincount. (To be written.)

import type { Kernels } from '../backend.js';
import type { GpuRuntime } from './runtime.js';

export function reduceKernels(rt: GpuRuntime): Partial<Kernels> {
  void rt;
  return {};
}
