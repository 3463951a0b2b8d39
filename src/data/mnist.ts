// data/mnist.ts — MNIST, FashionMNIST and KMNIST, as torchvision.datasets, reading the four IDX files
// (gzipped or plain) from a directory:
//
//   const train = new FashionMNIST('/usr/share/datasets/fashion-mnist', { train: true, transform });
//   const [image, label] = train.getItem(0);   // image: float32 [1, 28, 28] in [0, 1], label: 0..9
//
// Images come scaled to [0, 1] with a channel dimension, i.e. what torchvision gives after ToTensor();
// `transform` runs after that. The root defaults to where Debian's dataset packages install the files
// (dataset-fashion-mnist: /usr/share/datasets/fashion-mnist). torchvision's layout (root/FashionMNIST/raw)
// is found too. getBatch writes a whole batch into one Float32Array.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/tape.js';
import { stack, toDtype } from '../ops/shape.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { Dataset, markFreshBatches } from './dataset.js';
import { readIdx } from './idx.js';
import { downloadFromMirrors } from './download.js';
import { describeTransform, type SampleOp, type TransformLike } from './transforms.js';

/**
 * Options of {@link MNIST}, {@link FashionMNIST} and {@link KMNIST}: the split, transforms of the image and
 * the label, and a `limit` on the number of samples. PyTorch: the keyword arguments of
 * `torchvision.datasets.MNIST` (`target_transform` is `targetTransform`).
 * @example
 * ```ts
 * new FashionMNIST(root, { train: false, limit: 500 });
 * ```
 */
export interface MNISTOptions {
  /** The training split (default) or the test split. */
  train?: boolean;
  /** Applied to each image tensor [1, H, W] (float32 in [0, 1]). */
  transform?: TransformLike;
  /** Applied to each label. */
  targetTransform?: (label: number) => number;
  /** Keep only the first `limit` samples. */
  limit?: number;
  /** Fetch the official files first when they are missing (only with `create`). */
  download?: boolean;
}

const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DIGITS = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'];
const KMNIST_CLASSES = ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'];

/** Finds `<prefix>-<kind>-idx?-ubyte[.gz]` (or the `.idx?-ubyte` spelling) under root or torchvision's layout. */
function findFile(dataset: string, root: string, prefix: string, kind: 'images' | 'labels'): string {
  const dims = kind === 'images' ? 3 : 1;
  const names = [`${prefix}-${kind}-idx${dims}-ubyte`, `${prefix}-${kind}.idx${dims}-ubyte`];
  const dirs = [root, join(root, dataset, 'raw'), join(root, 'raw')];
  for (const dir of dirs) {
    for (const name of names) {
      for (const f of [join(dir, `${name}.gz`), join(dir, name)]) if (existsSync(f)) return f;
    }
  }
  const hint = dataset === 'FashionMNIST' ? ' (Debian: apt install dataset-fashion-mnist)' : '';
  throw new Error(`${dataset}: cannot find ${names[0]}[.gz] in ${root} (also looked in ${join(root, dataset, 'raw')} and ${join(root, 'raw')}); ` +
    `pass the directory that holds the IDX files${hint}`);
}

/**
 * The MNIST handwritten digits read from their IDX files (gzipped or not) under `root` (default
 * /usr/share/datasets/mnist, or torchvision's `MNIST/raw` layout): items are `[image, label]`, the image
 * float32 [1, 28, 28] in [0, 1]. PyTorch: `torchvision.datasets.MNIST` (without downloading).
 * @example
 * ```ts
 * const train = new MNIST('/usr/share/datasets/mnist', { train: true, limit: 1000 });
 * const [img, label] = train.getItem(0);
 * img.shape;  // [1, 28, 28]
 * ```
 */
export class MNIST extends Dataset<[Tensor, number]> {
  static readonly defaultRoot: string = '/usr/share/datasets/mnist';
  static readonly classNames: readonly string[] = DIGITS;
  /** Where {@link MNIST.download} looks for the files, in order (override for a mirror). PyTorch: `MNIST.mirrors`. */
  static mirrors: string[] = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/'];
  /** The four files and their MD5s, as torchvision lists them. PyTorch: `MNIST.resources`. */
  static readonly resources: readonly (readonly [string, string])[] = [
    ['train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'],
    ['train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'],
    ['t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'],
    ['t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c'],
  ];

  /**
   * Fetches the four gzipped IDX files into torchvision's layout, `root/<Name>/raw/`, unless they are
   * there already; each file's MD5 is checked, each mirror tried in turn. PyTorch: `MNIST.download`.
   * @example
   * ```ts
   * await FashionMNIST.download('data');   // data/FashionMNIST/raw/train-images-idx3-ubyte.gz, …
   * ```
   */
  static async download(root: string): Promise<void> {
    const dir = join(root, this.name, 'raw');
    for (const [file, md5] of this.resources) await downloadFromMirrors(this.mirrors, file, dir, md5);
  }

  /**
   * Reads the data set after fetching the official files when `download` is set (see
   * {@link MNIST.download}). PyTorch: `torchvision.datasets.MNIST(root, download=True)`.
   * @example
   * ```ts
   * const train = await FashionMNIST.create('data', { train: true, download: true });
   * ```
   */
  static async create<T extends MNIST>(this: new (root: string, opts: MNISTOptions) => T, root: string, opts: MNISTOptions = {}): Promise<T> {
    if (opts.download) await (this as unknown as typeof MNIST).download(root);
    return new this(root, { ...opts, download: undefined });
  }

  readonly root: string;
  readonly train: boolean;
  readonly transform?: TransformLike;
  /**
   * Applied to each label (see {@link MNISTOptions}). PyTorch: `target_transform`.
   */
  readonly targetTransform?: (label: number) => number;
  /** The raw pixels, N × H × W bytes. */
  readonly data: Uint8Array;
  /** The labels, one per image. */
  readonly targets: Int32Array;
  readonly imageShape: [number, number, number];
  readonly classes: readonly string[];
  readonly files: { images: string; labels: string };
  private readonly scaled: Float32Array;
  private readonly pipeline?: SampleOp;

  constructor(...args: PyArgs<[root: string, train: boolean, transform: TransformLike, targetTransform: (label: number) => number, download: boolean], MNISTOptions & { root?: string }>) {
    super();
    const ctor = new.target as unknown as typeof MNIST;
    const name = ctor.name;
    // torchvision's order (root, train, transform, target_transform, download); limit is convnet's, by name.
    const opts = bindArgs(name, args, {
      positional: [{ name: 'root', kind: 'string' }, { name: 'train', kind: 'bool' }, { name: 'transform', kind: 'function' },
        { name: 'targetTransform', kind: 'function' }, { name: 'download', kind: 'bool' }],
      keywordOnly: [{ name: 'limit', kind: 'int' }],
    }) as MNISTOptions & { root?: string };
    this.root = opts.root ?? ctor.defaultRoot;
    this.train = opts.train ?? true;
    this.transform = opts.transform;
    this.targetTransform = opts.targetTransform;
    this.classes = ctor.classNames;
    const prefix = this.train ? 'train' : 't10k';
    let images: string, labels: string;
    try {
      images = findFile(name, this.root, prefix, 'images');
      labels = findFile(name, this.root, prefix, 'labels');
    } catch (e) {
      if (!opts.download) throw e;
      throw new Error(`${(e as Error).message}; download: true needs \`await ${name}.create(root, { download: true })\` (or \`await ${name}.download(root)\` first): a constructor cannot wait for the network`);
    }
    this.files = { images, labels };

    const im = readIdx(images);
    const lb = readIdx(labels);
    if (im.type !== 'uint8' || im.shape.length !== 3) {
      throw new Error(`${name}: ${images} should hold uint8 images of shape [N, H, W], it holds ${im.type} of shape [${im.shape.join(', ')}]`);
    }
    if (lb.type !== 'uint8' || lb.shape.length !== 1) {
      throw new Error(`${name}: ${labels} should hold uint8 labels of shape [N], it holds ${lb.type} of shape [${lb.shape.join(', ')}]`);
    }
    if (im.shape[0] !== lb.shape[0]) {
      throw new Error(`${name}: ${images} has ${im.shape[0]} images but ${labels} has ${lb.shape[0]} labels`);
    }
    const nClasses = this.classes.length;
    for (let i = 0; i < lb.data.length; i++) {
      if (lb.data[i] >= nClasses) throw new Error(`${name}: ${labels}: label ${lb.data[i]} at index ${i} is not a class index 0..${nClasses - 1}`);
    }
    let n = im.shape[0];
    if (opts.limit !== undefined) {
      if (!Number.isInteger(opts.limit) || opts.limit < 0) throw new Error(`${name}: limit must be a non-negative integer, got ${opts.limit}`);
      n = Math.min(n, opts.limit);
    }
    const [h, w] = [im.shape[1], im.shape[2]];
    this.imageShape = [1, h, w];
    this.data = (im.data as Uint8Array).subarray(0, n * h * w);
    this.targets = Int32Array.from((lb.data as Uint8Array).subarray(0, n));
    // A lookup table for the [0, 1] scaling: x / 255 exactly as torchvision computes it in float32.
    this.scaled = new Float32Array(256).map((_, v) => v / 255);
    this.pipeline = this.transform?.sample;
  }

  /**
   * The number of samples. PyTorch: `len(dataset)`.
   * @example
   * ```ts
   * new FashionMNIST(root, { train: false }).length;  // 10000
   * ```
   */
  get length(): number { return this.targets.length; }

  /**
   * `[image, label]`: the image float32 [1, H, W] in [0, 1] (then `transform`), the label an integer (then
   * `targetTransform`). PyTorch: `dataset[index]`.
   * @example
   * ```ts
   * const [img, label] = ds.getItem(-1);  // negative indices count from the end
   * ```
   */
  getItem(index: number): [Tensor, number] {
    const i = this.checkIndex(this.constructor.name, index);
    const [, h, w] = this.imageShape;
    const px = new Float32Array(h * w);
    const lut = this.scaled, data = this.data;
    for (let k = 0, o = i * h * w; k < px.length; k++) px[k] = lut[data[o + k]];
    let x = fromArray(px, this.imageShape);
    if (this.transform) x = this.transform(x);
    const y = this.targetTransform ? this.targetTransform(this.targets[i]) : this.targets[i];
    return [x, y];
  }

  /** Where a batch's values are assembled before they go to the backend (which copies them): reused,
   *  since a fresh array per batch would cost a page fault per 4 KiB on first touch. */
  private stage = new Float32Array(0);

  private staging(n: number): Float32Array {
    if (this.stage.length < n) this.stage = new Float32Array(n);
    return this.stage.subarray(0, n);
  }

  /**
   * The batch for `indices`: [float32 [B, ...imageShape after transform], int32 [B]], written into one array.
   * PyTorch: `Dataset.__getitems__`.
   * @example
   * ```ts
   * const [x, y] = ds.getBatch(Int32Array.of(0, 1, 2, 3));  // [4, 1, 28, 28], [4]
   * ```
   */
  override getBatch(indices: Int32Array): [Tensor, Tensor] {
    const B = indices.length;
    const [, h, w] = this.imageShape;
    const plane = h * w;
    const n = this.length;
    const y = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const i = indices[b];
      if (i < 0 || i >= n) throw new Error(`${this.constructor.name}.getBatch: index ${i} is out of range for ${n} items`);
      y[b] = this.targetTransform ? this.targetTransform(this.targets[i]) : this.targets[i];
    }
    if (this.transform && !this.pipeline) {
      // A transform without a batched kernel (e.g. a lambda): per-sample tensors, then one stack (a new
      // tensor, made by the backend, so the batch is fresh even when the transform returns kept tensors).
      const items = Array.from(indices, (i) => this.getItem(i)[0]);
      return [noGrad(() => stack(items.map((t) => toDtype(t, 'float32')), 0)), fromArray(y, [B])];
    }
    const lut = this.scaled, data = this.data;
    if (!this.pipeline) {
      const out = this.staging(B * plane);
      for (let b = 0; b < B; b++) {
        const o = indices[b] * plane, d = b * plane;
        for (let k = 0; k < plane; k++) out[d + k] = lut[data[o + k]];
      }
      return [fromArray(out, [B, ...this.imageShape]), fromArray(y, [B])];
    }
    const outShape = this.pipeline.outShape(this.imageShape);
    const row = outShape.reduce((a, b) => a * b, 1);
    const out = this.staging(B * row);
    const px = new Float32Array(plane);
    for (let b = 0; b < B; b++) {
      const o = indices[b] * plane;
      for (let k = 0; k < plane; k++) px[k] = lut[data[o + k]];
      this.pipeline.apply(px, out.subarray(b * row, (b + 1) * row), this.imageShape);
    }
    return [fromArray(out, [B, ...outShape]), fromArray(y, [B])];
  }

  /**
   * A description as torchvision prints one: the class, the number of samples, the root, the split and the
   * transform. PyTorch: `repr(dataset)`.
   * @example
   * ```ts
   * console.log(String(ds));  // 'Dataset FashionMNIST\n    Number of datapoints: 60000\n …'
   * ```
   */
  override toString(): string {
    const lines = [`Dataset ${this.constructor.name}`, `    Number of datapoints: ${this.length}`, `    Root location: ${this.root}`, `    Split: ${this.train ? 'Train' : 'Test'}`];
    if (this.transform) lines.push(`    Transform: ${describeTransform(this.transform).split('\n').join('\n    ')}`);
    return lines.join('\n');
  }
}

/**
 * Fashion-MNIST (Zalando's 28×28 greyscale clothing images, ten classes) read from its IDX files; default
 * root /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist). Same interface as {@link MNIST}.
 * PyTorch: `torchvision.datasets.FashionMNIST`.
 * @example
 * ```ts
 * const test = new FashionMNIST({ train: false, transform: new transforms.Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD) });
 * test.classes[test.targets[0]];  // e.g. 'Ankle boot'
 * ```
 */
export class FashionMNIST extends MNIST {
  static override readonly defaultRoot: string = '/usr/share/datasets/fashion-mnist';
  static override readonly classNames: readonly string[] = FASHION_CLASSES;
  static override mirrors: string[] = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];
  static override readonly resources: readonly (readonly [string, string])[] = [
    ['train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'],
    ['train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'],
    ['t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'],
    ['t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'],
  ];
}

/**
 * Kuzushiji-MNIST (ten classes of cursive Japanese characters) read from its IDX files; default root
 * /usr/share/datasets/kmnist. Same interface as {@link MNIST}. PyTorch: `torchvision.datasets.KMNIST`.
 * @example
 * ```ts
 * const ds = new KMNIST('/data/kmnist');
 * ```
 */
export class KMNIST extends MNIST {
  static override readonly defaultRoot: string = '/usr/share/datasets/kmnist';
  static override readonly classNames: readonly string[] = KMNIST_CLASSES;
  static override mirrors: string[] = ['http://codh.rois.ac.jp/kmnist/dataset/kmnist/'];
  static override readonly resources: readonly (readonly [string, string])[] = [
    ['train-images-idx3-ubyte.gz', 'bdb82020997e1d708af4cf47b453dcf7'],
    ['train-labels-idx1-ubyte.gz', 'e144d726b3acfaa3e44228e80efcd344'],
    ['t10k-images-idx3-ubyte.gz', '5c965bf0a639b31b8f53240b1b52f4d7'],
    ['t10k-labels-idx1-ubyte.gz', '7320c461ea6c1c855c0b718fb2a4b134'],
  ];
}

// Batches are made anew from the file's bytes (exactly these classes: a subclass's getBatch may differ).
markFreshBatches(MNIST, FashionMNIST, KMNIST);

/**
 * The mean of the Fashion-MNIST training pixels (scaled to [0, 1]), for {@link transforms.Normalize}.
 * PyTorch: the constant people pass to `transforms.Normalize`.
 * @example
 * ```ts
 * new transforms.Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD);
 * ```
 */
export const FASHION_MNIST_MEAN = 0.2860;
/**
 * The standard deviation of the Fashion-MNIST training pixels (scaled to [0, 1]), for normalisation.
 * @example
 * ```ts
 * new transforms.Normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD);
 * ```
 */
export const FASHION_MNIST_STD = 0.3530;
/**
 * The mean of the MNIST training pixels (scaled to [0, 1]), for normalisation (the usual 0.1307).
 * @example
 * ```ts
 * new transforms.Normalize(MNIST_MEAN, MNIST_STD);
 * ```
 */
export const MNIST_MEAN = 0.1307;
/**
 * The standard deviation of the MNIST training pixels (scaled to [0, 1]), for normalisation (0.3081).
 * @example
 * ```ts
 * new transforms.Normalize(MNIST_MEAN, MNIST_STD);
 * ```
 */
export const MNIST_STD = 0.3081;
