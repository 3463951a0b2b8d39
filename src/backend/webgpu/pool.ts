// backend/webgpu/pool.ts — maxPool, maxPoolGrad, avgPool, avgPoolGrad, pad and padGrad. (To be written.)

import type { Kernels } from '../backend.js';
import type { GpuRuntime } from './runtime.js';

export function poolKernels(rt: GpuRuntime): Partial<Kernels> {
  void rt;
  return {};
}
