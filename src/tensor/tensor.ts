// tensor/tensor.ts — the Tensor: a handle to data its backend owns (backend/storage.ts), a shape and
// dtype, and the autograd fields (requiresGrad, grad, gradFn). Tensors are contiguous and row-major;
// views (reshape, view, flatten, detach) share the handle. Math methods are attached by ops/methods.ts
// and backward() by autograd/, so this file depends on nothing above it.
//
// Values cross into JS only here (data(), dataSync(), toArray(), item(), printing) and in creation.ts.
// Nobody has to call dispose(): see tensor/lifetime.ts for what the library frees by itself, and the
// backends for what the garbage collector frees. dispose() (and `using`) free at once.

import { backend, freeStorage, moveStorage, readStorage, readStorageAsync, type Storage } from '../backend/index.js';
import type { DataArray, DType } from './dtype.js';
import { formatTensor } from './format.js';
import { bornInScope, setTensorCheck } from './lifetime.js';
import { normAxis, numel, shapeStr } from './shape.js';

/** One recorded operation: its inputs, the tensors its backward keeps, and the function that maps the
 *  output's gradient to its inputs' gradients. Released (its saved tensors given back) after backward. */
export interface GradNode {
  readonly name: string;
  inputs: readonly Tensor[];
  output: Tensor | null;
  /** Tensors only this node's backward uses (an arg-max, a dropout mask, a cast copy). */
  saved: readonly Tensor[];
  backward: (gradOutput: Tensor) => (Tensor | null)[];
  /** Set once backward has used the node and given back what it saved (unless retainGraph). */
  released: boolean;
}

export type NestedArray = number | boolean | NestedArray[];

let serialCounter = 1;

/** The serial the next tensor will get: tensors with serial ≥ this were made after the call. */
export function nextSerial(): number {
  return serialCounter;
}

export class Tensor {
  private _storage: Storage | null;
  readonly shape: number[];
  readonly dtype: DType;
  requiresGrad: boolean;
  /** The gradient, as autograd and optimizers use it (the `grad` accessor is the user's view). */
  _grad: Tensor | null = null;
  /** Whether `grad` was ever handed to (or set by) user code; if not, zeroGrad() may free it at once. */
  _gradExposed = false;
  /** The operation that produced this tensor, when it was recorded for autograd. */
  gradFn: GradNode | null = null;
  /** Set by retainGrad(): keep .grad on a non-leaf. */
  retainsGrad = false;
  /** Lifetime bookkeeping (tensor/lifetime.ts): owned by the library only, and its holds. */
  _owned = false;
  _holds = 0;
  /** Creation order: tells tensors made during a call from those that existed before. */
  readonly serial: number;

  /** Wraps a storage (normally one a kernel just returned); the tensor takes one reference to it. */
  constructor(storage: Storage, shape: readonly number[], requiresGrad = false) {
    const n = numel(shape);
    if (storage.size !== n) {
      throw new Error(`Tensor: ${storage.size} values do not fill shape ${shapeStr(shape)} (${n} elements)`);
    }
    this._storage = storage;
    storage.refs++;
    this.shape = [...shape];
    this.dtype = storage.dtype;
    this.requiresGrad = requiresGrad;
    this.serial = serialCounter++;
    bornInScope(this);
  }

  /** The handle, on the active backend (data made on another backend moves here on first use). */
  get storage(): Storage {
    const s = this._storage;
    if (!s) throw disposedError(this);
    const b = backend();
    if (s.backend !== b) moveStorage(s, b);
    return s;
  }

  /** The handle wherever its data is now (no move): for reading values out. */
  private handle(): Storage {
    if (!this._storage) throw disposedError(this);
    return this._storage;
  }

  /** Whether dispose() has freed this tensor (its data may live on through views that share it). */
  get isDisposed(): boolean {
    return this._storage === null;
  }

  /** Gives back this tensor's reference to its data now; the data is freed when no view uses it.
   *  Never required (see the top of this file); using the tensor afterwards is an error. */
  dispose(): void {
    const s = this._storage;
    if (!s) return;
    this._storage = null;
    if (--s.refs === 0) freeStorage(s);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Accumulated gradient after backward(), for leaves (and tensors that called retainGrad()). */
  get grad(): Tensor | null {
    if (this._grad) this._gradExposed = true;
    return this._grad;
  }

  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) throw new Error(`grad: expected a Tensor or null, got ${typeof g}`);
    if (g && (g.shape.length !== this.shape.length || g.shape.some((d, i) => d !== this.shape[i]))) {
      throw new Error(`grad: assigned gradient has shape ${shapeStr(g.shape)} but the tensor has shape ${shapeStr(this.shape)}`);
    }
    this._grad = g;
    this._gradExposed = g !== null;
  }

  get ndim(): number { return this.shape.length; }
  dim(): number { return this.shape.length; }
  numel(): number { return numel(this.shape); }
  get isLeaf(): boolean { return this.gradFn === null; }
  get isFloatingPoint(): boolean { return this.dtype !== 'int32'; }
  /** The backend that holds the data now. */
  get device(): string { return this.handle().backend.name; }

  /** size() → the shape; size(d) → one dimension (negative d counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    return this.shape[normAxis('size', dim, this.ndim)];
  }

  /** The single value of a one-element tensor. */
  item(): number {
    const n = this.numel();
    if (n !== 1) {
      throw new Error(`item: only a tensor with one element can be converted to a number, this one has shape ${shapeStr(this.shape)} (${n} elements)`);
    }
    return readStorage(this.handle())[0];
  }

  /** The values as a flat typed array (a copy), synchronously. GPU backends may refuse: use data(). */
  dataSync(): DataArray {
    return readStorage(this.handle());
  }

  /** The values as a flat typed array (a copy); works on every backend. */
  async data(): Promise<DataArray> {
    return readStorageAsync(this.handle());
  }

  /** Nested JS arrays in the tensor's shape (a number for a 0-d tensor). */
  toArray(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }

  /** Marks this leaf as needing a gradient (PyTorch's requires_grad_()). */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag) {
      throw new Error('requiresGrad_: cannot turn off requiresGrad on a non-leaf tensor; use detach()');
    }
    if (flag && this.dtype === 'int32') {
      throw new Error('requiresGrad_: only floating-point tensors can require gradients, this one is int32');
    }
    this.requiresGrad = flag;
    return this;
  }

  /** A tensor sharing this one's values, cut from the autograd graph. */
  detach(): Tensor {
    return new Tensor(this.handle(), this.shape, false);
  }

  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

setTensorCheck((x: unknown): x is Tensor => x instanceof Tensor);

/** Nested JS arrays of `shape` from flat values. */
export function nest(values: ArrayLike<number>, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return values[0];
  const build = (dim: number, offset: number): NestedArray[] => {
    const len = shape[dim];
    const out: NestedArray[] = new Array(len);
    if (dim === shape.length - 1) {
      for (let i = 0; i < len; i++) out[i] = values[offset + i];
      return out;
    }
    let inner = 1;
    for (let d = dim + 1; d < shape.length; d++) inner *= shape[d];
    for (let i = 0; i < len; i++) out[i] = build(dim + 1, offset + i * inner);
    return out;
  };
  return build(0, 0);
}

function disposedError(t: Tensor): Error {
  return new Error(`this tensor (shape ${shapeStr(t.shape)}, ${t.dtype}) was disposed; ` +
    'it cannot be used after dispose() or the end of its `using` block (keep a clone() to use it longer)');
}
