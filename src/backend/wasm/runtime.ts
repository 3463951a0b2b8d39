// backend/wasm/runtime.ts — loads kernels.wasm once, owns its memory (heap.ts allocates in it; tensor
// data lives there between kernel calls, see memory.ts), and runs kernels on the thread pool.
//
// Which binary: with SharedArrayBuffer (Node; cross-origin-isolated pages) the shared-memory build,
// with relaxed-SIMD FMA if WebAssembly.validate accepts that build (newer V8 has it by default; on
// Node 20 see allowRelaxedSimd below); otherwise the unshared build on one thread.
// Compilation is synchronous (new WebAssembly.Module) so setBackend('wasm') stays synchronous. Node
// allows it for any size; Chromium (checked in 156) on a page's main thread up to 8 MiB (8,388,608 bytes;
// larger throws a RangeError) and in workers for any size. The kernels are about 21 KiB.
//
// Threads: in Node the pool starts synchronously on the first multi-threaded run. In a browser Web Workers
// only start once the page returns to its event loop, so only a pool that initWasmThreads (web-threads.ts)
// has started and seen ready is used; until then, and without one, the backend runs on one thread.

import { KERNELS_RELAXED, KERNELS_SIMD, KERNELS_SINGLE } from './kernels.generated.js';
import { Pool, nodeThreads } from './threads.js';
import { Heap, MAX_PAGES } from './heap.js';
import { envVar, nodeBuiltin } from '../env.js';

/** The exports of assembly/index.ts; every pointer and size is an i32 byte offset/count. */
export interface Kernels {
  heapBase(): number;
  [name: string]: (...args: number[]) => number;
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const B = (globalThis as { Buffer?: { from(s: string, e: string): Uint8Array } }).Buffer;
  if (B) return new Uint8Array(B.from(b64, 'base64'));
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** glibc's malloc serves blocks over its mmap threshold (128 KiB at start) with fresh mmap'd pages and
 *  unmaps them on free, so every large JS typed array (a value read out, data spilled to JS memory)
 *  would pay the first-touch cost again (11–16 µs per 4 KiB on this project's machines). glibc raises
 *  the threshold (up to 32 MiB) to the size of any mmap'd block that is freed, after which such blocks
 *  come from the heap and are reused: allocating and dropping one 31 MiB ArrayBuffer (never touched, so
 *  it costs nothing) has the GC free it within the next few calls. The same as running with
 *  MALLOC_MMAP_THRESHOLD_=32505856; harmless elsewhere (other allocators, browsers). */
function raiseMallocMmapThreshold(): void {
  if (typeof (globalThis as { process?: unknown }).process === 'object') void new ArrayBuffer(31 << 20);
}

/** Node 20's V8 has relaxed SIMD (fused multiply-add: about a quarter faster convolutions here) but
 *  only behind --experimental-wasm-relaxed-simd. V8 reads that flag when it validates or compiles a
 *  module, so setting it before compiling ours switches it on for this process; newer runtimes have it
 *  on already. Whether it took is then checked with WebAssembly.validate, and the plain SIMD build runs
 *  otherwise. CONVNET_RELAXED_SIMD=0 leaves the flag alone. */
function allowRelaxedSimd(): void {
  if (envVar('CONVNET_RELAXED_SIMD') === '0') return;
  nodeBuiltin<{ setFlagsFromString?: (flags: string) => void }>('node:v8')?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
}

/** Memory the heap may use before it moves idle tensor data out to JS memory (memory.ts). */
const DEFAULT_SOFT_LIMIT = 512 * 2 ** 20;

export class Runtime {
  readonly memory: WebAssembly.Memory;
  readonly exports: Kernels;
  readonly relaxed: boolean;
  readonly shared: boolean;
  readonly module: WebAssembly.Module;
  readonly heap: Heap;
  private pool: Pool | null = null;
  private threads: number;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private f64View: Float64Array;

  constructor() {
    this.shared = typeof SharedArrayBuffer !== 'undefined' &&
      ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? true);
    let bytes: Uint8Array<ArrayBuffer>;
    this.relaxed = false;
    if (this.shared) {
      const relaxedBytes = decode(KERNELS_RELAXED);
      this.relaxed = WebAssembly.validate(relaxedBytes);
      if (!this.relaxed) { allowRelaxedSimd(); this.relaxed = WebAssembly.validate(relaxedBytes); }
      bytes = this.relaxed ? relaxedBytes : decode(KERNELS_SIMD);
    } else {
      bytes = decode(KERNELS_SINGLE);
    }
    this.module = new WebAssembly.Module(bytes);
    this.memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: this.shared });
    this.exports = new WebAssembly.Instance(this.module, { env: { memory: this.memory } }).exports as unknown as Kernels;
    this.heap = new Heap(this.memory, this.exports.heapBase(), DEFAULT_SOFT_LIMIT);
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
    this.f64View = new Float64Array(this.memory.buffer);
    this.threads = this.shared ? nodeThreads.available : 1;
    raiseMallocMmapThreshold();
  }

  // ---- threads ----------------------------------------------------------------------------------

  get numThreads(): number { return this.threads; }

  setNumThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected a positive integer, got ${n}`);
    // Browser: never starts a pool (initWasmThreads does), only chooses up to the threads of the one it has.
    if (!nodeThreads.Worker) { this.threads = Math.min(n, this.poolThreads); return; }
    const max = this.shared && nodeThreads.Worker ? n : 1;
    if (max !== this.threads) { this.pool?.close(); this.pool = null; }
    this.threads = max;
  }

  /** Threads the current pool has room for (its workers and the caller); 1 without a pool. */
  get poolThreads(): number { return this.pool ? this.pool.size + 1 : 1; }

  /** Uses a pool started elsewhere (in a browser, by initWasmThreads once its workers are ready), on all its threads. */
  usePool(pool: Pool): void {
    if (pool !== this.pool) this.pool?.close();
    this.pool = pool;
    this.threads = pool.size + 1;
  }

  /** Runs kernel(tid, nt, ...args) on nt threads (the caller is thread 0) and returns when all are done.
   *  (In a browser, threads never exceeds poolThreads, so no pool is started here.) */
  run(kernel: string, args: number[], nt: number): void {
    nt = Math.max(1, Math.min(nt, this.threads));
    if (nt === 1) { this.exports[kernel](0, 1, ...args); return; }
    if (!this.pool || this.pool.size < nt - 1) {
      this.pool?.close();
      this.pool = new Pool(this.module, this.memory, this.threads - 1);
    }
    this.pool.run(this.exports, kernel, args, nt);
  }

  /** Stops the workers (they are unref'd, so this is only needed to free them early). */
  close(): void {
    this.pool?.close(); this.pool = null;
    if (!nodeThreads.Worker) this.threads = 1; // browser: no pool until initWasmThreads starts one again
  }

  // ---- views of the memory --------------------------------------------------------------------
  // Taken afresh after the memory grows (growing detaches or outgrows the old views): take views only
  // after every allocation of a call.

  get f32(): Float32Array { return this.fresh().f32View; }
  get i32(): Int32Array { return this.fresh().i32View; }
  get f64(): Float64Array { return this.fresh().f64View; }

  /** The views are replaced together, so one check covers all three. */
  private fresh(): this {
    if (this.f32View.buffer.byteLength !== this.memory.buffer.byteLength) this.views();
    return this;
  }

  private views(): void {
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
    this.f64View = new Float64Array(this.memory.buffer);
  }
}

let runtime: Runtime | null = null;

/** The one runtime of this JS realm, created on first use. */
export function rt(): Runtime {
  if (!runtime) runtime = new Runtime();
  return runtime;
}

/** Threads worth using for `flops` of work: below ~1 MFLOP per thread the hand-off costs more than it saves. */
export function threadsFor(flops: number): number {
  return Math.max(1, Math.min(rt().numThreads, Math.floor(flops / 1e6)));
}
