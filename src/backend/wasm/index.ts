// backend/wasm — the WebAssembly backend: AssemblyScript kernels (assembly/, built by `npm run build:wasm`
// into kernels.generated.ts), f32x4 SIMD, relaxed-SIMD FMA where the runtime has it, and worker threads
// over one shared memory. Float32 only: float64 work (gradcheck) and the kernels listed as `ref` below
// run on the reference backend, which this backend is tested against (test/wasm-backend.test.ts).

import type { Backend } from '../backend.js';
import { registerBackend } from '../backend.js';
import { refBackend } from '../ref/index.js';
import { conv2d, conv2dGradInput, conv2dGradWeight } from './conv.js';
import { matmul } from './matmul.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad } from './pool.js';
import { binary, reduce, unary } from './elementwise.js';
import { rt } from './runtime.js';

export const wasmBackend: Backend = {
  name: 'wasm',
  unary, binary, reduce,
  // Pure data movement: one pass in JS is as fast as copying into the heap would be.
  argReduce: refBackend.argReduce, permute: refBackend.permute, expand: refBackend.expand, where: refBackend.where,
  pad: refBackend.pad, padGrad: refBackend.padGrad,
  matmul,
  conv2d, conv2dGradInput, conv2dGradWeight,
  maxPool, maxPoolGrad, avgPool, avgPoolGrad,
};

/** Threads the wasm kernels use (default: os.availableParallelism() in Node; 1 without SharedArrayBuffer). */
export function setNumThreads(n: number): void { rt().setNumThreads(n); }
export function getNumThreads(): number { return rt().numThreads; }

/** What the runtime picked: relaxed-SIMD FMA in use, shared memory (threads possible), heap bytes. */
export function wasmInfo(): { relaxedSimd: boolean; sharedMemory: boolean; threads: number; heapBytes: number } {
  const r = rt();
  return { relaxedSimd: r.relaxed, sharedMemory: r.shared, threads: r.numThreads, heapBytes: r.heapBytes };
}

export { initWasmThreads } from './web-threads.js';

/** Stops the worker threads now (optional: they never keep the process alive). */
export function closeWasm(): void { rt().close(); }

registerBackend('wasm', () => { rt(); return wasmBackend; });
