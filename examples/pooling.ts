// examples/pooling.ts — max and average pooling: the largest or mean value of each window, no weights.

import { tensor, cat, F, readImage, writeImage, vis } from '../src/index.js';
import { heading, outDir, photo } from './_common.js';

const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]).reshape([1, 1, 3, 3]);
heading('2×2 pooling (stride 1) of [[0, 1, 2], [3, 4, 5], [6, 7, 8]]');
console.log('max =', String(F.maxPool2d(X, 2, { stride: 1 }).reshape([2, 2])));
console.log('avg =', String(F.avgPool2d(X, 2, { stride: 1 }).reshape([2, 2])));

heading('Padding and stride: a 4×4 input');
const X4 = tensor(Array.from({ length: 16 }, (_, i) => i)).reshape([1, 1, 4, 4]);
console.log('X =', String(X4.reshape([4, 4])));
console.log('maxPool2d(X, 3) =', String(F.maxPool2d(X4, 3).reshape([1, 1])));
console.log('maxPool2d(X, 3, padding 1, stride 2) =', String(F.maxPool2d(X4, 3, { padding: 1, stride: 2 }).reshape([2, 2])));
console.log('maxPool2d(X, [2, 3], padding [0, 1], stride [2, 3]) =', String(F.maxPool2d(X4, [2, 3], { padding: [0, 1], stride: [2, 3] }).reshape([2, 2])));

heading('Channels are pooled separately: cat(X, X + 1)');
const both = cat([X4, X4.add(1)], 1);
console.log('maxPool2d(., 3, padding 1, stride 2) =', String(F.maxPool2d(both, 3, { padding: 1, stride: 2 }).reshape([2, 2, 2])));

heading('Pooling a photo: 4×4 max vs average');
const dir = outDir('pooling');
const img = readImage(photo('coins.png'));
const mx = F.maxPool2d(img.unsqueeze(0), 4), av = F.avgPool2d(img.unsqueeze(0), 4);
console.log(`[${img.shape.join(', ')}] → [${mx.shape.slice(1).join(', ')}]; mean brightness: input ${img.mean().item().toFixed(4)}, max-pooled ${mx.mean().item().toFixed(4)}, avg-pooled ${av.mean().item().toFixed(4)}`);
await writeImage(`${dir}/max-vs-avg.png`, vis.makeGrid(cat([mx, av], 0), { ncol: 2, padding: 4, normalize: 'none' }));
console.log(`wrote ${dir}/max-vs-avg.png (max, average)`);
