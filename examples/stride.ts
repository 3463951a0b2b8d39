// examples/stride.ts — stride: the window moves s pixels at a time, output floor((n + 2p − k)/s) + 1.

import { tensor, F, arange, readImage, writeImage, filter2d } from '../src/index.js';
import { heading, outDir, photo } from './_common.js';

const X = tensor([[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]]).reshape([1, 1, 5, 5]);
const K = arange(1, 10).reshape([1, 1, 3, 3]).float();
heading('Strides on the 5×5 input with the 3×3 kernel 1…9');
console.log('stride 2, padding 1 =', String(F.conv2d(X, K, { stride: 2, padding: 1 }).reshape([3, 3])));
console.log('stride 2, padding 0 =', String(F.conv2d(X, K, { stride: 2 }).reshape([2, 2])));
console.log('stride (3, 1), padding (0, 1) =', String(F.conv2d(X, K, { stride: [3, 1], padding: [0, 1] }).reshape([1, 5])));

heading('Output size floor((n + 2p − k)/s) + 1 for n = 8, k = 3');
const x8 = F.pad(X, [0, 3, 0, 3]);
for (const [s, p] of [[1, 0], [1, 1], [2, 0], [2, 1], [3, 1], [4, 0]]) {
  const y = F.conv2d(x8, K, { stride: s, padding: p });
  console.log(`s=${s} p=${p}: formula ${Math.floor((8 + 2 * p - 3) / s) + 1}, conv2d ${y.shape[2]}`);
}

heading('Stride 2 halves a photo (after a blur, so it does not alias)');
const dir = outDir('stride');
const img = readImage(photo('chelsea.png'));
const half = filter2d(img, 'gaussian', { stride: 2 }), quarter = filter2d(half, 'gaussian', { stride: 2 });
console.log(`[${img.shape.join(', ')}] → [${half.shape.join(', ')}] → [${quarter.shape.join(', ')}]`);
await writeImage(`${dir}/half.png`, half);
await writeImage(`${dir}/quarter.png`, quarter);
console.log(`wrote ${dir}/half.png, quarter.png`);
