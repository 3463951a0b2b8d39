// backend/webgpu — the GPU backend: tensor data in GPU buffers (runtime.ts), WGSL compute shaders for every
// kernel of the interface, one file per op family beside the ref loops they mirror. The same shaders run
// in Node (Dawn, through the npm package `webgpu`) and in browsers (navigator.gpu); see gpu.ts for how the
// device is found, and runtime.ts for how data and work move.
//
// Starting is asynchronous (`await setBackend('webgpu')`). The default backend stays the fastest CPU one;
// `await useBestBackend()` moves to webgpu only where the adapter is a real GPU.

import type { BackendImpl, Kernels } from '../backend.js';
import { KERNEL_NAMES, registerBackend, setBackend, getBackend } from '../backend.js';
import type { Storage } from '../storage.js';
import type { DataArray, DType } from '../../tensor/dtype.js';
import { gpuContext, mayHaveGpu, type GpuContext } from './gpu.js';
import { GpuRuntime, type RuntimeStats } from './runtime.js';
import { elementwiseKernels } from './elementwise.js';
import { convKernels } from './conv.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { activationKernels } from './activation.js';
import { lossKernels } from './loss.js';
import { optimKernels } from './optim.js';
import { fftKernels } from './fft.js';
import { indexKernels } from './index-ops.js';

let runtime: GpuRuntime | null = null;

async function createWebgpuBackend(): Promise<BackendImpl> {
  const ctx = await gpuContext();
  const rt = new GpuRuntime(ctx);
  const kernels: Partial<Kernels> = {
    ...elementwiseKernels(rt),
    ...convKernels(rt),
    ...poolKernels(rt),
    ...reduceKernels(rt),
    ...activationKernels(rt),
    ...lossKernels(rt),
    ...optimKernels(rt),
    ...fftKernels(rt),
    ...indexKernels(rt),
  };
  const impl: Record<string, unknown> = {
    name: 'webgpu',
    maxBytes: Math.min(ctx.device.limits.maxStorageBufferBindingSize, ctx.device.limits.maxBufferSize),
    alloc: (dtype: DType, size: number) => rt.alloc(dtype, size),
    attach: (s: Storage, values: DataArray) => rt.attach(s, values),
    free: (s: Storage) => rt.free(s),
    write: (s: Storage, values: ArrayLike<number>) => rt.write(s, values),
    readSync: (s: Storage) => rt.readSync(s),
    read: (s: Storage) => rt.read(s),
  };
  for (const name of KERNEL_NAMES) if (kernels[name]) impl[name] = kernels[name];
  const backend = impl as unknown as BackendImpl;
  rt.backend = backend;
  runtime = rt;
  return backend;
}

registerBackend('webgpu', createWebgpuBackend);

/**
 * What {@link webgpuInfo} reports: the adapter's description, whether it is a software renderer, the route
 * to it, whether subgroups are available, and the runtime's memory statistics. convnet's own (PyTorch's
 * nearest is `torch.cuda.get_device_properties`).
 * @example
 * ```ts
 * await setBackend('webgpu');
 * const info: WebgpuInfo | null = webgpuInfo();
 * ```
 */
export interface WebgpuInfo extends RuntimeStats {
  /** The adapter ('NVIDIA …', 'llvmpipe …', 'SwiftShader …'). */
  adapter: string;
  /** A CPU implementation of WebGPU rather than a GPU. */
  software: boolean;
  route: string;
  subgroups: boolean;
}

/** The runtime, once started (for tests and benchmarks that look inside; not part of the public API). */
export function webgpuRuntime(): GpuRuntime | null {
  return runtime;
}

/**
 * The adapter the webgpu backend runs on and where its memory stands; null before it has started.
 * convnet's own (PyTorch's nearest: `torch.cuda.get_device_properties`).
 * @example
 * ```ts
 * await setBackend('webgpu');
 * webgpuInfo()?.adapter;  // e.g. 'NVIDIA …'
 * ```
 */
export function webgpuInfo(): WebgpuInfo | null {
  if (!runtime) return null;
  const c: GpuContext = runtime.ctx;
  return { adapter: c.description, software: c.software, route: c.route, subgroups: c.subgroups, ...runtime.stats() };
}

/**
 * Resolves when the GPU has finished all work recorded so far (for timing; reads wait by themselves).
 * PyTorch: `torch.cuda.synchronize`.
 * @example
 * ```ts
 * const t0 = performance.now();
 * model(x);
 * await webgpuSync();
 * console.log(performance.now() - t0, 'ms');
 * ```
 */
export async function webgpuSync(): Promise<void> {
  await runtime?.sync();
}

/**
 * Returns the pooled GPU buffers to the device (live tensors keep theirs). PyTorch: `torch.cuda.empty_cache`.
 * @example
 * ```ts
 * webgpuTrim();
 * ```
 */
export function webgpuTrim(): void {
  runtime?.trim();
}

/**
 * Selects webgpu when it starts here on a real GPU adapter (not a software one such as llvmpipe or
 * SwiftShader), and otherwise keeps the current backend (the fastest CPU one by default). Returns the
 * backend now active. convnet's own (PyTorch: `'cuda' if torch.cuda.is_available() else 'cpu'`).
 * @example
 * ```ts
 * const name = await useBestBackend();  // 'webgpu' or 'wasm'
 * ```
 */
export async function useBestBackend(): Promise<string> {
  if (mayHaveGpu()) {
    try {
      const c = await gpuContext();
      if (!c.software) await setBackend('webgpu');
    } catch {
      // no WebGPU here: stay on the CPU
    }
  }
  return getBackend();
}
