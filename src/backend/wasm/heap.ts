// backend/wasm/heap.ts — an allocator for the WebAssembly memory: tensor data and kernel scratch both
// live here, in blocks of 64-byte multiples (cache lines; f32x4 alignment).
//
// Why a pool: fresh memory costs a page fault on first touch (11–16 µs per 4 KiB on this project's
// machines), more than most kernels that fill it. So freed blocks are kept by size and handed out again
// (a training step asks for the same sizes as the last one), and the memory grows only when no free
// block fits. Free neighbours are merged lazily — only when a request finds nothing to reuse — so exact
// sizes stay ready for reuse in the common case.
//
// Before the memory grows past `softLimit`, the heap asks its owner to release memory (`reclaim`): the
// wasm backend then moves data nobody has used for a while out to JS memory (see memory.ts).

import { debugFlag } from '../env.js';

const ALIGN = 64;
const PAGE = 65536;
/** 2 GiB: must equal the maximum in asconfig.json. */
export const MAX_PAGES = 32768;

/** Debugging: fill every block handed out with NaN, so a kernel that leaves part of its output unwritten
 *  shows up (CONVNET_DEBUG=poison, or setHeapPoisoning(true); the tests run with it on). */
let poison = debugFlag('poison');

export function setHeapPoisoning(on: boolean): void {
  poison = on;
}

function alignUp(bytes: number): number {
  return Math.max(ALIGN, (bytes + ALIGN - 1) & ~(ALIGN - 1));
}

export class Heap {
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  /** End of the blocks handed out so far; above it the memory is untouched. */
  private top: number;
  /** Free blocks by size (bytes → start addresses). */
  private readonly free = new Map<number, number[]>();
  private freeTotal = 0;
  /** Memory beyond which the heap asks `reclaim` for room before growing. */
  softLimit: number;
  /** Asked to release at least `bytes` (into this heap) when growth would pass softLimit. */
  reclaim: ((bytes: number) => void) | null = null;

  constructor(memory: WebAssembly.Memory, base: number, softLimit: number) {
    this.memory = memory;
    this.base = this.top = (base + ALIGN - 1) & ~(ALIGN - 1);
    this.softLimit = softLimit;
  }

  /** Bytes of the memory (all of it, used or not). */
  get size(): number {
    return this.memory.buffer.byteLength;
  }

  get freeBytes(): number {
    return this.freeTotal;
  }

  /** A block of at least `bytes` (rounded up to 64); its contents are whatever was there before. */
  alloc(bytes: number): number {
    const n = alignUp(bytes);
    let p = this.takeFree(n);
    if (p < 0) {
      this.coalesce();
      p = this.takeFree(n);
    }
    if (p < 0 && this.top + n > this.softLimit && this.reclaim) {
      this.reclaim(n);
      this.coalesce();
      p = this.takeFree(n);
    }
    if (p < 0) p = this.bump(n);
    if (poison) new Float32Array(this.memory.buffer, p, n >> 2).fill(NaN);
    return p;
  }

  release(ptr: number, bytes: number): void {
    this.pushFree(ptr, alignUp(bytes));
  }

  private pushFree(p: number, n: number): void {
    let list = this.free.get(n);
    if (!list) { list = []; this.free.set(n, list); }
    list.push(p);
    this.freeTotal += n;
  }

  /** An exact-size block, else the smallest larger one (split, the rest stays free). */
  private takeFree(n: number): number {
    const exact = this.free.get(n);
    if (exact && exact.length) { this.freeTotal -= n; return exact.pop()!; }
    let best = Infinity;
    for (const [size, list] of this.free) if (size > n && size < best && list.length) best = size;
    if (best === Infinity) return -1;
    const p = this.free.get(best)!.pop()!;
    this.freeTotal -= best;
    this.pushFree(p + n, best - n);
    return p;
  }

  /** Merges adjacent free blocks; a free run that ends at `top` is given back to the untouched region. */
  private coalesce(): void {
    const blocks: [number, number][] = [];
    for (const [size, list] of this.free) for (const p of list) blocks.push([p, size]);
    if (blocks.length === 0) return;
    blocks.sort((a, b) => a[0] - b[0]);
    this.free.clear();
    this.freeTotal = 0;
    const merged: [number, number][] = [];
    for (const [p, size] of blocks) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[1] === p) last[1] += size;
      else merged.push([p, size]);
    }
    const tail = merged[merged.length - 1];
    if (tail[0] + tail[1] === this.top) { this.top = tail[0]; merged.pop(); }
    for (const [p, size] of merged) this.pushFree(p, size);
  }

  private bump(n: number): number {
    const p = this.top;
    const end = p + n;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const need = Math.ceil((end - have) / PAGE);
      // Grow by at least a quarter so that a run of slightly larger requests does not grow every time.
      const cur = have / PAGE;
      const pages = Math.min(MAX_PAGES - cur, Math.max(need, cur >> 2));
      if (pages < need) {
        throw new RangeError(`wasm backend: out of memory: ${n} bytes are needed but the heap is at its 2 GiB limit ` +
          `(${((this.top - this.base - this.freeTotal) / 2 ** 20).toFixed(0)} MiB in use); free tensors with dispose() or use smaller batches`);
      }
      this.memory.grow(pages);
    }
    this.top = end;
    return p;
  }
}
