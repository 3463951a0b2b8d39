// backend/wasm — the WebAssembly backend: tensor data resident in one WebAssembly memory (memory.ts),
// AssemblyScript kernels (assembly/, built by `npm run build:wasm` into kernels.generated.ts) with f32x4
// SIMD, relaxed-SIMD FMA where the runtime has it, and worker threads over the shared memory.
//
// The compiled kernels cover float32 convolution, matmul, pooling, the common elementwise maps and
// reductions, and the optimizer steps. Every other kernel (and float64 / int32 data) runs as the JavaScript loops of backend/ref
// over views of the same memory (array-kernels.ts): nothing is copied in or out, and nothing goes through
// the fallback path. This backend is tested against ref (test/wasm-backend.test.ts and every op test).

import type { BackendImpl, Kernels } from '../backend.js';
import { KERNEL_NAMES, registerBackend } from '../backend.js';
import { Storage } from '../storage.js';
import { arrayKernels } from '../array-kernels.js';
import { convKernels } from './conv.js';
import { matmulKernel } from './matmul.js';
import { poolKernels } from './pool.js';
import { optimKernels } from './optim.js';
import { elementwiseKernels } from './elementwise.js';
import { rt } from './runtime.js';
import { MAX_PAGES } from './heap.js';
import { mem, type MemoryStats } from './memory.js';
import { noExtraArgs } from '../../tensor/keys.js';

/** Every kernel call: a new tick, and its storage arguments resident and stamped (so that allocations
 *  during the call never spill them, and views are taken only after the memory has grown). */
function prepared<F extends (...args: never[]) => unknown>(f: F): F {
  const m = mem();
  const touch = (v: unknown): void => {
    if (v instanceof Storage) m.touch(v);
    else if (Array.isArray(v)) for (const x of v) touch(x);
  };
  return ((...args: never[]) => {
    m.tick++;
    for (const a of args) touch(a);
    return f(...args);
  }) as F;
}

function createWasmBackend(): BackendImpl {
  const m = mem();
  const js = arrayKernels({ alloc: (dtype, size) => m.alloc(dtype, size), view: (s) => m.view(s) });
  const kernels: Kernels = {
    ...js,
    ...elementwiseKernels(js),
    ...matmulKernel(js),
    ...convKernels(js),
    ...poolKernels(js),
    ...optimKernels(js),
  };
  const impl: Record<string, unknown> = {
    name: 'wasm',
    maxBytes: MAX_PAGES * 65536, // the WebAssembly memory's 2 GiB
    alloc: (dtype: Storage['dtype'], size: number) => m.alloc(dtype, size),
    attach: (s: Storage, values: Parameters<typeof m.attach>[1]) => m.attach(s, values),
    free: (s: Storage) => m.free(s),
    write: (s: Storage, values: ArrayLike<number>) => m.write(s, values),
    readSync: (s: Storage) => m.readSync(s),
    read: (s: Storage) => Promise.resolve(m.readSync(s)),
  };
  for (const name of KERNEL_NAMES) impl[name] = prepared(kernels[name] as (...args: never[]) => unknown);
  const backend = impl as unknown as BackendImpl;
  m.backend = backend;
  return backend;
}

let instance: BackendImpl | null = null;

/**
 * Sets the number of threads the wasm kernels use (default: os.availableParallelism() in Node; 1 without
 * SharedArrayBuffer). PyTorch: `torch.set_num_threads`.
 * @example
 * ```ts
 * setNumThreads(1);  // deterministic timing on a shared machine
 * ```
 */
export function setNumThreads(n: number, ...extra: never[]): void {
  noExtraArgs('setNumThreads', [n, ...extra], ['n']);
  rt().setNumThreads(n);
}
/**
 * The number of threads the wasm kernels use. PyTorch: `torch.get_num_threads`.
 * @example
 * ```ts
 * setNumThreads(2);
 * getNumThreads();  // 2
 * ```
 */
export function getNumThreads(): number { return rt().numThreads; }

/**
 * What the wasm runtime picked (relaxed-SIMD FMA, shared memory, threads) and where its memory stands
 * (the heap, the resident bytes, how often data was moved out and back, the soft limit). convnet's own (PyTorch's nearest: `torch.cuda.memory_stats`).
 * @example
 * ```ts
 * const { threads, relaxedSimd } = wasmInfo();
 * ```
 */
export function wasmInfo(): { relaxedSimd: boolean; sharedMemory: boolean; threads: number } & MemoryStats {
  const r = rt();
  return { relaxedSimd: r.relaxed, sharedMemory: r.shared, threads: r.numThreads, ...mem().stats() };
}

/**
 * Memory the wasm heap may use before it moves the longest-unused tensor data out to JS memory (which the
 * garbage collector frees synchronously). Default 512 MiB; it rises by itself when live data had to be
 * moved out. convnet's own.
 * @example
 * ```ts
 * setWasmMemoryLimit(1024 * 2 ** 20);  // 1 GiB
 * ```
 */
export function setWasmMemoryLimit(bytes: number, ...extra: never[]): void {
  noExtraArgs('setWasmMemoryLimit', [bytes, ...extra], ['bytes']);
  if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`setWasmMemoryLimit: expected a non-negative number of bytes, got ${bytes}`);
  rt().heap.softLimit = bytes;
}

export { initWasmThreads } from './web-threads.js';

/** Stops the worker threads now (optional: they never keep the process alive). */
export function closeWasm(): void { rt().close(); }

registerBackend('wasm', () => {
  if (!instance) instance = createWasmBackend();
  return instance;
});
