// data/folder.ts — ImageFolder in Node: PNG and JPEG files on disk, one folder per class, as
// torchvision.datasets.ImageFolder (the layout rules are in data/folder-base.ts). Images are decoded when
// an item is asked for (io/image-file.ts readImage, as RGB), not when the data set is made.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { readImage } from '../io/image-file.js';
import { ImageFolderBase, type ImageFolderOptions } from './folder-base.js';
import { markFreshBatches } from './dataset.js';
import type { TransformLike } from './transforms.js';

/** Every file under dir (following links), as paths relative to it with '/' separators. */
function walk(dir: string, rel = '', seen = new Set<string>()): string[] {
  const out: string[] = [];
  let names: string[];
  try { names = readdirSync(join(dir, rel)); } catch (e) { throw new Error(`ImageFolder: cannot read ${join(dir, rel)}: ${(e as Error).message}`); }
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name;
    let st;
    try { st = statSync(join(dir, r)); } catch { continue; } // a dangling link
    if (st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue; // a link loop
      seen.add(key);
      out.push(...walk(dir, r, seen));
    } else if (st.isFile()) out.push(r);
  }
  return out;
}

/**
 * Images in one folder per class under `root` (`root/cat/1.png`, `root/dog/x/2.jpg`): the classes are the
 * folder names sorted, items `[image, classIndex]` with the image float32 [3, H, W] in [0, 1] (RGB, as
 * torchvision's loader gives). PNG and JPEG. Node; in the browser, `ImageFolder.fromFiles` of the browser
 * entry takes the files a user picks. PyTorch: `torchvision.datasets.ImageFolder`.
 * @example
 * ```ts
 * const ds = new ImageFolder('photos', { transform: new transforms.Compose([new transforms.Resize([64, 64])]) });
 * ds.classes;       // ['cat', 'dog']
 * ds.classToIdx;    // { cat: 0, dog: 1 }
 * const [img, label] = ds.getItem(0);
 * ```
 */
export class ImageFolder extends ImageFolderBase {
  constructor(...args: PyArgs<[root: string, transform: TransformLike, targetTransform: (label: number) => number], ImageFolderOptions & { root?: string }>) {
    const a = bindArgs('ImageFolder', args, {
      positional: [{ name: 'root', kind: 'string', required: true }, { name: 'transform', kind: 'function' }, { name: 'targetTransform', kind: 'function' }],
      keywordOnly: [{ name: 'extensions', kind: { test: Array.isArray, what: "a list of extensions like ['.png']" } }],
    });
    const root = a.root as string;
    let st;
    try { st = statSync(root); } catch { throw new Error(`ImageFolder: ${root} does not exist`); }
    if (!st.isDirectory()) throw new Error(`ImageFolder: ${root} is not a directory`);
    super('ImageFolder', root, walk(root), a as ImageFolderOptions, (rel) => join(root, rel));
  }

  /**
   * The file's image as RGB float32 [3, H, W] in [0, 1]. PyTorch: `torchvision.datasets.folder.default_loader`.
   */
  protected loadImage(i: number): Tensor {
    return readImage(this.samples[i][0], { mode: 'rgb' });
  }
}

// Batches are stacked anew (exactly this class: a subclass's getBatch may differ).
markFreshBatches(ImageFolder);
