// examples/cross-correlation.ts — the 2-D cross-correlation a convolutional layer computes:
// Y[i, j] = Σ_a Σ_b X[i + a, j + b] · K[a, b], output (nh − kh + 1) × (nw − kw + 1).

import { tensor, F, flip } from '../src/index.js';
import { heading } from './_common.js';

heading('2-D cross-correlation (corr2d)');
const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
const K = tensor([[0, 1], [2, 3]]);
console.log('X =', String(X));
console.log('K =', String(K));
const Y = F.corr2d(X, K);
console.log('corr2d(X, K) =', String(Y));
console.log('Y[0, 0] = 0·0 + 1·1 + 3·2 + 4·3 =', 0 * 0 + 1 * 1 + 3 * 2 + 4 * 3);

heading('True convolution rotates the kernel by 180°');
console.log('convolve2d(X, K)       =', String(F.convolve2d(X, K)));
console.log('corr2d(X, flip(K))     =', String(F.corr2d(X, flip(K, [0, 1]))));
console.log('convolve2d(X, K, full) =', String(F.convolve2d(X, K, { mode: 'full' })));
