// tensor/creation.ts — making tensors: from nested arrays or typed arrays, constant fills, ranges, the
// identity, and seeded random tensors (see random.ts; manualSeed makes them reproducible). This is the
// edge where JS values enter a backend (storageFrom); constant fills run the backend's fill kernel.

import { backend, storageFrom } from '../backend/backend.js';
import { Tensor, type NestedArray } from './tensor.js';
import { allocArray, bytesPerElement, checkDType, dtypeOf, type DataArray, type DType } from './dtype.js';
import { checkShape, numel, shapeStr } from './shape.js';
import { normal, randomInt, uniform } from './random.js';


/**
 * Throws unless a result of `shape` and `dtype` fits the active backend (checked before anything is
 * allocated: a huge shape would otherwise reach the engine's bare "Invalid typed array length" or a wasm
 * "offset is out of bounds"). Ops whose output size comes from their arguments call it.
 */
export function checkAllocation(op: string, shape: readonly number[], dtype: DType): void {
  let n = 1;
  for (const d of shape) n *= d;
  const bytes = n * bytesPerElement(dtype);
  const b = backend();
  if (bytes > b.maxBytes) {
    const gib = (x: number) => `${(x / 2 ** 30).toFixed(x < 2 ** 30 ? 3 : 1)} GiB`;
    throw new RangeError(`${op}: the result would have shape [${shape.join(', ')}] (${n} ${dtype} elements, ${gib(bytes)}), ` +
      `more than the ${b.name} backend holds in one tensor (${gib(b.maxBytes)})`);
  }
}

/** opts.dtype, checked (a JS caller may pass 'int64' or 'bool'); undefined when not given. */
function dtypeOption(op: string, opts: { dtype?: DType }): DType | undefined {
  if (opts.dtype !== undefined) checkDType(op, opts.dtype);
  return opts.dtype;
}
/**
 * Options of the tensor-creating functions: the element type and whether the result is a leaf that
 * requires a gradient. PyTorch: the `dtype=` and `requires_grad=` keyword arguments.
 * @example
 * ```ts
 * const w = zeros([3, 3], { dtype: 'float64', requiresGrad: true });
 * ```
 */
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/**
 * What {@link tensor} accepts as data: a number, nested arrays of numbers (or booleans), or a flat typed
 * or array-like list. PyTorch: the `data` argument of `torch.tensor`.
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]);            // nested arrays: shape [2, 2]
 * tensor(new Int32Array([1, 2, 3]));   // typed array: int32, shape [3]
 * ```
 */
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

/**
 * Creates a tensor from a number, nested arrays or a (flat, 1-D) typed array. Numbers become float32
 * unless a dtype is given; an Int32Array becomes int32, a Float64Array float64. Given a Tensor, it copies
 * it. PyTorch: `torch.tensor`.
 * @example
 * ```ts
 * tensor([[0, 1], [2, 3]]);                          // float32, shape [2, 2]
 * tensor([1, 2, 3], { dtype: 'int32' });
 * const w = tensor([[1, -1]], { requiresGrad: true });
 * ```
 */
export function tensor(data: TensorLike | Tensor, opts: TensorOptions = {}): Tensor {
  let values: DataArray;
  let shape: number[];
  if (data instanceof Tensor) {
    // A copy (as torch.tensor(t)), made by the backend.
    const dtype = dtypeOption('tensor', opts) ?? data.dtype;
    const out = backend().cast(data.storage, dtype);
    const t = new Tensor(out, data.shape);
    if (opts.requiresGrad) t.requiresGrad_(true);
    return t;
  } else if (ArrayBuffer.isView(data)) {
    const typed = data as unknown as DataArray;
    values = typed instanceof Float32Array || typed instanceof Float64Array || typed instanceof Int32Array
      ? typed : Float32Array.from(typed as ArrayLike<number>);
    shape = [values.length];
  } else if (typeof data === 'number' || typeof data === 'boolean') {
    values = new Float32Array([Number(data)]);
    shape = [];
  } else if (Array.isArray(data)) {
    shape = inferShape(data);
    values = new Float64Array(shape.reduce((a, b) => a * b, 1));
    flatten('tensor', data, shape, values);
    // Numbers become float32 unless a dtype was asked for (then converted from full precision).
    if (opts.dtype === undefined) values = Float32Array.from(values);
  } else {
    throw new Error(`tensor: data must be a number, a nested array or a typed array, got ${typeof data}`);
  }
  const dtype = dtypeOption('tensor', opts) ?? dtypeOf(values);
  const t = new Tensor(storageFrom(values, dtype), shape);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

function sizeArg(op: string, size: number | readonly number[]): number[] {
  const shape = typeof size === 'number' ? [size] : [...size];
  checkShape(op, shape);
  return shape;
}

/**
 * A tensor of the given size with every element `value`. PyTorch: `torch.full`.
 * @example
 * ```ts
 * full([2, 3], 7);  // tensor([[7., 7., 7.], [7., 7., 7.]])
 * ```
 */
export function full(size: number | readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  return filled('full', size, value, opts);
}

/** full, zeros and ones, under their own names in errors. */
function filled(op: string, size: number | readonly number[], value: number, opts: TensorOptions): Tensor {
  const shape = sizeArg(op, size);
  const dtype = dtypeOption(op, opts) ?? 'float32';
  checkAllocation(op, shape, dtype);
  const b = backend();
  const s = b.alloc(dtype, numel(shape));
  b.fill(s, value);
  const t = new Tensor(s, shape);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * A tensor of zeros (float32 unless `opts.dtype`). PyTorch: `torch.zeros`.
 * @example
 * ```ts
 * zeros([2, 3]).shape;                // [2, 3]
 * zeros(5, { dtype: 'int32' });
 * ```
 */
export function zeros(size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  return filled('zeros', size, 0, opts);
}

/**
 * A tensor of ones (float32 unless `opts.dtype`). PyTorch: `torch.ones`.
 * @example
 * ```ts
 * ones([1, 1, 3, 3]).div(9);  // a 3×3 box filter
 * ```
 */
export function ones(size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  return filled('ones', size, 1, opts);
}

/**
 * Zeros of `t`'s shape and dtype (or `opts.dtype`). PyTorch: `torch.zeros_like`.
 * @example
 * ```ts
 * const acc = zerosLike(w);
 * ```
 */
export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...opts });
}

/**
 * Ones of `t`'s shape and dtype (or `opts.dtype`). PyTorch: `torch.ones_like`.
 * @example
 * ```ts
 * y.backward(onesLike(y));  // the gradient of y.sum()
 * ```
 */
export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...opts });
}

/**
 * `value` everywhere, in `t`'s shape and dtype (or `opts.dtype`). PyTorch: `torch.full_like`.
 * @example
 * ```ts
 * fullLike(x, -1);
 * ```
 */
export function fullLike(t: Tensor, value: number, opts: TensorOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...opts });
}

/** fromArray, then requiresGrad as asked: the ranges and random tensors below. */
function fromValues(values: DataArray, shape: number[], opts: TensorOptions): Tensor {
  const t = fromArray(values, shape);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** n values of dtype drawn one after another from next() (the seeded generator, in the random makers below). */
function drawn(dtype: DType, n: number, next: () => number): DataArray {
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = next();
  return values;
}

/**
 * A 1-D range: `arange(end)`, `arange(start, end)` or `arange(start, end, step)` gives start, start + step,
 * … up to but not including end. float32 unless `opts.dtype` (pass `'int32'` for indices). PyTorch: `torch.arange`.
 * @example
 * ```ts
 * arange(4);                                      // tensor([0., 1., 2., 3.])
 * arange(1, 2, 0.25);                             // tensor([1.0000, 1.2500, 1.5000, 1.7500])
 * arange(0, 10, 1, { dtype: 'int32' });
 * ```
 */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  if (end === undefined) { end = start; start = 0; }
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a non-zero finite number, got ${step}`);
  if ((end - start) / step < 0) throw new Error(`arange: upper bound and step are inconsistent: start=${start}, end=${end}, step=${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = dtypeOption('arange', opts) ?? 'float32'; // float by default: convnet is float-centric (pass dtype: 'int32' for indices)
  checkAllocation('arange', [n], dtype);
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return fromValues(values, [n], opts);
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included. PyTorch: `torch.linspace`.
 * @example
 * ```ts
 * linspace(0, 1, 5);  // tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
 * ```
 */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = dtypeOption('linspace', opts) ?? 'float32';
  checkAllocation('linspace', [steps], dtype);
  const values = allocArray(dtype, steps);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends, as PyTorch does, so the last value is exactly `end`.
  for (let i = 0; i < steps; i++) values[i] = i < steps / 2 ? start + i * h : end - (steps - 1 - i) * h;
  return fromValues(values, [steps], opts);
}

/**
 * An n × m matrix (m defaults to n) with ones on the diagonal and zeros elsewhere. PyTorch: `torch.eye`.
 * @example
 * ```ts
 * eye(3);     // the 3×3 identity
 * eye(2, 4);  // [2, 4]
 * ```
 */
export function eye(n: number, m: number = n, opts: TensorOptions = {}): Tensor {
  checkShape('eye', [n, m], 'n, m');
  const dtype = dtypeOption('eye', opts) ?? 'float32';
  checkAllocation('eye', [n, m], dtype);
  const values = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fromValues(values, [n, m], opts);
}

/**
 * Uniform values in [0, 1) from the global seeded generator (see {@link manualSeed}). PyTorch: `torch.rand`.
 * @example
 * ```ts
 * manualSeed(0);
 * rand([2, 2]);
 * ```
 */
export function rand(size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  const shape = sizeArg('rand', size);
  const dtype = dtypeOption('rand', opts) ?? 'float32';
  checkAllocation('rand', shape, dtype);
  return fromValues(drawn(dtype, numel(shape), uniform), shape, opts);
}

/**
 * Standard normal values (mean 0, standard deviation 1) from the global seeded generator. PyTorch: `torch.randn`.
 * @example
 * ```ts
 * const x = randn([1, 3, 32, 32]);
 * ```
 */
export function randn(size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  const shape = sizeArg('randn', size);
  const dtype = dtypeOption('randn', opts) ?? 'float32';
  checkAllocation('randn', shape, dtype);
  return fromValues(drawn(dtype, numel(shape), normal), shape, opts);
}

/**
 * Random integers in [low, high), int32 unless `opts.dtype`, from the global seeded generator.
 * PyTorch: `torch.randint(low, high, size)`.
 * @example
 * ```ts
 * const labels = randint(0, 10, [64]);
 * ```
 */
export function randint(low: number, high: number, size: number | readonly number[], opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  const shape = sizeArg('randint', size);
  const dtype = dtypeOption('randint', opts) ?? 'int32';
  checkAllocation('randint', shape, dtype);
  return fromArray(drawn(dtype, numel(shape), () => randomInt(low, high)), shape);
}

/** A 0-d tensor holding value, of like's dtype (a fraction lifts int32 to float32). */
export function scalarLike(value: number, like: Tensor): Tensor {
  const dtype = like.dtype === 'int32' && !Number.isInteger(value) ? 'float32' : like.dtype;
  return new Tensor(storageFrom([value], dtype), []);
}

export { shapeStr };

/** Overwrites t (in place) with uniform [lo, hi) values from the seeded generator (nn.init.uniform_). */
export function uniformFill(t: Tensor, lo: number, hi: number): Tensor {
  backend().write(t.storage, drawn(t.dtype, t.numel(), () => lo + (hi - lo) * uniform()));
  return t;
}

/** Overwrites t (in place) with normal(mean, std) values from the seeded generator (nn.init.normal_). */
export function normalFill(t: Tensor, mean: number, std: number): Tensor {
  backend().write(t.storage, drawn(t.dtype, t.numel(), () => mean + std * normal()));
  return t;
}

/** A tensor of `shape` holding a copy of flat values (its dtype from the array's type): how the library's
 *  readers (files, images, data sets) hand their values to a backend. */
export function fromArray(values: DataArray, shape: readonly number[]): Tensor {
  const n = numel(shape);
  if (values.length !== n) throw new Error(`fromArray: ${values.length} values do not fill shape ${shapeStr(shape)} (${n} elements)`);
  return new Tensor(storageFrom(values, dtypeOf(values)), shape);
}
