// data/folder-base.ts — what ImageFolder shares between Node (files on disk, data/folder.ts) and the browser
// (files the user picks, data/folder-web.ts): torchvision's rules for turning relative paths into classes
// and samples. Browser-safe: no node: imports.
//
// - The classes are the names of root's subfolders, sorted; classToIdx numbers them in that order.
// - A class's samples are the files under its folder, at any depth, whose extension is accepted
//   (case-insensitive), in os.walk order sorted as torchvision does: by folder, then by file name.
// - A class folder with no accepted file is an error naming it and the extensions.

import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/tape.js';
import { stack, toDtype } from '../ops/shape.js';
import { fromArray } from '../tensor/creation.js';
import { Dataset } from './dataset.js';
import { describeTransform, type TransformLike } from './transforms.js';

/** The extensions convnet's decoders read (PNG and JPEG). */
export const IMG_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/**
 * Options of {@link ImageFolder}. PyTorch: the keyword arguments of `torchvision.datasets.ImageFolder`
 * (`target_transform` is `targetTransform`; `extensions` is `DatasetFolder`'s).
 * @example
 * ```ts
 * new ImageFolder('photos', { transform: new transforms.Resize([64, 64]), extensions: ['.png'] });
 * ```
 */
export interface ImageFolderOptions {
  /** Applied to each image tensor [3, H, W] (float32 in [0, 1]). */
  transform?: TransformLike;
  /** Applied to each class index. */
  targetTransform?: (label: number) => number;
  /** The file extensions to take (default .png, .jpg, .jpeg), case-insensitive. */
  extensions?: readonly string[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Classes and samples from paths relative to the root ('cat/1.png', 'dog/sub/2.jpg'), as torchvision. */
export function makeDataset(op: string, root: string, paths: readonly string[], extensions: readonly string[]):
  { classes: string[]; classToIdx: Record<string, number>; samples: [string, number][] } {
  const exts = extensions.map((e) => e.toLowerCase());
  const classSet = new Set<string>();
  const byClass = new Map<string, string[]>();
  for (const p of paths) {
    const parts = p.split('/').filter(Boolean);
    if (parts.length < 2) continue; // a file directly in the root belongs to no class
    classSet.add(parts[0]);
    const lower = p.toLowerCase();
    if (!exts.some((e) => lower.endsWith(e))) continue;
    if (!byClass.has(parts[0])) byClass.set(parts[0], []);
    byClass.get(parts[0])!.push(parts.join('/'));
  }
  const classes = [...classSet].sort(cmp);
  if (classes.length === 0) throw new Error(`${op}: found no class folders in ${root} (expected root/<class>/<image>)`);
  const empty = classes.filter((c) => !byClass.has(c));
  if (empty.length) {
    throw new Error(`${op}: found no valid file for the classes ${empty.join(', ')} in ${root}. Supported extensions are: ${exts.join(', ')}`);
  }
  const classToIdx = Object.fromEntries(classes.map((c, i) => [c, i]));
  const samples: [string, number][] = [];
  for (const c of classes) {
    const files = byClass.get(c)!.map((p) => {
      const k = p.lastIndexOf('/');
      return [p.slice(0, k), p.slice(k + 1)] as const;
    });
    files.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
    for (const [dir, name] of files) samples.push([`${dir}/${name}`, classToIdx[c]]);
  }
  return { classes, classToIdx, samples };
}

/**
 * The part of {@link ImageFolder} that Node and the browser share: classes, samples and targets from the
 * folder layout, `getItem` and `getBatch` over `loadImage`. PyTorch: `torchvision.datasets.DatasetFolder`.
 * @example
 * ```ts
 * const ds: ImageFolderBase = new ImageFolder('photos');
 * ds.classToIdx;  // { cat: 0, dog: 1 }
 * ```
 */
export abstract class ImageFolderBase extends Dataset<[Tensor, number]> {
  readonly root: string;
  /** The class names: the subfolders of root, sorted. */
  readonly classes: readonly string[];
  /** Class name → index. PyTorch: `class_to_idx`. */
  readonly classToIdx: Readonly<Record<string, number>>;
  /** [path, class index] per image (the path relative to root in the browser, the file's path in Node). */
  readonly samples: readonly [string, number][];
  /** The class index of each image. */
  readonly targets: Int32Array;
  readonly transform?: TransformLike;
  /** Applied to each class index. PyTorch: `target_transform`. */
  readonly targetTransform?: (label: number) => number;

  protected constructor(op: string, root: string, paths: readonly string[], opts: ImageFolderOptions, toSamplePath: (rel: string) => string) {
    super();
    const exts = opts.extensions ?? IMG_EXTENSIONS;
    if (!Array.isArray(exts) || exts.some((e) => typeof e !== 'string')) throw new Error(`${op}: extensions must be a list of strings like '.png', got ${JSON.stringify(exts)}`);
    const made = makeDataset(op, root, paths, exts);
    this.root = root;
    this.classes = made.classes;
    this.classToIdx = made.classToIdx;
    this.samples = made.samples.map(([p, c]) => [toSamplePath(p), c]);
    this.targets = Int32Array.from(made.samples, ([, c]) => c);
    this.transform = opts.transform;
    this.targetTransform = opts.targetTransform;
  }

  /** The image of sample i, float32 [3, H, W] in [0, 1], before the transform. */
  protected abstract loadImage(i: number): Tensor;

  /**
   * The number of images. PyTorch: `len(dataset)`.
   * @example
   * ```ts
   * ds.length;
   * ```
   */
  get length(): number { return this.samples.length; }

  /**
   * `[image, classIndex]`: the image float32 [3, H, W] in [0, 1] (then `transform`), the class (then
   * `targetTransform`). PyTorch: `dataset[index]`.
   * @example
   * ```ts
   * const [img, label] = ds.getItem(0);
   * ```
   */
  getItem(index: number): [Tensor, number] {
    const i = this.checkIndex(this.constructor.name, index);
    let x = this.loadImage(i);
    if (this.transform) x = this.transform(x);
    const y = this.targets[i];
    return [x, this.targetTransform ? this.targetTransform(y) : y];
  }

  /**
   * The batch for `indices`, the images stacked (they must have one size after the transform: add a
   * Resize). PyTorch: `Dataset.__getitems__` with the default collate.
   * @example
   * ```ts
   * const [x, y] = ds.getBatch(Int32Array.of(0, 1));
   * ```
   */
  override getBatch(indices: Int32Array): [Tensor, Tensor] {
    const items = Array.from(indices, (i) => this.getItem(i));
    const shape = items[0]?.[0].shape ?? [];
    items.forEach(([x], k) => {
      if (x.shape.join() !== shape.join()) {
        throw new Error(`${this.constructor.name}.getBatch: image ${indices[k]} (${this.samples[indices[k]][0]}) has shape [${x.shape.join(', ')}] but image ${indices[0]} has [${shape.join(', ')}]; add a transform that gives every image one size (e.g. new transforms.Resize([h, w]))`);
      }
    });
    const y = Int32Array.from(items, ([, t]) => t);
    return [noGrad(() => stack(items.map(([x]) => toDtype(x, 'float32')), 0)), fromArray(y, [y.length])];
  }

  /**
   * A description as torchvision prints one. PyTorch: `repr(dataset)`.
   * @example
   * ```ts
   * console.log(String(ds));  // 'Dataset ImageFolder\n    Number of datapoints: 12\n …'
   * ```
   */
  override toString(): string {
    const lines = [`Dataset ImageFolder`, `    Number of datapoints: ${this.length}`, `    Root location: ${this.root}`];
    if (this.transform) lines.push(`    StandardTransform\nTransform: ${describeTransform(this.transform).split('\n').join('\n    ')}`);
    return lines.join('\n');
  }
}
