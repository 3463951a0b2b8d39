// backend/webgpu/optim.ts — sgdStep and adamStep. (To be written.)

import type { Kernels } from '../backend.js';
import type { GpuRuntime } from './runtime.js';

export function optimKernels(rt: GpuRuntime): Partial<Kernels> {
  void rt;
  return {};
}
