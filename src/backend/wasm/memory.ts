// backend/wasm/memory.ts — tensor data resident in the WebAssembly memory.
//
// Each storage of this backend owns a block of the heap (heap.ts) for as long as it lives: kernels read
// their inputs and write their outputs there, so a kernel call copies nothing in or out, and outputs are
// carved from reused blocks rather than fresh pages.
//
// Freeing, three ways:
// - dispose(), or the library dropping what only it held (tensor/lifetime.ts): the block returns now;
// - a storage the garbage collector has taken returns its block through a FinalizationRegistry (the
//   registry holds the block's record, which holds no reference back to the storage);
// - the collector's callbacks only run between tasks (and only after a collection, which nothing asks
//   for on account of the heap's size), so a loop that leaves tensors to the collector would grow the
//   heap without bound. So blocks nobody has used for a while are moved out to plain JS arrays
//   ("spilled"), which the collector frees with their storages, synchronously: whenever the resident
//   data has grown by a margin since the last such pass (idle for IDLE_CALLS kernel calls: in a training
//   loop the parameters, gradients and optimizer state are used every step, so what sits idle is garbage
//   the collector has not reached yet), and before the heap would grow past its soft limit (then the
//   longest-unused first, whatever they are). A spilled storage that is used again moves back in; it has
//   proven live, so idle passes leave it alone afterwards, and the soft limit rises by its size.

import { Storage, freedError } from '../storage.js';
import type { Memory } from '../storage.js';
import { allocArray, bytesPerElement, type DataArray, type DType } from '../../tensor/dtype.js';
import { rt, type Runtime } from './runtime.js';
import { castInto } from '../ref/elementwise.js';

/** The wasm backend's record of one storage's data. */
interface Slot {
  dtype: DType;
  size: number;
  /** Byte offset in the memory, or −1 while spilled or after being freed. */
  ptr: number;
  bytes: number;
  /** The kernel call that last used it (for choosing what to spill). */
  lastUse: number;
  /** The values while spilled to JS memory. */
  spilled: DataArray | null;
  /** Used again after a spill: live, so idle passes keep it resident. */
  proven: boolean;
}

/** Kernel calls without use after which resident data counts as idle. */
const IDLE_CALLS = 2000;
/** Resident growth (bytes, or this share of what was resident after the last pass) that starts an idle pass. */
const IDLE_MARGIN_BYTES = 8 * 2 ** 20;
const IDLE_MARGIN_SHARE = 0.5;

export interface MemoryStats {
  /** Storages with data in the heap, and their bytes. */
  residentStorages: number;
  residentBytes: number;
  /** Bytes of the WebAssembly memory, and of its free blocks. */
  heapBytes: number;
  freeBytes: number;
  /** Storages moved out to JS memory so far, and back in. */
  spills: number;
  restores: number;
  softLimit: number;
}

export class WasmMemory {
  private readonly rt: Runtime;
  private readonly resident = new Set<Slot>();
  private readonly registry: FinalizationRegistry<Slot>;
  /** Counts kernel calls: what a call touches is stamped with it and never spilled during that call. */
  tick = 1;
  spills = 0;
  restores = 0;
  backend!: Memory;
  private residentBytes = 0;
  /** Resident bytes after the last idle pass: the next starts at this plus the margin. */
  private idleMark = 0;

  constructor(rt: Runtime) {
    this.rt = rt;
    this.registry = new FinalizationRegistry((slot) => this.releaseSlot(slot));
    rt.heap.reclaim = (bytes) => this.spillOldest(bytes);
  }

  stats(): MemoryStats {
    const h = this.rt.heap;
    return { residentStorages: this.resident.size, residentBytes: this.residentBytes, heapBytes: h.size, freeBytes: h.freeBytes,
      spills: this.spills, restores: this.restores, softLimit: h.softLimit };
  }

  private newSlot(dtype: DType, size: number): Slot {
    if (this.residentBytes > this.idleMark + Math.max(IDLE_MARGIN_BYTES, IDLE_MARGIN_SHARE * this.idleMark)) this.spillIdle();
    const bytes = size * bytesPerElement(dtype);
    const slot: Slot = { dtype, size, ptr: this.rt.heap.alloc(bytes), bytes, lastUse: this.tick, spilled: null, proven: false };
    this.add(slot);
    return slot;
  }

  private add(slot: Slot): void {
    this.resident.add(slot);
    this.residentBytes += slot.bytes;
  }

  alloc(dtype: DType, size: number): Storage {
    const slot = this.newSlot(dtype, size);
    const s = new Storage(this.backend, dtype, size, slot);
    this.registry.register(s, slot, slot);
    return s;
  }

  attach(s: Storage, values: DataArray): void {
    const slot = this.newSlot(s.dtype, s.size);
    s.data = slot;
    this.registry.register(s, slot, slot);
    this.viewOf(slot).set(values);
  }

  free(s: Storage): void {
    const slot = s.data as Slot | null;
    if (!slot) return;
    this.registry.unregister(slot);
    this.releaseSlot(slot);
    slot.spilled = null;
    s.data = null;
  }

  private releaseSlot(slot: Slot): void {
    if (slot.ptr < 0) return;
    this.rt.heap.release(slot.ptr, slot.bytes);
    this.resident.delete(slot);
    this.residentBytes -= slot.bytes;
    slot.ptr = -1;
  }

  /** The storage's elements as a typed array over the heap (valid until the memory next grows). */
  view(s: Storage): DataArray {
    return this.viewOf(this.resident_(s));
  }

  private viewOf(slot: Slot): DataArray {
    const rt = this.rt;
    switch (slot.dtype) {
      case 'float32': return rt.f32.subarray(slot.ptr >> 2, (slot.ptr >> 2) + slot.size);
      case 'int32': return rt.i32.subarray(slot.ptr >> 2, (slot.ptr >> 2) + slot.size);
      case 'float64': return rt.f64.subarray(slot.ptr >> 3, (slot.ptr >> 3) + slot.size);
    }
  }

  /** The byte offset of the storage's data, moving it back in if it was spilled; stamps it as used now. */
  ptr(s: Storage): number {
    return this.resident_(s).ptr;
  }

  /** Marks a storage as used by the current call (so allocations during the call will not spill it). */
  touch(s: Storage): void {
    this.resident_(s);
  }

  private resident_(s: Storage): Slot {
    const slot = s.data as Slot | null;
    if (!slot) throw freedError(s);
    if (slot.ptr < 0) this.restore(s, slot);
    slot.lastUse = this.tick;
    return slot;
  }

  private restore(s: Storage, slot: Slot): void {
    const values = slot.spilled!;
    slot.ptr = this.rt.heap.alloc(slot.bytes);
    this.add(slot);
    slot.spilled = null;
    slot.proven = true;
    this.viewOf(slot).set(values);
    this.registry.register(s, slot, slot);
    this.restores++;
    // Live data was spilled: let the heap hold that much more before spilling again.
    this.rt.heap.softLimit += slot.bytes;
  }

  /** The heap is full: moves the longest-unused storages (not touched by the current call) to JS memory
   *  until `bytes` (and at least an eighth of the soft limit, so that this is not needed again at once)
   *  are free. */
  private spillOldest(bytes: number): void {
    const target = Math.max(bytes, this.rt.heap.softLimit / 8);
    const idle = [...this.resident].filter((sl) => sl.lastUse < this.tick).sort((a, b) => a.lastUse - b.lastUse);
    let freed = 0;
    for (const slot of idle) {
      if (freed >= target) break;
      this.spill(slot);
      freed += slot.bytes;
    }
    this.idleMark = this.residentBytes;
  }

  /** Moves every storage idle for IDLE_CALLS kernel calls (and never proven live) to JS memory. */
  private spillIdle(): void {
    const before = this.tick - IDLE_CALLS;
    for (const slot of this.resident) if (slot.lastUse < before && !slot.proven) this.spill(slot);
    this.idleMark = this.residentBytes;
  }

  private spill(slot: Slot): void {
    const copy = allocArray(slot.dtype, slot.size);
    copy.set(this.viewOf(slot));
    this.registry.unregister(slot); // the registry's hold on the slot would keep the copy alive
    this.releaseSlot(slot);
    slot.spilled = copy;
    this.spills++;
  }

  write(s: Storage, values: ArrayLike<number>): void {
    castInto(values, this.view(s));
  }

  readSync(s: Storage): DataArray {
    const slot = s.data as Slot | null;
    if (!slot) throw freedError(s);
    if (slot.ptr < 0) return slot.spilled!.slice();
    return this.viewOf(slot).slice();
  }
}

let instance: WasmMemory | null = null;

/** The one WasmMemory of this JS realm (over rt()'s memory), created on first use. */
export function mem(): WasmMemory {
  if (!instance) instance = new WasmMemory(rt());
  return instance;
}

/** Whether every storage given is float32: the compiled kernels' dtype (others run the JS loops). */
export const allF32 = (...xs: (Storage | null)[]): boolean => xs.every((x) => !x || x.dtype === 'float32');
