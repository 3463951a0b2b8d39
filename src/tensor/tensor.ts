// tensor/tensor.ts — the Tensor: a handle to data its backend owns (backend/storage.ts), a shape and
// dtype, and the autograd fields (requiresGrad, grad, gradFn; the data's version counter, below).
// Tensors are contiguous and row-major; views (reshape, view, flatten, detach) share the handle. Math
// methods are attached by ops/methods.ts and backward() by autograd/, so this file depends on nothing
// above it.
//
// Values cross into JS only here (dataAsync(), dataSync(), toArray(), item(), printing) and in creation.ts.
// Nobody has to call dispose(): see tensor/lifetime.ts for what the library frees by itself, and the
// backends for what the garbage collector frees. dispose() (and `using`) free at once.

import { backend, freeStorage, moveStorage, moveStorageAsync, readStorage, readStorageAsync, type Storage } from '../backend/index.js';
import type { DataArray, DType } from './dtype.js';
import { formatTensor } from './format.js';
import { bornInScope, setTensorCheck } from './lifetime.js';
import { normAxis, numel, sameShape, shapeStr } from './shape.js';
import { bindArgs } from './signature.js';

/**
 * One recorded operation: its inputs, the tensors its backward keeps, and the function that maps the
 *  output's gradient to its inputs' gradients. Released (its saved tensors given back) after backward. Read it through `t.gradFn`. PyTorch: `torch.autograd.graph.Node` (`Tensor.grad_fn`).
 * @example
 * ```ts
 * const y = tensor([1, 2], { requiresGrad: true }).mul(3);
 * y.gradFn?.name;  // 'MulBackward0', as PyTorch's y.grad_fn.name()
 * y.gradFn?.op;    // 'mul', convnet's op (error messages use it)
 * ```
 */
export interface GradNode {
  /** PyTorch's name for this backward node ('MulBackward0', 'ConvolutionBackward0'), as printed in `grad_fn=<…>`. */
  readonly name: string;
  /** convnet's name of the op that recorded it ('mul', 'conv2d'). */
  readonly op: string;
  inputs: readonly Tensor[];
  output: Tensor | null;
  /** Tensors only this node's backward uses (an arg-max, a dropout mask, a cast copy). */
  saved: readonly Tensor[];
  /** The versions its tensors' data had when it was recorded, where not 0 (null: all were 0); see
   *  recordVersions. */
  versions: ReadonlyMap<Storage, number> | null;
  /**
   * Maps the output's gradient to the inputs' gradients (null where an input needs none).
   */
  backward: (gradOutput: Tensor) => (Tensor | null)[];
  /** Set once backward has used the node and given back what it saved (unless retainGraph). */
  released: boolean;
  /** Each input's history generation when the node was recorded (its `_past.length`; null: all 0): an
   *  input written in place by a recorded op since then gets its gradient through the history it had
   *  then (`input._past[gen]`), as PyTorch's graph edges point at the node, not at the tensor. */
  gens?: readonly number[] | null;
}

/**
 * Nested JS arrays of numbers (or booleans), as {@link tensor} takes them and {@link Tensor.toArray}
 * returns them; a bare number is a 0-d tensor. PyTorch: the nested lists of `torch.tensor` and `Tensor.tolist`.
 * @example
 * ```ts
 * const rows: NestedArray = [[1, 2], [3, 4]];
 * ```
 */
export type NestedArray = number | boolean | NestedArray[];

/** A tensor's handle without moving it, for this file's functions (set by the class's static block, as
 *  _storage is private). */
let dataOf: (t: Tensor) => Storage | null;

/**
 * An n-dimensional array of float32, float64 or int32 values, with autograd: the class every op takes
 * and returns. Create one with {@link tensor}, {@link zeros}, {@link randn} and the other creation
 * functions; its data lives on a backend (see {@link Tensor.device}). PyTorch: `torch.Tensor`.
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad;           // tensor([[2., 4.], [6., 8.]])
 * x.shape;          // [2, 2]
 * await x.dataAsync();   // Float32Array [1, 2, 3, 4]
 * ```
 */
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
  /** Set on the tensors `.data` returns: their in-place writes count no version (PyTorch's `.data`). */
  _untracked = false;
  /** The histories this tensor had before recorded in-place ops rewrote it (ops/inplace.ts): entry k
   *  stands for the tensor as it was at generation k (its gradFn and requiresGrad then); null: never. */
  _past: Tensor[] | null = null;

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
    bornInScope(this);
  }

  static {
    dataOf = (t) => t._storage;
  }

  /** The handle, on the active backend (data made on another backend moves here on first use). */
  get storage(): Storage {
    const s = this._storage;
    if (!s) throw disposedError(this);
    if (reading) checkVersion(this, s, reading);
    const b = backend();
    if (s.backend !== b) moveStorage(s, b);
    return s;
  }

  /** The handle wherever its data is now (no move): for reading values out. */
  private handle(): Storage {
    if (!this._storage) throw disposedError(this);
    return this._storage;
  }

  /**
   * Whether dispose() has freed this tensor (its data may live on through views that share it). convnet's own.
   * @example
   * ```ts
   * t.dispose();
   * t.isDisposed;  // true
   * ```
   */
  get isDisposed(): boolean {
    return this._storage === null;
  }

  /**
   * Gives back this tensor's reference to its data now; the data is freed when no view uses it. Never
   * required (the garbage collector frees what is dropped); using the tensor afterwards is an error.
   * convnet's own (Python frees by reference counting; the nearest is `del t`).
   * @example
   * ```ts
   * const big = randn([4096, 4096]);
   * const s = big.sum().item();
   * big.dispose();
   * ```
   */
  dispose(): void {
    const s = this._storage;
    if (!s) return;
    this._storage = null;
    if (--s.refs === 0) freeStorage(s);
  }

  /**
   * Frees the tensor at the end of a `using` block: the same as {@link Tensor.dispose}. PyTorch has no
   * counterpart (Python frees by reference counting).
   * @example
   * ```ts
   * {
   *   using tmp = randn([1000, 1000]);
   *   total = tmp.sum().item();
   * } // tmp's data is freed here
   * ```
   */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * The accumulated gradient after backward(), for leaves (and tensors that called retainGrad()); null
   * before. Assigning replaces it (null clears it). PyTorch: `Tensor.grad`.
   * @example
   * ```ts
   * loss.backward();
   * model.fc.weight.grad!.shape;
   * ```
   */
  get grad(): Tensor | null {
    if (this._grad) this._gradExposed = true;
    return this._grad;
  }

  /** Replaces the gradient (null clears it, as zeroGrad does); a gradient it replaces that no user code
   *  was ever handed is freed at once. */
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) throw new Error(`grad: expected a Tensor or null, got ${typeof g}`);
    if (g && !sameShape(g.shape, this.shape)) {
      throw new Error(`grad: assigned gradient has shape ${shapeStr(g.shape)} but the tensor has shape ${shapeStr(this.shape)}`);
    }
    const old = this._grad;
    if (old && old !== g && !this._gradExposed) old.dispose();
    this._grad = g;
    this._gradExposed = g !== null;
  }

  /** How many in-place operations have written this tensor's data (shared by its views): PyTorch's
   *  _version, which autograd checks (see recordVersions). */
  get _version(): number {
    return versions.get(this.handle()) ?? 0;
  }

  /**
   * The number of dimensions. PyTorch: `Tensor.ndim`.
   * @example
   * ```ts
   * zeros([2, 3, 4]).ndim;  // 3
   * ```
   */
  get ndim(): number { return this.shape.length; }
  /**
   * The number of dimensions, as a method. PyTorch: `Tensor.dim`.
   * @example
   * ```ts
   * zeros([2, 3]).dim();  // 2
   * ```
   */
  dim(): number { return this.shape.length; }
  /**
   * The number of elements (the product of the shape). PyTorch: `Tensor.numel`.
   * @example
   * ```ts
   * zeros([2, 3, 4]).numel();  // 24
   * ```
   */
  numel(): number { return numel(this.shape); }
  /**
   * Whether the tensor was made by the user rather than recorded by an operation (no `gradFn`); leaves
   * that require grad get `.grad` after backward. PyTorch: `Tensor.is_leaf`.
   * @example
   * ```ts
   * const w = randn([3], { requiresGrad: true });
   * w.isLeaf;          // true
   * w.mul(2).isLeaf;   // false
   * ```
   */
  get isLeaf(): boolean { return this.gradFn === null; }
  /**
   * Whether the dtype is float32 or float64. PyTorch: `Tensor.is_floating_point`.
   * @example
   * ```ts
   * tensor([1], { dtype: 'int32' }).isFloatingPoint;  // false
   * ```
   */
  get isFloatingPoint(): boolean { return this.dtype !== 'int32'; }
  /**
   * The name of the backend that holds the data now ('ref', 'wasm' or 'webgpu'). PyTorch: `Tensor.device`.
   * @example
   * ```ts
   * zeros([2]).device;  // 'wasm'
   * ```
   */
  get device(): string { return this.handle().backend.name; }

  /**
   * The shape (a copy). PyTorch: `Tensor.size()`.
   * @example
   * ```ts
   * zeros([2, 3]).size();  // [2, 3]
   * ```
   */
  size(): number[];
  /**
   * The size of one dimension (negative counts from the end). PyTorch: `Tensor.size(dim)`.
   * @example
   * ```ts
   * zeros([2, 3]).size(-1);  // 3
   * ```
   */
  size(dim: number): number;
  /**
   * The size of `dim` given by name. PyTorch: `Tensor.size(dim=…)`.
   * @example
   * ```ts
   * zeros([2, 3]).size({ dim: 0 });  // 2
   * ```
   */
  size(opts: { dim?: number }): number | number[];
  size(...args: unknown[]): number | number[] {
    const dim = bindArgs('size', args, { positional: [{ name: 'dim', kind: 'int' }] }).dim as number | undefined;
    if (dim === undefined) return [...this.shape];
    return this.shape[normAxis('size', dim, this.ndim)];
  }

  /**
   * The single value of a one-element tensor, as a number; read synchronously (not from GPU-computed data:
   * use `(await t.dataAsync())[0]` there). PyTorch: `Tensor.item`.
   * @example
   * ```ts
   * loss.item();  // 0.6931…
   * ```
   */
  item(): number {
    const n = this.numel();
    if (n !== 1) {
      throw new Error(`item: only a tensor with one element can be converted to a number, this one has shape ${shapeStr(this.shape)} (${n} elements)`);
    }
    return readStorage(this.handle())[0];
  }

  /**
   * The values as a flat typed array (a copy), read synchronously. GPU backends may refuse: use {@link Tensor.data}.
   * PyTorch: `Tensor.numpy().ravel()` (a copy).
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).dataSync();  // Float32Array [1, 2, 3, 4]
   * ```
   */
  dataSync(): DataArray {
    return readStorage(this.handle());
  }

  /**
   * The values as a flat typed array (a copy), read asynchronously: works on every backend, GPUs included.
   * PyTorch: `Tensor.cpu().numpy().ravel()`.
   * @example
   * ```ts
   * const values = await logits.dataAsync();
   * ```
   */
  async dataAsync(): Promise<DataArray> {
    return readStorageAsync(this.handle());
  }

  /**
   * PyTorch's `.data`: a tensor that shares this one's data, outside autograd (no gradient, no history),
   * whose in-place writes autograd does not count: the tutorial's `w.data.sub_(w.grad!.mul(lr))`. Read
   * values with {@link Tensor.dataAsync} or {@link Tensor.dataSync}. PyTorch: `Tensor.data`.
   * @example
   * ```ts
   * w.data.sub_(w.grad!.mul(0.01));  // a gradient step, as w.data -= lr * w.grad
   * ```
   */
  get data(): Tensor {
    const t = new Tensor(this.handle(), this.shape, false);
    t._untracked = true;
    return t;
  }

  /**
   * Makes this tensor use `value`'s data (shared, not copied), and its shape: PyTorch's
   * `conv.weight.data = K`. The dtypes must match. Autograd history and `.grad` are kept.
   */
  set data(value: Tensor) {
    if (!(value instanceof Tensor)) {
      throw new Error(`data: can only assign a Tensor to .data, got ${value === null ? 'null' : Array.isArray(value) ? 'an array (wrap it with tensor(…))' : typeof value}`);
    }
    if (value.dtype !== this.dtype) {
      throw new Error(`data: assigned data has dtype ${value.dtype} but this tensor is ${this.dtype}; convert it first (value.to('${this.dtype}'))`);
    }
    const next = value.handle();
    const prev = this.handle();
    if (next === prev) return;
    next.refs++;
    this._storage = next;
    this.shape.splice(0, this.shape.length, ...value.shape);
    if (--prev.refs === 0) freeStorage(prev);
  }

  /**
   * The values as nested JS arrays in the tensor's shape (a number for a 0-d tensor), read synchronously.
   * PyTorch: `Tensor.tolist`.
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).toArray();  // [[1, 2], [3, 4]]
   * ```
   */
  toArray(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }

  /**
   * {@link Tensor.toArray}, read the way every backend supports (await). PyTorch: `Tensor.tolist`.
   * @example
   * ```ts
   * const rows = await probs.array();
   * ```
   */
  async array(): Promise<NestedArray> {
    return nest(await this.dataAsync(), this.shape);
  }

  /**
   * Moves this tensor's data (shared with its views) to backend `name` ('ref', 'wasm', 'webgpu'), reading it
   * asynchronously: how data leaves a GPU, which cannot be read synchronously. Returns this tensor. A tensor
   * used on another backend moves there by itself, except off a GPU. PyTorch: `Tensor.to(device)`.
   * @example
   * ```ts
   * await setBackend('webgpu');
   * const y = model(x);
   * await setBackend('wasm');
   * await y.moveTo('wasm');
   * ```
   */
  async moveTo(...args: [name: string] | [name: string, opts: Record<string, never>] | [opts: { name?: string }]): Promise<this> {
    const name = bindArgs('moveTo', args, { positional: [{ name: 'name', kind: 'string', required: true }] }).name as string;
    await moveStorageAsync(this.handle(), name);
    return this;
  }

  /**
   * Marks this leaf as needing a gradient (or, with false, not); returns the tensor. Only floating-point
   * tensors can require gradients. PyTorch: `Tensor.requires_grad_`.
   * @example
   * ```ts
   * const w = randn([3, 3]).requiresGrad_();
   * ```
   */
  requiresGrad_(...args: [requiresGrad?: boolean] | [requiresGrad: boolean, opts: Record<string, never>] | [opts: { requiresGrad?: boolean }]): this {
    const flag = (bindArgs('requiresGrad_', args, { positional: [{ name: 'requiresGrad', kind: 'bool' }] }).requiresGrad as boolean | undefined) ?? true;
    if (!this.isLeaf && !flag) {
      throw new Error('requiresGrad_: cannot turn off requiresGrad on a non-leaf tensor; use detach()');
    }
    if (flag && this.dtype === 'int32') {
      throw new Error('requiresGrad_: only floating-point tensors can require gradients, this one is int32');
    }
    this.requiresGrad = flag;
    return this;
  }

  /**
   * A tensor sharing this one's data, cut from the autograd graph. PyTorch: `Tensor.detach`.
   * @example
   * ```ts
   * const target = model(x).detach();  // no gradient flows back through target
   * ```
   */
  detach(): Tensor {
    return new Tensor(this.handle(), this.shape, false);
  }

  /**
   * Keeps `.grad` on a non-leaf tensor after backward (leaves keep theirs anyway). PyTorch: `Tensor.retain_grad`.
   * @example
   * ```ts
   * const h = x.mul(2).retainGrad();
   * h.sum().backward();
   * h.grad;  // ones of h's shape
   * ```
   */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /**
   * The tensor printed as PyTorch prints it. PyTorch: `repr(tensor)`.
   * @example
   * ```ts
   * String(tensor([[19, 25], [37, 43]]));  // 'tensor([[19., 25.],\n        [37., 43.]])'
   * ```
   */
  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

setTensorCheck((x: unknown): x is Tensor => x instanceof Tensor);

// Version counters, as PyTorch's: every in-place op (ops/inplace.ts) counts one write into the data it
// changes, so every view of that data sees it. A recorded node keeps the versions its tensors had; while
// its backward runs, reading one of them at another version throws, instead of computing a gradient from
// values that are no longer the ones the forward used. Only data that was ever written in place is in
// the map (absent: version 0), so autograd pays one WeakMap look-up per tensor otherwise.
const versions = new WeakMap<Storage, number>();
/** The node whose backward is running (see checkingVersions); null otherwise. */
let reading: GradNode | null = null;

// Copies that stand for PyTorch views. convnet's tensors are contiguous, so transpose, permute, narrow,
// select, expand and basic indexing return copies where PyTorch returns views of the input; a write into
// such a result changes the original in PyTorch and would silently not change it here. Their data is
// marked, and an in-place write into marked data throws (checkNotViewCopy), naming the op that made it. A
// tensor sharing that data (reshape, squeeze, .data, detach) shares the mark; clone() gives fresh data.
const viewCopies = new WeakMap<Storage, string>();

/** Marks t's data as the copy `op` made where PyTorch returns a view (t is fresh data, not the input's). */
export function markViewCopy<T extends Tensor>(t: T, op: string): T {
  const s = dataOf(t);
  if (s) viewCopies.set(s, op);
  return t;
}

/** Drops the mark from data nothing else can see (a gradient autograd hands to a leaf's .grad). */
export function unmarkViewCopy(t: Tensor): void {
  const s = dataOf(t);
  if (s) viewCopies.delete(s);
}

/** Throws where t's data is a copy standing for a PyTorch view (see markViewCopy): `op` would write into it. */
export function checkNotViewCopy(op: string, t: Tensor): void {
  const s = dataOf(t);
  const from = s ? viewCopies.get(s) : undefined;
  if (from === undefined) return;
  throw new Error(`${op}: this tensor's data is a copy made by ${from}, which returns a view of its input in PyTorch but a ` +
    `copy in convnet, so writing into it in place would leave the original unchanged. Write into the original ` +
    `(e.g. x.indexPut_(index, value) for x.index(index)), or clone() the ${from} result to make the copy explicit`);
}

/** Counts one in-place write into t's data (ops/inplace.ts calls it after each). */
export function bumpVersion(t: Tensor): void {
  checkNotViewCopy('in-place write', t);
  if (t._untracked) return;
  const s = dataOf(t);
  if (s) versions.set(s, (versions.get(s) ?? 0) + 1);
}

/** Stores in node.versions the versions of its inputs', output's and saved tensors' data now (autograd
 *  calls it when it records the node). */
export function recordVersions(node: GradNode): void {
  let map: Map<Storage, number> | null = null;
  for (const t of node.inputs) map = noteVersion(map, t);
  map = noteVersion(map, node.output);
  for (const t of node.saved) map = noteVersion(map, t);
  node.versions = map;
}

/** `map` with t's data's version added if it is not 0 (a map is made for the first such). */
function noteVersion(map: Map<Storage, number> | null, t: Tensor | null): Map<Storage, number> | null {
  const s = t && dataOf(t);
  const v = s ? versions.get(s) : undefined;
  if (s && v) (map ??= new Map()).set(s, v);
  return map;
}

/** Runs fn (node's backward): reading data the node holds at a version other than the one it recorded
 *  throws PyTorch's error. */
export function checkingVersions<T>(node: GradNode, fn: () => T): T {
  const prev = reading;
  reading = node;
  try {
    return fn();
  } finally {
    reading = prev;
  }
}

function checkVersion(t: Tensor, s: Storage, node: GradNode): void {
  const now = versions.get(s);
  if (now === undefined) return; // never written in place: what every node recorded
  let expected = node.versions?.get(s);
  if (expected === undefined) {
    const holds = (u: Tensor | null): boolean => u !== null && dataOf(u) === s;
    if (!(node.inputs.some(holds) || holds(node.output) || node.saved.some(holds))) return; // not the node's
    expected = 0;
  }
  if (now === expected) return;
  throw new Error('backward: one of the variables needed for gradient computation has been modified by an inplace operation: ' +
    `[${t.dtype} ${shapeStr(t.shape)}] is at version ${now}; expected version ${expected} instead. ` +
    `Hint: ${node.name} saved it for its backward; modify a clone() instead, or use the out-of-place op`);
}

/** Nested JS arrays of `shape` from flat values. */
function nest(values: ArrayLike<number>, shape: readonly number[]): NestedArray {
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
