// data/dataset.ts — datasets as torch.utils.data: a Dataset has getItem(i) and length; TensorDataset
// wraps tensors that share their first dimension; Subset and randomSplit cut one into parts.
//
// A dataset may also implement getBatch(indices), which the DataLoader prefers: it writes the whole
// batch at once (no tensor per sample). TensorDataset and the MNIST family do.

import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { indexSelect } from '../ops/shape.js';
import { noGrad } from '../autograd/tape.js';
import { bindArgs, checkKeys, splitOptions, type PyArgs } from '../tensor/signature.js';
import { Generator } from './rng.js';

/** Datasets whose getBatch always makes new tensors that nothing else holds: convnet's own, each file
 *  marking its classes. Exactly these classes, not their subclasses (a subclass's getBatch may return
 *  tensors it keeps, e.g. a cache), as markBuiltIn in nn/module.ts. */
const freshBatchClasses = new WeakSet<object>();

export function markFreshBatches(...classes: object[]): void {
  for (const c of classes) freshBatchClasses.add(c);
}

/**
 * The base class of datasets: `getItem(i)` returns the i-th sample and `length` their number. A dataset may
 * also implement `getBatch(indices)`, which the {@link DataLoader} prefers. PyTorch:
 * `torch.utils.data.Dataset`.
 * @example
 * ```ts
 * class Squares extends Dataset<[Tensor, Tensor]> {
 *   get length() { return 100; }
 *   getItem(i: number): [Tensor, Tensor] { return [tensor([i]), tensor([i * i])]; }
 * }
 * ```
 */
export abstract class Dataset<T = unknown> {
  /**
   * The sample at `index`. PyTorch: `Dataset.__getitem__`.
   * @example
   * ```ts
   * const [x, y] = ds.getItem(0);
   * ```
   */
  abstract getItem(index: number): T;
  /**
   * The number of samples. PyTorch: `Dataset.__len__`.
   * @example
   * ```ts
   * ds.length;
   * ```
   */
  abstract get length(): number;

  /**
   * Optional fast path: the collated batch for these indices, which the {@link DataLoader} uses instead of
   * `getItem` and `collateFn`. PyTorch: `Dataset.__getitems__`.
   * @example
   * ```ts
   * override getBatch(indices: Int32Array): [Tensor, Tensor] { return [gatherRows(this.x, indices), gatherRows(this.y, indices)]; }
   * ```
   */
  getBatch?(indices: Int32Array): unknown;

  /** Whether getBatch always makes new tensors that nothing else holds (so a training loop may free a
   *  batch once used): true for convnet's own datasets (exactly their classes, not subclasses). A
   *  subclass whose getBatch makes new tensors every time may override this getter to return true. */
  get batchesAreFresh(): boolean {
    return freshBatchClasses.has(this.constructor);
  }

  /** Checks an index the way every getItem should (integers, negatives count from the end). */
  protected checkIndex(op: string, index: number): number {
    const n = this.length;
    if (!Number.isInteger(index)) throw new Error(`${op}: index must be an integer, got ${index}`);
    const i = index < 0 ? index + n : index;
    if (i < 0 || i >= n) throw new Error(`${op}: index ${index} is out of range for a dataset of ${n} items`);
    return i;
  }
}

/**
 * Rows `indices` of `t` (along dim 0) as a new tensor, gathered by the backend; the index tensor is freed at
 * once. PyTorch: `t[indices]` (`torch.index_select(t, 0, indices)`).
 * @example
 * ```ts
 * data.gatherRows(tensor([[1, 2], [3, 4], [5, 6]]), Int32Array.of(2, 0));  // [[5, 6], [1, 2]]
 * ```
 */
export function gatherRows(t: Tensor, indices: Int32Array): Tensor {
  const index = fromArray(indices, [indices.length]);
  try {
    return noGrad(() => indexSelect(t, 0, index));
  } finally {
    index.dispose();
  }
}

/**
 * A dataset over tensors of equal first dimension: sample i is the i-th row of each. PyTorch:
 * `torch.utils.data.TensorDataset`.
 * @example
 * ```ts
 * const ds = new TensorDataset(randn([100, 3, 8, 8]), randint(0, 10, [100]));
 * const [x, y] = ds.getItem(0);  // [3, 8, 8] and a 0-d label
 * ```
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...given: Tensor[]) {
    super();
    // PyTorch's TensorDataset(*tensors): tensors only, no keyword arguments.
    const [tensors, opts] = splitOptions(given) as [Tensor[], Record<string, unknown>];
    checkKeys('TensorDataset', opts, []);
    if (tensors.length === 0) throw new Error('TensorDataset: needs at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.ndim === 0) throw new Error(`TensorDataset: tensor ${i} is 0-d; every tensor needs a first (sample) dimension`);
    });
    const n = tensors[0].shape[0];
    tensors.forEach((t, i) => {
      if (t.shape[0] !== n) throw new Error(`TensorDataset: size mismatch between tensors: tensor 0 has ${n} samples, tensor ${i} has ${t.shape[0]} (shape [${t.shape.join(', ')}])`);
    });
    this.tensors = tensors;
  }

  /**
   * The number of samples: the tensors' first dimension. PyTorch: `len(dataset)`.
   * @example
   * ```ts
   * new TensorDataset(zeros([5, 2]), zeros([5])).length;  // 5
   * ```
   */
  get length(): number { return this.tensors[0].shape[0]; }

  /**
   * The index-th row of each tensor. PyTorch: `dataset[index]`.
   * @example
   * ```ts
   * const [x, y] = ds.getItem(3);
   * ```
   */
  getItem(index: number): Tensor[] {
    const i = this.checkIndex('TensorDataset', index);
    return this.tensors.map((t) => gatherRows(t, Int32Array.of(i)).reshape(t.shape.slice(1)));
  }

  /**
   * The rows at `indices` of each tensor, gathered in one go. PyTorch: `Dataset.__getitems__`.
   * @example
   * ```ts
   * const [x, y] = ds.getBatch(Int32Array.of(0, 1, 2));
   * ```
   */
  override getBatch(indices: Int32Array): Tensor[] {
    return this.tensors.map((t) => gatherRows(t, indices));
  }
}
markFreshBatches(TensorDataset);

/**
 * The items of `dataset` at `indices`, in that order. PyTorch: `torch.utils.data.Subset`.
 * @example
 * ```ts
 * const firstHundred = new Subset(train, Array.from({ length: 100 }, (_, i) => i));
 * ```
 */
export class Subset<T> extends Dataset<T> {
  readonly indices: Int32Array;

  constructor(readonly dataset: Dataset<T>, indices: ArrayLike<number>, ...rest: [] | [Record<string, never>]) {
    super();
    bindArgs('Subset', [dataset, indices, ...rest], { positional: ['dataset', 'indices'] });
    const n = dataset.length;
    this.indices = Int32Array.from(indices);
    for (const i of this.indices) if (i < 0 || i >= n) throw new Error(`Subset: index ${i} is out of range for a dataset of ${n} items`);
    const inner = dataset.getBatch?.bind(dataset);
    if (inner) {
      this.getBatch = (idx: Int32Array) => inner(idx.map((j) => this.indices[j]));
    }
  }

  /** A Subset's batches are its dataset's: fresh when those are (and this is a Subset, not a subclass). */
  override get batchesAreFresh(): boolean {
    return this.constructor === Subset && this.dataset.batchesAreFresh;
  }

  /**
   * The number of indices. PyTorch: `len(subset)`.
   * @example
   * ```ts
   * new Subset(ds, [0, 2, 4]).length;  // 3
   * ```
   */
  get length(): number { return this.indices.length; }

  /**
   * The item of the underlying dataset at `indices[index]`. PyTorch: `subset[index]`.
   * @example
   * ```ts
   * subset.getItem(0);
   * ```
   */
  getItem(index: number): T {
    return this.dataset.getItem(this.indices[this.checkIndex('Subset', index)]);
  }
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths (or fractions that sum to 1),
 * shuffled by `generator` (a {@link Generator}, as PyTorch's third argument) or by a `seed` (default 0).
 * PyTorch: `torch.utils.data.random_split`.
 * @example
 * ```ts
 * const [trainPart, valPart] = randomSplit(train, [0.9, 0.1], { seed: 0 });
 * randomSplit(train, [0.9, 0.1], new Generator(42));
 * ```
 */
export function randomSplit<T>(...args: PyArgs<[dataset: Dataset<T>, lengths: readonly number[], generator: Generator], { dataset?: Dataset<T>; lengths?: readonly number[]; generator?: Generator; seed?: number }>): Subset<T>[] {
  const a = bindArgs('randomSplit', args, {
    positional: [{ name: 'dataset', kind: { test: (v) => v instanceof Dataset, what: 'a Dataset' }, required: true },
      { name: 'lengths', kind: { test: (v) => Array.isArray(v) && v.every((x) => typeof x === 'number'), what: 'a list of lengths or fractions' }, required: true },
      { name: 'generator', kind: { test: (v) => v instanceof Generator, what: 'a Generator' } }],
    keywordOnly: [{ name: 'seed', kind: 'number' }],
  });
  if (a.generator !== undefined && a.seed !== undefined) throw new Error('randomSplit: give a generator or a seed, not both');
  const dataset = a.dataset as Dataset<T>, lengths = a.lengths as number[];
  const n = dataset.length;
  let sizes = [...lengths];
  if (sizes.every((v) => v >= 0 && v <= 1) && Math.abs(sizes.reduce((a, b) => a + b, 0) - 1) < 1e-9 && sizes.some((v) => !Number.isInteger(v))) {
    sizes = sizes.map((f) => Math.floor(f * n));
    for (let k = 0; sizes.reduce((a, b) => a + b, 0) < n; k++) sizes[k % sizes.length]++;
  }
  if (sizes.some((v) => !Number.isInteger(v) || v < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new Error(`randomSplit: lengths ${JSON.stringify(lengths)} must be non-negative integers summing to the dataset's length ${n} (or fractions summing to 1)`);
  }
  const perm = ((a.generator as Generator | undefined) ?? new Generator((a.seed as number | undefined) ?? 0)).permutation(n);
  const out: Subset<T>[] = [];
  let at = 0;
  for (const s of sizes) { out.push(new Subset(dataset, perm.subarray(at, at + s))); at += s; }
  return out;
}
