// backend/webgpu/fft.ts — fft, fftConv2d, fftConv2dGradInput, fftConv2dGradWeight. (To be written.)

import type { Kernels } from '../backend.js';
import type { GpuRuntime } from './runtime.js';

export function fftKernels(rt: GpuRuntime): Partial<Kernels> {
  void rt;
  return {};
}
