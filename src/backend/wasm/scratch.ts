// backend/wasm/scratch.ts — the temporary heap blocks of one kernel call (packed weights, window tables,
// per-thread work space), taken from the heap's pool and all given back when the call ends.

import type { Runtime } from './runtime.js';

/** Scratch blocks of one call, given back together at its end. */
export class Scratch {
  private readonly blocks: [number, number][] = [];
  constructor(private readonly r: Runtime) {}
  alloc(bytes: number): number {
    const p = this.r.heap.alloc(bytes);
    this.blocks.push([p, bytes]);
    return p;
  }
  /** int32 values copied in (attribute blocks, window tables). */
  i32(values: ArrayLike<number>): number {
    const p = this.alloc(values.length * 4);
    this.r.i32.set(values, p >> 2);
    return p;
  }
  f32(values: ArrayLike<number>): number {
    const p = this.alloc(values.length * 4);
    this.r.f32.set(values, p >> 2);
    return p;
  }
  done(): void {
    for (const [p, b] of this.blocks) this.r.heap.release(p, b);
  }
}
