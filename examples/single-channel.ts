// examples/single-channel.ts — one input channel, one kernel: the tutorial's 5×5 input and 3×3 kernel 1…9
// (valid, zero padding 1, stride 2 — the three sizes of the output formula).

import { tensor, F, arange } from '../src/index.js';
import { heading } from './_common.js';

const X = tensor([[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]]).reshape([1, 1, 5, 5]);
const K = arange(1, 10).reshape([1, 1, 3, 3]).float();
heading('A 5×5 input, the 3×3 kernel 1…9');
console.log('X =', String(X.reshape([5, 5])));
console.log('K =', String(K.reshape([3, 3])));
const show = (label: string, y: typeof X) => console.log(`${label} [${y.shape.slice(2).join('×')}] =`, String(y.reshape(y.shape.slice(2))));
show('valid (no padding)', F.conv2d(X, K));
show('padding 1', F.conv2d(X, K, { padding: 1 }));
show('padding 1, stride 2', F.conv2d(X, K, { padding: 1, stride: 2 }));
console.log('output size: floor((5 + 2·1 − 3)/2) + 1 =', Math.floor((5 + 2 - 3) / 2) + 1);
