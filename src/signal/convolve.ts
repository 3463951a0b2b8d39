// signal/convolve.ts — F.convolve1d, numpy.convolve for tensors: true convolution of two 1-D signals,
//
//   (a ∗ v)[n] = Σ_m a[m] · v[n − m]          (the kernel is flipped, unlike conv1d's cross-correlation)
//
// with numpy's modes: 'full' (default, length M + N − 1: every overlap), 'same' (length max(M, N), the
// centre of 'full' starting at (min(M, N) − 1) // 2) and 'valid' (length max(M, N) − min(M, N) + 1: full
// overlaps only). As numpy, the shorter argument is the one that slides (convolution is commutative).
// Built from conv1d, pad and flip, so it is differentiable with respect to both signals.

import { Tensor } from '../tensor/tensor.js';
import { checkKeys, noExtraArgs } from '../tensor/signature.js';
import { shapeStr } from '../tensor/shape.js';
import { conv1d } from '../ops/conv.js';
import { pad } from '../ops/pad.js';
import { flip, reshape } from '../ops/shape.js';

/**
 * Options of {@link convolve1d}: the output `mode`, 'full' (default), 'same' or 'valid', as NumPy's.
 * PyTorch: none (NumPy: the `mode` of `numpy.convolve`).
 * @example
 * ```ts
 * F.convolve1d(a, v, { mode: 'same' });
 * ```
 */
export interface Convolve1dOptions {
  mode?: 'full' | 'same' | 'valid';
}

/**
 * True convolution of two 1-D signals, (a ∗ v)[n] = Σ_m a[m]·v[n − m] (the kernel is flipped, unlike
 * conv1d), with NumPy's modes; differentiable with respect to both. PyTorch: none (NumPy: `numpy.convolve`).
 * @example
 * ```ts
 * F.convolve1d(tensor([1, 2, 3]), tensor([0, 1, 0.5]));  // tensor([0.0000, 1.0000, 2.5000, 4.0000, 1.5000])
 * ```
 */
export function convolve1d(a: Tensor, v: Tensor, opts: Convolve1dOptions = {}): Tensor {
  noExtraArgs('convolve1d', arguments, ['a', 'v', 'opts']);
  checkKeys('convolve1d', opts, ['mode']);
  for (const [name, t] of [['a', a], ['v', v]] as const) {
    if (!(t instanceof Tensor)) throw new Error(`convolve1d: ${name} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (t.ndim !== 1) throw new Error(`convolve1d: ${name} must be 1-D, got shape ${shapeStr(t.shape)}`);
    if (t.numel() === 0) throw new Error(`convolve1d: ${name} cannot be empty`);
  }
  if (opts === null || typeof opts !== 'object') throw new Error('convolve1d: options must be an object');
  const mode = opts.mode ?? 'full';
  if (mode !== 'full' && mode !== 'same' && mode !== 'valid') {
    throw new Error(`convolve1d: mode must be 'full', 'same' or 'valid', got ${JSON.stringify(opts.mode)}`);
  }
  const [long, short] = v.numel() > a.numel() ? [v, a] : [a, v];
  const M = long.numel(), N = short.numel();
  const k = reshape(flip(short, 0), [1, 1, N]);
  const x = reshape(long, [1, 1, M]);
  const lo = mode === 'full' ? N - 1 : mode === 'same' ? N - 1 - Math.floor((N - 1) / 2) : 0;
  const hi = mode === 'full' ? N - 1 : mode === 'same' ? Math.floor((N - 1) / 2) : 0;
  const xp = lo || hi ? pad(x, [lo, hi]) : x;
  return reshape(conv1d(xp, k), [-1]);
}
