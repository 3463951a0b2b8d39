// backend/wasm/runtime.ts — loads kernels.wasm once, owns its memory, and runs kernels on the thread pool.
//
// Memory model (why no dispose() is ever needed): the wasm heap is scratch. Each backend call resets a
// bump allocator, copies its inputs in, runs, and copies its results out into fresh typed arrays that
// belong to the caller (so the GC frees them). The heap only grows, to the largest call seen, and is
// reused by every later call: nothing is kept per call, so nothing can leak.
//
// Which binary: with SharedArrayBuffer (Node; cross-origin-isolated pages) the shared-memory build,
// with relaxed-SIMD FMA if WebAssembly.validate accepts that build (Node 20 needs
// --experimental-wasm-relaxed-simd; newer V8 has it by default); otherwise the unshared build on one thread.
// Compilation is synchronous (new WebAssembly.Module) so setBackend('wasm') stays synchronous. Node
// allows it for any size; Chromium (checked in 156) on a page's main thread up to 8 MiB (8,388,608 bytes;
// larger throws a RangeError) and in workers for any size. The kernels are about 21 KiB.
//
// Threads: in Node the pool starts synchronously on the first multi-threaded run. In a browser Web Workers
// only start once the page returns to its event loop, so only a pool that initWasmThreads (web-threads.ts)
// has started and seen ready is used; until then, and without one, the backend runs on one thread.

import { KERNELS_RELAXED, KERNELS_SIMD, KERNELS_SINGLE } from './kernels.generated.js';
import { Pool, nodeThreads } from './threads.js';

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

const PAGE = 65536;

/** Node's Buffer.allocUnsafeSlow: a fresh ArrayBuffer of its own, not zero-filled (null in browsers). */
const allocUnsafe = ((globalThis as { Buffer?: { allocUnsafeSlow?(n: number): { buffer: ArrayBuffer } } }).Buffer
  ?.allocUnsafeSlow?.bind((globalThis as { Buffer?: unknown }).Buffer)) ?? null;

/** Fresh memory costs a page fault per 4 KiB (about 1.4 µs here: 0.45 ms for a 1.2 MB activation, more
 *  than most kernels that fill it). glibc's malloc serves blocks over its mmap threshold (128 KiB at
 *  start) with fresh mmap'd pages and unmaps them on free, so every output array of a backend call would
 *  pay that again. glibc raises the threshold (up to 32 MiB) to the size of any mmap'd block that is
 *  freed, after which such blocks come from the heap and are reused: allocating and dropping one 31 MiB
 *  ArrayBuffer (never touched, so it costs nothing) makes the GC free it within the next few calls, and
 *  from then on outputs reuse freed memory (0.05 ms instead of 0.45 ms for 1.2 MB). The same as running
 *  with MALLOC_MMAP_THRESHOLD_=32505856; harmless elsewhere (other allocators, browsers). */
function raiseMallocMmapThreshold(): void {
  if (typeof (globalThis as { process?: unknown }).process === 'object') void new ArrayBuffer(31 << 20);
}
const MAX_PAGES = 32768; // 2 GiB: must equal the maximum in asconfig.json

export class Runtime {
  readonly memory: WebAssembly.Memory;
  readonly exports: Kernels;
  readonly relaxed: boolean;
  readonly shared: boolean;
  readonly module: WebAssembly.Module;
  private pool: Pool | null = null;
  private threads: number;
  private base: number;
  private top: number;
  private f32View: Float32Array;
  private i32View: Int32Array;

  constructor() {
    this.shared = typeof SharedArrayBuffer !== 'undefined' &&
      ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? true);
    let bytes: Uint8Array<ArrayBuffer>;
    this.relaxed = false;
    if (this.shared) {
      const relaxedBytes = decode(KERNELS_RELAXED);
      this.relaxed = WebAssembly.validate(relaxedBytes);
      bytes = this.relaxed ? relaxedBytes : decode(KERNELS_SIMD);
    } else {
      bytes = decode(KERNELS_SINGLE);
    }
    this.module = new WebAssembly.Module(bytes);
    this.memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: this.shared });
    this.exports = new WebAssembly.Instance(this.module, { env: { memory: this.memory } }).exports as unknown as Kernels;
    this.base = this.top = (this.exports.heapBase() + 63) & ~63;
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
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

  // ---- heap -------------------------------------------------------------------------------------

  /** Starts a call: every earlier allocation is free again. */
  reset(): void { this.top = this.base; }

  /** Bytes of the heap in use at most so far (the memory's size). */
  get heapBytes(): number { return this.memory.buffer.byteLength; }

  alloc(bytes: number): number {
    const p = this.top;
    this.top = (p + bytes + 63) & ~63;
    if (this.top > this.memory.buffer.byteLength) {
      const need = Math.ceil((this.top - this.memory.buffer.byteLength) / PAGE);
      // Grow by at least a quarter so a run of slightly larger calls does not grow every time.
      const cur = this.memory.buffer.byteLength / PAGE;
      const pages = Math.min(MAX_PAGES - cur, Math.max(need, cur >> 2));
      if (pages < need) throw new Error(`wasm backend: a call needs ${this.top} bytes of scratch, over the 2 GiB heap`);
      this.memory.grow(pages);
    }
    return p;
  }

  get f32(): Float32Array {
    if (this.f32View.buffer.byteLength !== this.memory.buffer.byteLength) this.views();
    return this.f32View;
  }

  get i32(): Int32Array {
    if (this.i32View.buffer.byteLength !== this.memory.buffer.byteLength) this.views();
    return this.i32View;
  }

  private views(): void {
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
  }

  /** Copies a float32 (or int32) array into fresh heap space. */
  put(x: Float32Array | Int32Array): number {
    const p = this.alloc(x.length * 4);
    if (x instanceof Float32Array) this.f32.set(x, p >> 2);
    else this.i32.set(x, p >> 2);
    return p;
  }

  putI32(values: ArrayLike<number>): number {
    const p = this.alloc(values.length * 4);
    this.i32.set(values, p >> 2);
    return p;
  }

  /** A fresh, caller-owned copy of n floats at p. */
  takeF32(p: number, n: number): Float32Array {
    // slice() zero-fills its new buffer before copying into it; in Node an unpooled, uninitialized
    // Buffer's ArrayBuffer (plain, not shared, exactly n floats) takes the one copy only.
    if (n >= 4096 && allocUnsafe) {
      const out = new Float32Array(allocUnsafe(n * 4).buffer, 0, n);
      out.set(this.f32.subarray(p >> 2, (p >> 2) + n));
      return out;
    }
    return this.f32.slice(p >> 2, (p >> 2) + n);
  }
  takeI32(p: number, n: number): Int32Array { return this.i32.slice(p >> 2, (p >> 2) + n); }
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
