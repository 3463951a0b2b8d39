// Regenerates this directory's IDX files from the official Fashion-MNIST files:
//   node --import tsx data/fashion-mnist-subset/make-subset.ts [SOURCE_DIR]
// (SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist, or ../shared/data/fashion-mnist if that is
// missing.) The pick is class-balanced and keeps the official order: the first 500 training images of each
// class (5,000 in all) and the first 100 test images of each class (1,000 in all).

import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIdx, readIdx } from '../../src/data/idx.js';

const here = dirname(fileURLToPath(import.meta.url));
const src = process.argv[2] ?? ['/usr/share/datasets/fashion-mnist', join(here, '../../../shared/data/fashion-mnist')].find((d) => existsSync(d));
if (!src) throw new Error('make-subset: no source directory found; pass the directory with the official files');

function pick(prefix: string, perClass: number): void {
  const im = readIdx(join(src!, `${prefix}-images-idx3-ubyte.gz`));
  const lb = readIdx(join(src!, `${prefix}-labels-idx1-ubyte.gz`));
  const counts = new Array(10).fill(0);
  const keep: number[] = [];
  for (let i = 0; i < lb.data.length && keep.length < 10 * perClass; i++) {
    const c = lb.data[i];
    if (counts[c] < perClass) { counts[c]++; keep.push(i); }
  }
  const [, h, w] = im.shape;
  const images = new Uint8Array(keep.length * h * w);
  keep.forEach((i, k) => images.set((im.data as Uint8Array).subarray(i * h * w, (i + 1) * h * w), k * h * w));
  const labels = Uint8Array.from(keep, (i) => lb.data[i]);
  writeFileSync(join(here, `${prefix}-images-idx3-ubyte.gz`), encodeIdx({ type: 'uint8', shape: [keep.length, h, w], data: images }, { gzip: true }));
  writeFileSync(join(here, `${prefix}-labels-idx1-ubyte.gz`), encodeIdx({ type: 'uint8', shape: [keep.length], data: labels }, { gzip: true }));
  console.log(`${prefix}: ${keep.length} images (${perClass} per class), last source index ${keep[keep.length - 1]}`);
}

pick('train', 500);
pick('t10k', 100);
