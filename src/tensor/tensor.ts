// tensor/tensor.ts — the Tensor: a contiguous row-major typed array, its shape and dtype, and the
// autograd fields (requiresGrad, grad, gradFn). Math methods are attached by ops/methods.ts and
// backward() by autograd/, so this file depends on nothing above it.

import type { DataArray, DType } from '../backend/backend.js';
import { formatTensor } from './format.js';
import { normAxis, numel, shapeStr } from './shape.js';

/** One recorded operation: its inputs and the function that maps the output's gradient to theirs. */
export interface GradNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly backward: (gradOutput: Tensor) => (Tensor | null)[];
}

export type NestedArray = number | boolean | NestedArray[];

export class Tensor {
  /** Contiguous row-major values; shared between a tensor and its views (reshape/view/flatten/detach). */
  storage: DataArray;
  readonly shape: number[];
  readonly dtype: DType;
  requiresGrad: boolean;
  /** Accumulated gradient after backward(), for leaves (and tensors that called retainGrad()). */
  grad: Tensor | null = null;
  /** The operation that produced this tensor, when it was recorded for autograd. */
  gradFn: GradNode | null = null;
  /** Set by retainGrad(): keep .grad on a non-leaf. */
  retainsGrad = false;

  constructor(storage: DataArray, shape: readonly number[], dtype?: DType, requiresGrad = false) {
    const n = numel(shape);
    if (storage.length !== n) {
      throw new Error(`Tensor: ${storage.length} values do not fill shape ${shapeStr(shape)} (${n} elements)`);
    }
    this.storage = storage;
    this.shape = [...shape];
    this.dtype = dtype ?? dtypeOf(storage);
    this.requiresGrad = requiresGrad;
  }

  get ndim(): number { return this.shape.length; }
  dim(): number { return this.shape.length; }
  numel(): number { return this.storage.length; }
  get isLeaf(): boolean { return this.gradFn === null; }
  get isFloatingPoint(): boolean { return this.dtype !== 'int32'; }

  /** size() → the shape; size(d) → one dimension (negative d counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    return this.shape[normAxis('size', dim, this.ndim)];
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.storage.length !== 1) {
      throw new Error(`item: only a tensor with one element can be converted to a number, this one has shape ${shapeStr(this.shape)} (${this.storage.length} elements)`);
    }
    return this.storage[0];
  }

  /** The values as a flat typed array (a copy), synchronously. */
  dataSync(): DataArray {
    return this.storage.slice();
  }

  /** The values as a flat typed array (a copy); async so the same code runs on GPU backends. */
  async data(): Promise<DataArray> {
    return this.dataSync();
  }

  /** Nested JS arrays in the tensor's shape (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const { storage, shape } = this;
    if (shape.length === 0) return storage[0];
    const build = (dim: number, offset: number): NestedArray[] => {
      const len = shape[dim];
      const out: NestedArray[] = new Array(len);
      if (dim === shape.length - 1) {
        for (let i = 0; i < len; i++) out[i] = storage[offset + i];
        return out;
      }
      let inner = 1;
      for (let d = dim + 1; d < shape.length; d++) inner *= shape[d];
      for (let i = 0; i < len; i++) out[i] = build(dim + 1, offset + i * inner);
      return out;
    };
    return build(0, 0);
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
    return new Tensor(this.storage, this.shape, this.dtype, false);
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

export function dtypeOf(a: DataArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  return 'int32';
}

export function allocDType(dtype: DType, n: number): DataArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
  }
}
