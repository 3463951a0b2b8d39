// tensor/creation.ts — making tensors: from nested arrays or typed arrays, constant fills, ranges, the
// identity, and seeded random tensors (see random.ts; manualSeed makes them reproducible). This is the
// edge where JS values enter a backend (storageFrom); constant fills run the backend's fill kernel.

import { backend, storageFrom } from '../backend/backend.js';
import { Tensor, type NestedArray } from './tensor.js';
import { allocArray, bytesPerElement, checkDType, dtypeOf, type DataArray, type DType } from './dtype.js';
import { checkShape, numel, shapeStr } from './shape.js';
import { normal, permutation, randomInt, uniform } from './random.js';
import { bindArgs, checkKeys, describeValue, sizeArgs, splitOptions, type PyArgs } from './signature.js';


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
export function tensor(...args: PyArgs<[data: TensorLike | Tensor], TensorOptions & { data?: TensorLike | Tensor }>): Tensor {
  const a = bindArgs('tensor', args, { positional: [{ name: 'data', required: true }], keywordOnly: CREATION_KEYS });
  const data = a.data as TensorLike | Tensor;
  const opts = a as TensorOptions;
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

/** The keyword arguments every creation function takes (PyTorch's `dtype=` and `requires_grad=`). */
const CREATION_KEYS = [{ name: 'dtype', kind: 'string' }, { name: 'requiresGrad', kind: 'bool' }] as const;

/**
 * The arguments of a function that takes a size as varargs or one list (PyTorch's `*size`), then
 * options: `zeros(6, 8)`, `zeros([6, 8])`, `zeros(6, 8, { dtype })`, `zeros({ size: [6, 8] })`. Returns
 * the shape and the checked options.
 */
function sizeAndOptions(op: string, args: readonly unknown[]): [number[], TensorOptions] {
  const [positional, opts] = splitOptions(args);
  checkKeys(op, opts, ['size', 'dtype', 'requiresGrad']);
  let shape: number[];
  if (opts.size !== undefined) {
    if (positional.length) throw new Error(`${op}: got multiple values for argument 'size' (by position and in the options object)`);
    [shape] = sizeArgs(op, [opts.size]);
  } else {
    if (!positional.length) throw new Error(`${op}: missing required argument 'size' (give it as varargs, ${op}(2, 3), or one list, ${op}([2, 3]))`);
    [shape] = sizeArgs(op, positional);
  }
  return [shape, creationOptions(op, opts)];
}

/** The dtype and requiresGrad options, kind-checked. */
function creationOptions(op: string, opts: Record<string, unknown>): TensorOptions {
  if (opts.requiresGrad !== undefined && typeof opts.requiresGrad !== 'boolean') {
    throw new Error(`${op}: requiresGrad must be a boolean, got ${describeValue(opts.requiresGrad)}`);
  }
  return { dtype: opts.dtype as DType | undefined, requiresGrad: opts.requiresGrad as boolean | undefined };
}

/** A size argument that is one integer or one list of integers (full, randint): checked and copied. */
function sizeArg(op: string, size: number | readonly number[]): number[] {
  const shape = typeof size === 'number' ? [size] : [...size];
  checkShape(op, shape);
  return shape;
}

/** The arguments of a creation function: PyTorch's size, either as varargs or one list, then options. */
export type SizeArgs = [...size: number[], opts: TensorOptions] | number[] | [size: readonly number[], opts?: TensorOptions] | [opts: TensorOptions & { size: number | readonly number[] }];

/**
 * A tensor of the given size with every element `value`. PyTorch: `torch.full`.
 * @example
 * ```ts
 * full([2, 3], 7);  // tensor([[7., 7., 7.], [7., 7., 7.]])
 * full([2], 0.5, { dtype: 'float64' });
 * ```
 */
export function full(...args: PyArgs<[size: number | readonly number[], fillValue: number], TensorOptions & { size?: number | readonly number[]; fillValue?: number }>): Tensor {
  const a = bindArgs('full', args, { positional: [{ name: 'size', kind: 'size', required: true }, { name: 'fillValue', kind: 'number', required: true }], keywordOnly: CREATION_KEYS });
  return filled('full', sizeArg('full', a.size as number[]), a.fillValue as number, a as TensorOptions);
}

/** full, zeros and ones, under their own names in errors. */
function filled(op: string, shape: number[], value: number, opts: TensorOptions): Tensor {
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
 * zeros(2, 3).shape;                 // [2, 3]
 * zeros([2, 3]).shape;                // [2, 3], the same
 * zeros(5, { dtype: 'int32' });
 * ```
 */
export function zeros(...args: SizeArgs): Tensor {
  const [shape, opts] = sizeAndOptions('zeros', args);
  return filled('zeros', shape, 0, opts);
}

/**
 * A tensor of ones (float32 unless `opts.dtype`). PyTorch: `torch.ones`.
 * @example
 * ```ts
 * ones([1, 1, 3, 3]).div(9);  // a 3×3 box filter
 * ones(2, 2, { requiresGrad: true });
 * ```
 */
export function ones(...args: SizeArgs): Tensor {
  const [shape, opts] = sizeAndOptions('ones', args);
  return filled('ones', shape, 1, opts);
}

/**
 * A tensor of the given size whose values are not meant to be read before they are written; convnet
 * gives zeros (its buffers come from a pool, so nothing is saved by leaving them unset). PyTorch:
 * `torch.empty`.
 * @example
 * ```ts
 * const out = empty(2, 3);  // then fill it: out.copy_(…)
 * ```
 */
export function empty(...args: SizeArgs): Tensor {
  const [shape, opts] = sizeAndOptions('empty', args);
  return filled('empty', shape, 0, opts);
}

/** The options of the `*Like` functions: the dtype (default the input's) and requiresGrad. */
type LikeOptions = TensorOptions & { input?: Tensor };

/** Binds `(input, opts)` of a `*Like` function; returns the input and its options with the input's dtype as default. */
function likeArgs(op: string, args: readonly unknown[], extra: { name: string; kind: 'number'; required: true }[] = []): [Tensor, Record<string, unknown>, TensorOptions] {
  const a = bindArgs(op, args, { positional: [{ name: 'input', kind: 'tensor', required: true }, ...extra], keywordOnly: CREATION_KEYS });
  const t = a.input as Tensor;
  return [t, a, { dtype: (a.dtype as DType | undefined) ?? t.dtype, requiresGrad: a.requiresGrad as boolean | undefined }];
}

/**
 * Zeros of `t`'s shape and dtype (or `opts.dtype`). PyTorch: `torch.zeros_like`.
 * @example
 * ```ts
 * const acc = zerosLike(w);
 * ```
 */
export function zerosLike(...args: PyArgs<[input: Tensor], LikeOptions>): Tensor {
  const [t, , opts] = likeArgs('zerosLike', args);
  return filled('zerosLike', [...t.shape], 0, opts);
}

/**
 * Ones of `t`'s shape and dtype (or `opts.dtype`). PyTorch: `torch.ones_like`.
 * @example
 * ```ts
 * y.backward(onesLike(y));  // the gradient of y.sum()
 * ```
 */
export function onesLike(...args: PyArgs<[input: Tensor], LikeOptions>): Tensor {
  const [t, , opts] = likeArgs('onesLike', args);
  return filled('onesLike', [...t.shape], 1, opts);
}

/**
 * A tensor of `t`'s shape and dtype (or `opts.dtype`) not meant to be read before it is written (zeros in
 * convnet, see {@link empty}). PyTorch: `torch.empty_like`.
 * @example
 * ```ts
 * const buf = emptyLike(x);
 * ```
 */
export function emptyLike(...args: PyArgs<[input: Tensor], LikeOptions>): Tensor {
  const [t, , opts] = likeArgs('emptyLike', args);
  return filled('emptyLike', [...t.shape], 0, opts);
}

/**
 * `value` everywhere, in `t`'s shape and dtype (or `opts.dtype`). PyTorch: `torch.full_like`.
 * @example
 * ```ts
 * fullLike(x, -1);
 * ```
 */
export function fullLike(...args: PyArgs<[input: Tensor, fillValue: number], LikeOptions & { fillValue?: number }>): Tensor {
  const [t, a, opts] = likeArgs('fullLike', args, [{ name: 'fillValue', kind: 'number', required: true }]);
  return filled('fullLike', [...t.shape], a.fillValue as number, opts);
}

/**
 * Uniform values in [0, 1) of `t`'s shape and float dtype (or `opts.dtype`). PyTorch: `torch.rand_like`.
 * @example
 * ```ts
 * const noise = randLike(x);
 * ```
 */
export function randLike(...args: PyArgs<[input: Tensor], LikeOptions>): Tensor {
  const [t, , opts] = likeArgs('randLike', args);
  return rand(t.shape, opts);
}

/**
 * Standard normal values of `t`'s shape and float dtype (or `opts.dtype`). PyTorch: `torch.randn_like`.
 * @example
 * ```ts
 * const noisy = x.add(randnLike(x).mul(0.1));
 * ```
 */
export function randnLike(...args: PyArgs<[input: Tensor], LikeOptions>): Tensor {
  const [t, , opts] = likeArgs('randnLike', args);
  return randn(t.shape, opts);
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
 * arange(10, { dtype: 'int32' });               // the same
 * ```
 */
export function arange(...args: PyArgs<[start: number, end: number, step: number], TensorOptions & { start?: number; end?: number; step?: number }>): Tensor {
  const a = bindArgs('arange', args, { positional: [{ name: 'start', kind: 'number' }, { name: 'end', kind: 'number' }, { name: 'step', kind: 'number' }], keywordOnly: CREATION_KEYS });
  let start = a.start as number | undefined, end = a.end as number | undefined;
  const step = (a.step as number | undefined) ?? 1;
  const opts = a as TensorOptions;
  // arange(end) as PyTorch's one-argument overload; arange({ end }) and arange({ start, end }) by name.
  if (end === undefined) {
    // One positional number is the end (PyTorch's arange(end)); a start given by name needs an end.
    const startByName = splitOptions(args)[1].start !== undefined;
    if (start === undefined || startByName) throw new Error('arange: missing required argument \'end\'');
    end = start;
    start = 0;
  }
  start ??= 0;
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
export function linspace(...args: PyArgs<[start: number, end: number, steps: number], TensorOptions & { start?: number; end?: number; steps?: number }>): Tensor {
  const a = bindArgs('linspace', args, { positional: [{ name: 'start', kind: 'number', required: true }, { name: 'end', kind: 'number', required: true }, { name: 'steps', kind: 'number', required: true }], keywordOnly: CREATION_KEYS });
  const start = a.start as number, end = a.end as number, steps = a.steps as number;
  const opts = a as TensorOptions;
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
 * eye(3, { dtype: 'float64' });
 * ```
 */
export function eye(...args: PyArgs<[n: number, m: number], TensorOptions & { n?: number; m?: number }>): Tensor {
  const a = bindArgs('eye', args, { positional: [{ name: 'n', kind: 'int', required: true }, { name: 'm', kind: 'int' }], keywordOnly: CREATION_KEYS });
  const n = a.n as number, m = (a.m as number | undefined) ?? n;
  const opts = a as TensorOptions;
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
 * rand(2, 2);  // the same shape
 * ```
 */
export function rand(...args: SizeArgs): Tensor {
  const [shape, opts] = sizeAndOptions('rand', args);
  const dtype = floatDtype('rand', opts);
  checkAllocation('rand', shape, dtype);
  return fromValues(drawn(dtype, numel(shape), uniform), shape, opts);
}

/**
 * Standard normal values (mean 0, standard deviation 1) from the global seeded generator. PyTorch: `torch.randn`.
 * @example
 * ```ts
 * const x = randn([1, 3, 32, 32]);
 * const w = randn(3, 3, { requiresGrad: true });
 * ```
 */
export function randn(...args: SizeArgs): Tensor {
  const [shape, opts] = sizeAndOptions('randn', args);
  const dtype = floatDtype('randn', opts);
  checkAllocation('randn', shape, dtype);
  return fromValues(drawn(dtype, numel(shape), normal), shape, opts);
}

/**
 * Random integers in [low, high) (low 0 when only `high` is given), int32 unless `opts.dtype`, from the
 * global seeded generator. PyTorch's overloads: `torch.randint(high, size)` and `torch.randint(low, high,
 * size)`; the size is a list, as PyTorch requires.
 * @example
 * ```ts
 * const labels = randint(0, 10, [64]);
 * randint(10, [2, 3]);                 // low 0
 * randint({ high: 10, size: [4] });
 * ```
 */
export function randint(...args: PyArgs<[low: number, high: number, size: readonly number[]], RandintOptions> | PyArgs<[high: number, size: readonly number[]], RandintOptions>): Tensor {
  const [positional, named] = splitOptions(args);
  // PyTorch picks the overload by how many arguments there are: (high, size) or (low, high, size).
  const withLow = positional.length >= 3 || named.low !== undefined || (positional.length === 2 && named.size !== undefined);
  const sizeKind = { test: (v: unknown) => Array.isArray(v) && v.every((d) => Number.isInteger(d)), what: 'a list of integers (PyTorch\'s size is a tuple)' };
  const a = bindArgs('randint', args, {
    positional: [...(withLow ? [{ name: 'low', kind: 'int' as const, required: true }] : []), { name: 'high', kind: 'int', required: true }, { name: 'size', kind: sizeKind, required: true }],
    keywordOnly: [...(withLow ? [] : ['low']), ...CREATION_KEYS],
  });
  const low = (a.low as number | undefined) ?? 0, high = a.high as number;
  if (high <= low) throw new Error(`randint: expected low < high, got low=${low}, high=${high}`);
  const shape = sizeArg('randint', a.size as number[]);
  const dtype = dtypeOption('randint', a) ?? 'int32';
  checkAllocation('randint', shape, dtype);
  return fromValues(drawn(dtype, numel(shape), () => randomInt(low, high)), shape, a as TensorOptions);
}

/**
 * A source of random permutations, as {@link randperm}'s `generator` takes: convnet's `Generator` (whose
 * `permutation(n)` draws one), or any object with that method.
 * @example
 * ```ts
 * randperm(10, { generator: new Generator(0) });
 * ```
 */
export interface PermutationSource {
  /** A random permutation of 0 … n − 1, drawn from this source. */
  permutation(n: number): ArrayLike<number>;
}

/**
 * Options of {@link randperm}: `n` by name, the generator to draw from (the global seeded one by default),
 * and the creation options. PyTorch: the keyword arguments of `torch.randperm`.
 * @example
 * ```ts
 * randperm({ n: 5, dtype: 'float32' });
 * ```
 */
export interface RandpermOptions extends TensorOptions {
  n?: number;
  generator?: PermutationSource;
}

const GENERATOR_KIND = {
  test: (v: unknown) => v !== null && typeof v === 'object' && typeof (v as PermutationSource).permutation === 'function',
  what: 'a Generator',
};

/**
 * A random permutation of 0 … n − 1 (Fisher–Yates), as a 1-D int32 tensor (PyTorch's default is int64,
 * which convnet does not have): drawn from the global seeded generator ({@link manualSeed}), or from
 * `generator`. PyTorch: `torch.randperm`.
 * @example
 * ```ts
 * randperm(5);                                // e.g. tensor([3, 0, 4, 1, 2], dtype=torch.int32)
 * randperm(5, { generator: new Generator(0) });
 * randperm(5, { dtype: 'float32' });
 * ```
 */
export function randperm(...args: PyArgs<[n: number], RandpermOptions>): Tensor {
  const a = bindArgs('randperm', args, {
    positional: [{ name: 'n', kind: 'int', required: true }],
    keywordOnly: [{ name: 'generator', kind: GENERATOR_KIND }, ...CREATION_KEYS],
  });
  const n = a.n as number;
  if (n < 0) throw new Error(`randperm: n must be non-negative, got ${n}`);
  const dtype = dtypeOption('randperm', a) ?? 'int32';
  checkAllocation('randperm', [n], dtype);
  const p = a.generator === undefined ? permutation(n) : (a.generator as PermutationSource).permutation(n);
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = p[i];
  return fromValues(values, [n], a as TensorOptions);
}

/**
 * Options of {@link randint}: any of its arguments by name, and the creation options.
 * PyTorch: the keyword arguments of `torch.randint`.
 * @example
 * ```ts
 * randint(0, 10, { size: [8], dtype: 'float32' });
 * ```
 */
export interface RandintOptions extends TensorOptions {
  low?: number;
  high?: number;
  size?: readonly number[];
}

/** The float dtype of a random tensor: float32 unless opts.dtype names float64 (random ints come from randint). */
function floatDtype(op: string, opts: TensorOptions): DType {
  const dtype = dtypeOption(op, opts) ?? 'float32';
  if (dtype === 'int32') throw new Error(`${op}: dtype must be a floating-point type, got int32 (random integers come from randint)`);
  return dtype;
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
