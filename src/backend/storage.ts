// backend/storage.ts — the handle a tensor holds: which backend has the data, its dtype and element
// count, and the backend's own record of it (a typed array for ref, a slot of the heap for wasm, a
// buffer for a GPU). Tensors that are views of one another (reshape, detach, a Parameter made from a
// tensor) share one Storage; `refs` counts the tensors that have not been disposed.
//
// Lifetime: a Storage is freed when its last tensor is disposed (tensor.dispose(), `using`, or autograd
// and nn dropping the tensors only they could reach), or, when nobody disposes, once the garbage
// collector has taken every tensor that shared it: backends whose memory the collector cannot see (the
// wasm heap, GPU buffers) register each Storage with a FinalizationRegistry.

import type { DataArray, DType } from '../tensor/dtype.js';

let nextId = 1;

export class Storage {
  /** Unique per storage: names it in debug output. */
  readonly id: number;
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** The backend that holds the data now (data moves when a tensor is used on another backend). */
  backend: Memory;
  /** The backend's own record of the data; null once freed. Only that backend reads it. */
  data: unknown;
  /** Tensors sharing this storage that have not been disposed. */
  refs = 0;

  constructor(backend: Memory, dtype: DType, size: number, data: unknown) {
    this.id = nextId++;
    this.backend = backend;
    this.dtype = dtype;
    this.size = size;
    this.data = data;
  }

  get freed(): boolean {
    return this.data === null;
  }
}

/** Thrown when a kernel meets a storage that was freed (a disposed tensor used again). */
export function freedError(s: Storage): Error {
  return new Error(`tensor data #${s.id} (${s.dtype}, ${s.size} elements) was freed: the tensor was disposed ` +
    '(by dispose(), by `using`, or by autograd after backward()); keep a clone() if you need it afterwards');
}

/** Thrown by a backend that cannot read a storage synchronously (a GPU's memory): `await t.dataAsync()` can. */
export class SyncReadError extends Error {
  override name = 'SyncReadError';
}

/** What every backend provides besides its kernels: its memory (backend.ts adds the kernels). */
export interface Memory {
  readonly name: string;
  /** The largest tensor data this backend holds, in bytes (typed arrays; the wasm heap; one GPU buffer). */
  readonly maxBytes: number;
  /** An uninitialised storage of size elements. */
  alloc(dtype: DType, size: number): Storage;
  /** Gives `s` (freed, or just created elsewhere) a copy of values as its data on this backend. */
  attach(s: Storage, values: DataArray): void;
  /** Releases the data now; s.data becomes null. */
  free(s: Storage): void;
  /** Copies values into s (converted to s's dtype; into int32 by truncation). */
  write(s: Storage, values: ArrayLike<number>): void;
  /** A fresh copy of the values; a backend that cannot read synchronously throws and says to use read(). */
  readSync(s: Storage): DataArray;
  read(s: Storage): Promise<DataArray>;
}
