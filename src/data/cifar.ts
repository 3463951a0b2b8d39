// data/cifar.ts — CIFAR-10 and CIFAR-100 from their binary release ("version for C programs"), as
// torchvision.datasets.CIFAR10/CIFAR100:
//
//   const train = new CIFAR10('data', { train: true, transform });     // data/cifar-10-batches-bin/…
//   const [image, label] = train.getItem(0);     // image: float32 [3, 32, 32] in [0, 1], label: 0..9
//
// The format: fixed-size records, no header. CIFAR-10: 1 label byte, then 3072 pixel bytes (the red plane,
// the green, the blue, each 32 rows of 32) — data_batch_1.bin … data_batch_5.bin (10,000 records each) and
// test_batch.bin, class names in batches.meta.txt. CIFAR-100: a coarse label byte (20 superclasses) and a
// fine label byte (100 classes) before the pixels — train.bin (50,000), test.bin (10,000), names in
// fine_label_names.txt and coarse_label_names.txt. `targets` are the fine labels; `coarseTargets` too.
//
// The files are found in root/cifar-10-batches-bin (or cifar-100-binary), as the archive unpacks, or in
// root itself. `download: true` needs `await CIFAR10.create(…)` (or `await CIFAR10.download(root)` first):
// JS cannot wait for the network inside a constructor.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { fromArray } from '../tensor/creation.js';
import { noGrad } from '../autograd/tape.js';
import { stack, toDtype } from '../ops/shape.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { Dataset, markFreshBatches } from './dataset.js';
import { describeTransform, type TransformLike } from './transforms.js';
import { checkIntegrity, downloadAndExtractArchive, extractArchive } from './download.js';

/**
 * Options of {@link CIFAR10} and {@link CIFAR100}. PyTorch: the keyword arguments of
 * `torchvision.datasets.CIFAR10` (`target_transform` is `targetTransform`).
 * @example
 * ```ts
 * await CIFAR10.create('data', { train: false, download: true });
 * ```
 */
export interface CIFAROptions {
  /** The training split (default) or the test split. */
  train?: boolean;
  /** Applied to each image tensor [3, 32, 32] (float32 in [0, 1]). */
  transform?: TransformLike;
  /** Applied to each label. */
  targetTransform?: (label: number) => number;
  /** Fetch the official archive first when the files are missing (only with `create`). */
  download?: boolean;
}

const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const RECORD_PIXELS = 3 * 32 * 32;

interface Layout {
  folder: string;
  archive: string;
  trainFiles: string[];
  testFiles: string[];
  labelBytes: 1 | 2;
  classesFile: string;
}

const CIFAR10_LAYOUT: Layout = {
  folder: 'cifar-10-batches-bin', archive: 'cifar-10-binary.tar.gz',
  trainFiles: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`), testFiles: ['test_batch.bin'], labelBytes: 1, classesFile: 'batches.meta.txt',
};
const CIFAR100_LAYOUT: Layout = {
  folder: 'cifar-100-binary', archive: 'cifar-100-binary.tar.gz',
  trainFiles: ['train.bin'], testFiles: ['test.bin'], labelBytes: 2, classesFile: 'fine_label_names.txt',
};

/**
 * CIFAR-10: 60,000 32×32 colour photos in ten classes (50,000 train, 10,000 test), read from the binary
 * release; items are `[image, label]`, the image float32 [3, 32, 32] in [0, 1]. PyTorch:
 * `torchvision.datasets.CIFAR10`.
 * @example
 * ```ts
 * const train = await CIFAR10.create('data', { train: true, download: true });
 * const [img, label] = train.getItem(0);
 * train.classes[label];  // e.g. 'frog'
 * ```
 */
export class CIFAR10 extends Dataset<[Tensor, number]> {
  /** Where {@link CIFAR10.download} fetches the archive from (override for a mirror). PyTorch: `CIFAR10.url`. */
  static url = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
  /** The archive's MD5, as the CIFAR page lists it. PyTorch: `CIFAR10.tgz_md5` (of the Python version). */
  static tgzMd5 = 'c32a1d4ab5d03f1284b67883e8d87530';
  protected static layout: Layout = CIFAR10_LAYOUT;

  readonly root: string;
  readonly train: boolean;
  readonly transform?: TransformLike;
  /** Applied to each label. PyTorch: `target_transform`. */
  readonly targetTransform?: (label: number) => number;
  /** The raw pixels, N × 3 × 32 × 32 bytes. */
  readonly data: Uint8Array;
  /** The labels (CIFAR-100: the fine ones). */
  readonly targets: Int32Array;
  readonly classes: readonly string[];
  /** Class name → index. PyTorch: `class_to_idx`. */
  readonly classToIdx: Record<string, number>;
  /** The files read. */
  readonly files: string[];

  constructor(...args: PyArgs<[root: string, train: boolean, transform: TransformLike, targetTransform: (label: number) => number, download: boolean], CIFAROptions & { root?: string }>) {
    super();
    const ctor = new.target as unknown as typeof CIFAR10;
    const name = ctor.name;
    const a = bindArgs(name, args, { positional: [
      { name: 'root', kind: 'string', required: true }, { name: 'train', kind: 'bool' }, { name: 'transform', kind: 'function' },
      { name: 'targetTransform', kind: 'function' }, { name: 'download', kind: 'bool' },
    ] });
    this.root = a.root as string;
    this.train = (a.train as boolean | undefined) ?? true;
    this.transform = a.transform as TransformLike | undefined;
    this.targetTransform = a.targetTransform as ((l: number) => number) | undefined;
    const layout = ctor.layout;
    const dir = [join(this.root, layout.folder), this.root].find((d) => layout.trainFiles.concat(layout.testFiles).some((f) => existsSync(join(d, f))));
    const wanted = this.train ? layout.trainFiles : layout.testFiles;
    const missing = dir === undefined ? wanted : wanted.filter((f) => !existsSync(join(dir, f)));
    if (dir === undefined || missing.length) {
      const how = a.download
        ? `download: true needs \`await ${name}.create(root, { download: true })\` (or \`await ${name}.download(root)\` first): a constructor cannot wait for the network`
        : `pass download: true to ${name}.create, or unpack ${layout.archive} (${ctor.url}) into ${this.root}`;
      throw new Error(`${name}: cannot find ${missing.join(', ')} in ${join(this.root, layout.folder)} or ${this.root}; ${how}`);
    }
    this.files = wanted.map((f) => join(dir, f));
    const record = layout.labelBytes + RECORD_PIXELS;
    const chunks = this.files.map((f) => {
      const bytes = readFileSync(f);
      if (bytes.length === 0 || bytes.length % record !== 0) {
        throw new Error(`${name}: ${f} has ${bytes.length} bytes, not a whole number of ${record}-byte records (${layout.labelBytes} label byte${layout.labelBytes > 1 ? 's' : ''} + 3072 pixels)`);
      }
      return bytes;
    });
    const n = chunks.reduce((s, c) => s + c.length / record, 0);
    this.data = new Uint8Array(n * RECORD_PIXELS);
    this.targets = new Int32Array(n);
    const coarse = new Int32Array(layout.labelBytes === 2 ? n : 0);
    let k = 0;
    for (const c of chunks) {
      for (let o = 0; o < c.length; o += record, k++) {
        if (layout.labelBytes === 2) coarse[k] = c[o];
        this.targets[k] = c[o + layout.labelBytes - 1];
        this.data.set(c.subarray(o + layout.labelBytes, o + record), k * RECORD_PIXELS);
      }
    }
    this.classes = readNames(join(dir, layout.classesFile), ctor === CIFAR10 || layout === CIFAR10_LAYOUT ? CIFAR10_CLASSES : null, name);
    const nClasses = layout === CIFAR10_LAYOUT ? 10 : 100;
    for (let i = 0; i < n; i++) {
      if (this.targets[i] >= nClasses) throw new Error(`${name}: label ${this.targets[i]} of record ${i} is not a class index 0..${nClasses - 1}`);
    }
    this.classToIdx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
    this.setCoarse(coarse);
  }

  /** CIFAR-100 keeps the coarse labels; CIFAR-10 has none. */
  protected setCoarse(_coarse: Int32Array): void { /* CIFAR-10 has no coarse labels */ }

  /**
   * Reads the data set after fetching the official archive when `download` is set and the files are
   * missing (its MD5 checked, then unpacked under root). PyTorch: `torchvision.datasets.CIFAR10(…, download=True)`.
   * @example
   * ```ts
   * const test = await CIFAR10.create('data', { train: false, download: true });
   * ```
   */
  static async create<T extends CIFAR10>(this: new (root: string, opts: CIFAROptions) => T, root: string, opts: CIFAROptions = {}): Promise<T> {
    if (opts.download) await (this as unknown as typeof CIFAR10).download(root);
    return new this(root, { ...opts, download: undefined });
  }

  /**
   * Fetches and unpacks the official archive into `root` unless its files are already there; the archive's
   * MD5 is checked first. PyTorch: `CIFAR10.download`.
   * @example
   * ```ts
   * await CIFAR10.download('data');
   * ```
   */
  static async download(root: string): Promise<void> {
    const layout = this.layout;
    const dir = join(root, layout.folder);
    if (layout.trainFiles.concat(layout.testFiles).every((f) => existsSync(join(dir, f)))) return;
    const archive = join(root, this.url.split('/').pop()!);
    if (checkIntegrity(archive, this.tgzMd5)) {
      extractArchive(archive, root);
      return;
    }
    await downloadAndExtractArchive(this.url, root, { md5: this.tgzMd5 });
  }

  /**
   * The number of images. PyTorch: `len(dataset)`.
   * @example
   * ```ts
   * ds.length;  // 50000
   * ```
   */
  get length(): number { return this.targets.length; }

  private image(i: number): Float32Array {
    const px = new Float32Array(RECORD_PIXELS);
    for (let k = 0, o = i * RECORD_PIXELS; k < RECORD_PIXELS; k++) px[k] = this.data[o + k] / 255;
    return px;
  }

  /**
   * `[image, label]`: the image float32 [3, 32, 32] in [0, 1] (then `transform`), the label (then
   * `targetTransform`). PyTorch: `dataset[index]`.
   * @example
   * ```ts
   * const [img, label] = ds.getItem(0);
   * ```
   */
  getItem(index: number): [Tensor, number] {
    const i = this.checkIndex(this.constructor.name, index);
    let x = fromArray(this.image(i), [3, 32, 32]);
    if (this.transform) x = this.transform(x);
    return [x, this.targetTransform ? this.targetTransform(this.targets[i]) : this.targets[i]];
  }

  /**
   * The batch for `indices`: [float32 [B, 3, 32, 32] (after the transform), int32 [B]]. PyTorch:
   * `Dataset.__getitems__`.
   * @example
   * ```ts
   * const [x, y] = ds.getBatch(Int32Array.of(0, 1, 2));
   * ```
   */
  override getBatch(indices: Int32Array): [Tensor, Tensor] {
    const B = indices.length, n = this.length;
    const y = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const i = indices[b];
      if (i < 0 || i >= n) throw new Error(`${this.constructor.name}.getBatch: index ${i} is out of range for ${n} items`);
      y[b] = this.targetTransform ? this.targetTransform(this.targets[i]) : this.targets[i];
    }
    if (this.transform) {
      const items = Array.from(indices, (i) => this.getItem(i)[0]);
      return [noGrad(() => stack(items.map((t) => toDtype(t, 'float32')), 0)), fromArray(y, [B])];
    }
    const out = new Float32Array(B * RECORD_PIXELS);
    for (let b = 0; b < B; b++) out.set(this.image(indices[b]), b * RECORD_PIXELS);
    return [fromArray(out, [B, 3, 32, 32]), fromArray(y, [B])];
  }

  /**
   * A description as torchvision prints one. PyTorch: `repr(dataset)`.
   * @example
   * ```ts
   * console.log(String(ds));  // 'Dataset CIFAR10\n    Number of datapoints: 50000\n …'
   * ```
   */
  override toString(): string {
    const lines = [`Dataset ${this.constructor.name}`, `    Number of datapoints: ${this.length}`, `    Root location: ${this.root}`, `    Split: ${this.train ? 'Train' : 'Test'}`];
    if (this.transform) lines.push(`    StandardTransform\nTransform: ${describeTransform(this.transform).split('\n').join('\n    ')}`);
    return lines.join('\n');
  }
}

function readNames(file: string, fallback: string[] | null, name: string): string[] {
  if (existsSync(file)) {
    const names = readFileSync(file, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    if (names.length) return names;
  }
  if (fallback) return fallback;
  throw new Error(`${name}: cannot find the class names ${file}`);
}

/**
 * CIFAR-100: 60,000 32×32 colour photos in 100 classes grouped in 20 superclasses, read from the binary
 * release (train.bin, test.bin); `targets` are the fine labels and `coarseTargets` the superclasses. Same
 * interface as {@link CIFAR10}. PyTorch: `torchvision.datasets.CIFAR100`.
 * @example
 * ```ts
 * const ds = await CIFAR100.create('data', { download: true });
 * ds.coarseClasses[ds.coarseTargets[0]];
 * ```
 */
export class CIFAR100 extends CIFAR10 {
  static override url = 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz';
  static override tgzMd5 = '03b5dce01913d631647c71ecec9e9cb8';
  protected static override layout: Layout = CIFAR100_LAYOUT;
  /** The superclass of each image (0..19). */
  declare readonly coarseTargets: Int32Array;
  /** The 20 superclass names (coarse_label_names.txt). */
  declare readonly coarseClasses: readonly string[];

  protected override setCoarse(coarse: Int32Array): void {
    const bad = coarse.findIndex((c) => c >= 20);
    if (bad >= 0) throw new Error(`CIFAR100: coarse label ${coarse[bad]} of record ${bad} is not a superclass index 0..19`);
    Object.defineProperty(this, 'coarseTargets', { value: coarse, enumerable: true });
    const dir = this.files[0].slice(0, this.files[0].lastIndexOf('/'));
    const file = join(dir, 'coarse_label_names.txt');
    Object.defineProperty(this, 'coarseClasses', { value: existsSync(file) ? readNames(file, null, 'CIFAR100') : [], enumerable: true });
  }
}

markFreshBatches(CIFAR10, CIFAR100);
