// data/dataloader.ts — batches from a dataset, as torch.utils.data.DataLoader:
//
//   const loader = new DataLoader(trainSet, { batchSize: 64, shuffle: true, seed: 0 });
//   for (const [x, y] of loader) { … }      // x: float32 [64, 1, 28, 28], y: int32 [64]
//
// Each pass over the loader is one epoch. With shuffle, the order of epoch e is a permutation drawn from
// (seed, e), so a run is reproducible and a resumed run (setEpoch) sees the same orders as an
// uninterrupted one; without a seed the global generator (manualSeed) is used. When the dataset has
// getBatch (TensorDataset, MNIST, FashionMNIST), a whole batch is made at once.

import { Tensor } from '../tensor/tensor.js';
import { noExtraArgs } from '../tensor/signature.js';
import { fromArray, randperm } from '../tensor/creation.js';
import { allocArray, type DType } from '../tensor/dtype.js';
import { noGrad } from '../autograd/tape.js';
import { stack, toDtype } from '../ops/shape.js';
import type { Dataset } from './dataset.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { Generator } from './rng.js';

/**
 * Options of {@link DataLoader}: `batchSize` (default 1), `shuffle`, a shuffling `seed`, `dropLast` and a
 * `collateFn`. PyTorch: the keyword arguments of `torch.utils.data.DataLoader` (`seed` stands for its
 * `generator`).
 * @example
 * ```ts
 * new DataLoader(ds, { batchSize: 64, shuffle: true, seed: 0, dropLast: true });
 * ```
 */
export interface DataLoaderOptions<T, B> {
  batchSize?: number;
  shuffle?: boolean;
  /** Seed for the shuffling order (default: the global generator). */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Turns a list of samples into a batch (default: defaultCollate). Bypasses the dataset's getBatch. */
  collateFn?: (samples: T[]) => B;
}

/**
 * Stacks samples into a batch: tensors along a new first dimension, numbers into a tensor (int32 when all
 * are integers, float32 otherwise), tuples and arrays element by element. PyTorch:
 * `torch.utils.data.default_collate`.
 * @example
 * ```ts
 * defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]);  // [tensor [2, 2], int32 tensor [2]]
 * ```
 */
export function defaultCollate(samples: unknown[]): unknown {
  noExtraArgs('defaultCollate', arguments, ['samples']);
  if (samples.length === 0) throw new Error('defaultCollate: no samples');
  const first = samples[0];
  if (first instanceof Tensor) {
    const shape = first.shape;
    samples.forEach((s, i) => {
      const t = s as Tensor;
      if (!(t instanceof Tensor) || t.shape.length !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
        throw new Error(`defaultCollate: sample ${i} is ${t instanceof Tensor ? `a tensor of shape [${t.shape.join(', ')}]` : typeof t}, expected a tensor of shape [${shape.join(', ')}] like sample 0`);
      }
    });
    return noGrad(() => stack((samples as Tensor[]).map((t) => toDtype(t, first.dtype)), 0));
  }
  if (typeof first === 'number') {
    const ints = samples.every((s) => Number.isInteger(s));
    const dtype: DType = ints ? 'int32' : 'float32';
    const out = allocArray(dtype, samples.length);
    samples.forEach((s, i) => {
      if (typeof s !== 'number') throw new Error(`defaultCollate: sample ${i} is ${typeof s}, expected a number like sample 0`);
      out[i] = s;
    });
    return fromArray(out, [samples.length]);
  }
  if (Array.isArray(first)) {
    return first.map((_, k) => defaultCollate(samples.map((s) => (s as unknown[])[k])));
  }
  throw new Error(`defaultCollate: cannot batch samples of type ${typeof first}; pass a collateFn`);
}

/**
 * Iterates over a dataset in batches, in order or shuffled by a seeded generator (the order depends only on
 * the seed and the epoch). Batches come from the dataset's `getBatch` when it has one, else from
 * `collateFn`. PyTorch: `torch.utils.data.DataLoader` (single process).
 * @example
 * ```ts
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
 * for (const [x, y] of loader) {
 *   const loss = F.crossEntropy(model(x), y);
 *   // …
 * }
 * loader.length;  // batches per epoch
 * ```
 */
export class DataLoader<T = unknown, B = T extends unknown[] ? Tensor[] : Tensor> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number | undefined;
  private readonly collateFn?: (samples: T[]) => B;
  /** The epoch the next pass draws its order for; advanced by every pass. */
  epoch = 0;

  constructor(...args: PyArgs<[dataset: Dataset<T>, batchSize: number, shuffle: boolean], DataLoaderOptions<T, B> & { dataset?: Dataset<T> }>) {
    // PyTorch's order (dataset, batch_size, shuffle); its later positional slots (sampler, …) are not
    // supported, so seed, dropLast and collateFn go by name.
    const opts = bindArgs('DataLoader', args, {
      positional: [{ name: 'dataset', required: true }, { name: 'batchSize', kind: 'int' }, { name: 'shuffle', kind: 'bool' }],
      keywordOnly: [{ name: 'seed', kind: 'number' }, { name: 'dropLast', kind: 'bool' }, { name: 'collateFn', kind: 'function' }],
    }) as unknown as DataLoaderOptions<T, B> & { dataset: Dataset<T> };
    const dataset = opts.dataset;
    if (!dataset || typeof dataset.getItem !== 'function') throw new Error('DataLoader: dataset must have getItem(index) and length');
    const batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (opts.seed !== undefined && !Number.isFinite(opts.seed)) throw new Error(`DataLoader: seed must be a finite number, got ${opts.seed}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
    this.seed = opts.seed;
    this.collateFn = opts.collateFn;
  }

  /** Whether every batch is made anew and held by nothing else (so a training loop may free it once
   *  used): true with the default collation, or with getBatch of convnet's own datasets
   *  (Dataset.batchesAreFresh). Only for a DataLoader itself: a subclass may yield other batches. */
  get freshBatches(): boolean {
    const cls: unknown = this.constructor;
    if (cls !== DataLoader || this.collateFn) return false;
    return typeof this.dataset.getBatch !== 'function' || this.dataset.batchesAreFresh === true;
  }

  /** Number of batches per epoch (len(loader)). */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Number of samples one epoch visits. */
  get numSamples(): number {
    return this.dropLast ? this.length * this.batchSize : this.dataset.length;
  }

  /**
   * Sets the epoch whose shuffled order the next pass uses, for resuming a run. PyTorch:
   * `DistributedSampler.set_epoch`.
   * @example
   * ```ts
   * loader.setEpoch(checkpoint.epoch);  // the next pass sees epoch `checkpoint.epoch`'s order
   * ```
   */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`DataLoader.setEpoch: epoch must be a non-negative integer, got ${epoch}`);
    this.epoch = epoch;
  }

  private order(): Int32Array {
    const n = this.dataset.length;
    if (!this.shuffle) {
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      return p;
    }
    // randperm's tensor, read back through the edge API (its data was written from JS, so every backend
    // reads it synchronously).
    const perm = this.seed === undefined ? randperm(n) : randperm(n, { generator: new Generator(this.seed, this.epoch) });
    const order = perm.dataSync() as Int32Array;
    perm.dispose();
    return order;
  }

  /**
   * One pass over the data set (one epoch), batch by batch; each pass advances the epoch. PyTorch:
   * `iter(loader)`.
   * @example
   * ```ts
   * for (const batch of loader) { … }
   * ```
   */
  *[Symbol.iterator](): Iterator<B> {
    const order = this.order();
    this.epoch++;
    const batches = this.length;
    const fast = !this.collateFn && typeof this.dataset.getBatch === 'function';
    for (let b = 0; b < batches; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(order.length, (b + 1) * this.batchSize));
      if (fast) {
        yield this.dataset.getBatch!(idx) as B;
      } else {
        const samples: T[] = [];
        for (const i of idx) samples.push(this.dataset.getItem(i));
        yield (this.collateFn ? this.collateFn(samples) : defaultCollate(samples)) as B;
      }
    }
  }
}
