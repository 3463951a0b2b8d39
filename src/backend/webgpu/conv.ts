// backend/webgpu/conv.ts — conv2d, conv2dGradInput, conv2dGradWeight and matmul. (To be written.)

import type { Kernels } from '../backend.js';
import type { GpuRuntime } from './runtime.js';

export function convKernels(rt: GpuRuntime): Partial<Kernels> {
  void rt;
  return {};
}
