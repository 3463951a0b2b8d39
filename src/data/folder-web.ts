// data/folder-web.ts — ImageFolder in the browser: the files a user picks with
// <input type="file" webkitdirectory> (a FileList whose File objects carry webkitRelativePath,
// 'photos/cat/1.png'), one folder per class, as torchvision.datasets.ImageFolder (the layout rules are in
// data/folder-base.ts). The browser decodes asynchronously (io/image-web.ts decodeImageBlob), so the images
// are decoded once, up front, by the async factory fromFiles; getItem is then synchronous.

import { Tensor } from '../tensor/tensor.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { decodeImageBlob } from '../io/image-web.js';
import { ImageFolderBase, IMG_EXTENSIONS, makeDataset, type ImageFolderOptions } from './folder-base.js';
import { markFreshBatches } from './dataset.js';

/** A picked file's path: webkitRelativePath when the browser set it (a folder was picked), else its name. */
function pathOf(f: File): string {
  return (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
}

/**
 * ImageFolder over files a user picked in the browser (`<input type="file" webkitdirectory>`): the files'
 * `webkitRelativePath` (`photos/cat/1.png`) gives root, class and file; classes sorted, items
 * `[image, classIndex]` with the image float32 [3, H, W] in [0, 1]. Made by the async
 * {@link WebImageFolder.fromFiles}, which decodes every image once. PyTorch:
 * `torchvision.datasets.ImageFolder`.
 * @example
 * ```ts
 * input.onchange = async () => {
 *   const ds = await ImageFolder.fromFiles(input.files!, { transform: new transforms.Resize([64, 64]) });
 *   ds.classes;  // the picked folder's subfolders, sorted
 * };
 * ```
 */
export class WebImageFolder extends ImageFolderBase {
  private readonly images: Tensor[];

  private constructor(root: string, paths: string[], images: Map<string, Tensor>, opts: ImageFolderOptions) {
    super('ImageFolder.fromFiles', root, paths, opts, (rel) => rel);
    this.images = this.samples.map(([p]) => images.get(p)!);
  }

  /**
   * Reads the picked files: every path is `root/class/…/file`; the files with an accepted extension are
   * decoded (RGB), the rest ignored. PyTorch: `torchvision.datasets.ImageFolder(root)`.
   * @example
   * ```ts
   * const ds = await ImageFolder.fromFiles(document.querySelector('input')!.files!);
   * ```
   */
  static async fromFiles(...args: PyArgs<[files: FileList | readonly File[], transform: ImageFolderOptions['transform'], targetTransform: (label: number) => number], ImageFolderOptions & { files?: FileList | readonly File[] }>): Promise<WebImageFolder> {
    const isFiles = (v: unknown) => v !== null && typeof v === 'object' && typeof (v as { length?: unknown }).length === 'number' && !(v instanceof Tensor);
    const a = bindArgs('ImageFolder.fromFiles', args, {
      positional: [{ name: 'files', kind: { test: isFiles, what: 'a FileList or a list of File' }, required: true }, { name: 'transform', kind: 'function' }, { name: 'targetTransform', kind: 'function' }],
      keywordOnly: [{ name: 'extensions', kind: { test: Array.isArray, what: "a list of extensions like ['.png']" } }],
    });
    const files = Array.from(a.files as ArrayLike<File>);
    if (files.length === 0) throw new Error('ImageFolder.fromFiles: no files were given');
    const full = files.map(pathOf);
    const roots = new Set(full.map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : '')));
    if (roots.size !== 1 || roots.has('')) {
      throw new Error(`ImageFolder.fromFiles: expected the files of one picked folder (paths root/class/file, from <input webkitdirectory>), got paths such as ${JSON.stringify(full.slice(0, 3))}`);
    }
    const root = [...roots][0];
    const rel = full.map((p) => p.slice(root.length + 1));
    // Find what makeDataset keeps, then decode only those.
    const { samples } = makeDataset('ImageFolder.fromFiles', root, rel, (a.extensions as string[] | undefined) ?? IMG_EXTENSIONS);
    const byPath = new Map(rel.map((p, i) => [p, files[i]]));
    const images = new Map<string, Tensor>();
    for (const [p] of samples) {
      try {
        images.set(p, await decodeImageBlob(byPath.get(p)!, { mode: 'rgb' }));
      } catch (e) {
        throw new Error(`ImageFolder.fromFiles: cannot decode ${root}/${p}: ${(e as Error).message}`);
      }
    }
    return new WebImageFolder(root, rel, images, a as ImageFolderOptions);
  }

  /** The decoded image of sample i. */
  protected loadImage(i: number): Tensor {
    return this.images[i];
  }
}

markFreshBatches(WebImageFolder);
