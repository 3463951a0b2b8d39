// tensor/creation.ts — making tensors: from nested arrays or typed arrays, constant fills, ranges, the
// identity, and seeded random tensors (see random.ts; manualSeed makes them reproducible).

import type { DataArray, DType } from '../backend/backend.js';
import { Tensor, allocDType, dtypeOf, type NestedArray } from './tensor.js';
import { checkShape, shapeStr } from './shape.js';
import { normal, randomInt, uniform } from './random.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export type TensorLike = NestedArray | DataArray | ArrayLike<number>;

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(op: string, data: NestedArray, shape: number[], out: DataArray): void {
  let k = 0;
  const rec = (v: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new Error(`${op}: ragged nested array: element ${path} is a list but elements at that depth are numbers`);
      const num = typeof v === 'boolean' ? Number(v) : v;
      if (typeof num !== 'number') throw new Error(`${op}: element ${path} is ${typeof v}, expected a number`);
      out[k++] = num;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      const got = Array.isArray(v) ? `length ${v.length}` : 'a number';
      throw new Error(`${op}: ragged nested array: expected length ${shape[depth]} at ${path || 'the top'}, got ${got}`);
    }
    for (let i = 0; i < v.length; i++) rec(v[i], depth + 1, `${path}[${i}]`);
  };
  rec(data, 0, '');
}

/** Creates a tensor from a number, nested arrays or a (flat, 1-D) typed array. Numbers become float32
 *  unless a dtype is given; an Int32Array becomes int32, a Float64Array float64. */
export function tensor(data: TensorLike | Tensor, opts: TensorOptions = {}): Tensor {
  let storage: DataArray;
  let shape: number[];
  if (data instanceof Tensor) {
    storage = data.storage.slice();
    shape = data.shape;
  } else if (ArrayBuffer.isView(data)) {
    const typed = data as unknown as DataArray;
    storage = typed instanceof Float32Array || typed instanceof Float64Array || typed instanceof Int32Array
      ? typed.slice() : Float32Array.from(typed as ArrayLike<number>);
    shape = [storage.length];
  } else if (typeof data === 'number' || typeof data === 'boolean') {
    storage = new Float32Array([Number(data)]);
    shape = [];
  } else if (Array.isArray(data)) {
    shape = inferShape(data);
    storage = new Float64Array(shape.reduce((a, b) => a * b, 1));
    flatten('tensor', data, shape, storage);
    // Numbers become float32 unless a dtype was asked for (then converted below, from full precision).
    if (opts.dtype === undefined || opts.dtype === 'float32') storage = Float32Array.from(storage);
  } else {
    throw new Error(`tensor: data must be a number, a nested array or a typed array, got ${typeof data}`);
  }
  const dtype = opts.dtype ?? dtypeOf(storage);
  if (dtype !== dtypeOf(storage)) {
    const conv = allocDType(dtype, storage.length);
    if (dtype === 'int32') for (let i = 0; i < storage.length; i++) conv[i] = Math.trunc(storage[i]);
    else conv.set(storage);
    storage = conv;
  }
  const t = new Tensor(storage, shape, dtype);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

function sizeArg(op: string, size: number | readonly number[]): number[] {
  const shape = typeof size === 'number' ? [size] : [...size];
  checkShape(op, shape);
  return shape;
}

export function full(size: number | readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  const shape = sizeArg('full', size);
  const storage = allocDType(opts.dtype ?? 'float32', shape.reduce((a, b) => a * b, 1));
  storage.fill(value);
  const t = new Tensor(storage, shape);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

export function zeros(size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  return full(size, 0, opts);
}

export function ones(size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  return full(size, 1, opts);
}

export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...opts });
}

export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...opts });
}

export function fullLike(t: Tensor, value: number, opts: TensorOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...opts });
}

/** arange(end), arange(start, end), arange(start, end, step): values start, start+step, … < end. */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  if (end === undefined) { end = start; start = 0; }
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a non-zero finite number, got ${step}`);
  if ((end - start) / step < 0) throw new Error(`arange: upper bound and step are inconsistent: start=${start}, end=${end}, step=${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype ?? 'float32'; // float by default: convnet is float-centric (pass dtype: 'int32' for indices)
  const storage = allocDType(dtype, n);
  for (let i = 0; i < n; i++) storage[i] = start + i * step;
  return new Tensor(storage, [n], dtype, opts.requiresGrad ?? false);
}

export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  const storage = allocDType(opts.dtype ?? 'float32', steps);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends, as PyTorch does, so the last value is exactly `end`.
  for (let i = 0; i < steps; i++) storage[i] = i < steps / 2 ? start + i * h : end - (steps - 1 - i) * h;
  return new Tensor(storage, [steps], undefined, opts.requiresGrad ?? false);
}

export function eye(n: number, m: number = n, opts: TensorOptions = {}): Tensor {
  checkShape('eye', [n, m], 'n, m');
  const t = zeros([n, m], opts);
  for (let i = 0; i < Math.min(n, m); i++) t.storage[i * m + i] = 1;
  return t;
}

/** Uniform [0, 1) values from the seeded generator. */
export function rand(size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  const t = zeros(size, { dtype: opts.dtype ?? 'float32' });
  for (let i = 0; i < t.storage.length; i++) t.storage[i] = uniform();
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Standard normal values from the seeded generator. */
export function randn(size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  const t = zeros(size, { dtype: opts.dtype ?? 'float32' });
  for (let i = 0; i < t.storage.length; i++) t.storage[i] = normal();
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Integers in [low, high), int32 (torch.randint(low, high, size)). */
export function randint(low: number, high: number, size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  const t = zeros(size, { dtype: opts.dtype ?? 'int32' });
  for (let i = 0; i < t.storage.length; i++) t.storage[i] = randomInt(low, high);
  return t;
}

export function scalarLike(value: number, like: Tensor): Tensor {
  const s = allocDType(like.dtype === 'int32' && !Number.isInteger(value) ? 'float32' : like.dtype, 1);
  s[0] = value;
  return new Tensor(s, []);
}

export { shapeStr };
