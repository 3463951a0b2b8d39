// examples/signal-convolution.ts — convolution of signals: (a ∗ v)[n] = Σ_m a[m]·v[n − m], the kernel flipped.
// F.convolve1d is numpy.convolve (modes full/same/valid); conv1d, what a CNN layer computes, is the
// cross-correlation: the same with the kernel not flipped.
//
//   node --import tsx examples/signal-convolution.ts

import { tensor, F, flip, linspace, sin, randn, manualSeed } from '../src/index.js';
import { heading } from './_common.js';

heading('Convolution of two signals (numpy.convolve)');
const a = tensor([1, 2, 3]), v = tensor([0, 1, 0.5]);
console.log('a =', String(a), ' v =', String(v));
for (const mode of ['full', 'same', 'valid'] as const) console.log(`convolve1d(a, v, ${mode}) =`, String(F.convolve1d(a, v, { mode })));

heading('Convolution flips the kernel; cross-correlation (conv1d) does not');
const x = tensor([[[1, 2, 3, 4, 5]]]), k = tensor([[[1, 0, -1]]]);
console.log('conv1d(x, [1, 0, -1])          =', String(F.conv1d(x, k).reshape([-1])));
console.log('convolve1d(x, [1, 0, -1], valid) =', String(F.convolve1d(x.reshape([-1]), k.reshape([-1]), { mode: 'valid' })));
console.log('conv1d(x, flip(k))             =', String(F.conv1d(x, flip(k, 2)).reshape([-1])));

heading('Smoothing a noisy signal with a moving average');
manualSeed(0);
const t = linspace(0, 2 * Math.PI, 50);
const noisy = sin(t).add(randn([50]).mul(0.3));
const smooth = F.convolve1d(noisy, tensor([0.2, 0.2, 0.2, 0.2, 0.2]), { mode: 'same' });
const rms = (y: typeof t) => Math.sqrt(y.sub(sin(t)).square().mean().item());
console.log(`rms error to sin(t): noisy ${rms(noisy).toFixed(3)}, smoothed ${rms(smooth).toFixed(3)}`);
