// ops/fft-conv.ts — when conv2d runs through the convolution theorem instead of the direct kernel.
//
// The FFT convolution itself is a backend kernel (fftConv2d and its two gradients; the rules of the
// method are at the top of backend/ref/fft.ts). This file holds the choice: in 'auto' mode the FFT runs
// when a cost model says it is cheaper than the direct (im2col) kernel — in practice for large kernels;
// bench/fft-crossover.ts measures where that happens and prints the crossover kernel size.
// setFftConvPolicy({ mode: 'never' }) turns it off, 'always' forces it; F.fftConv2d forces it for one call.

import { type Conv2dAttrs, getBackend } from '../backend/backend.js';
import { checkKeys, noExtraArgs } from '../tensor/signature.js';
import { convFftGrid } from '../backend/fft-core.js';

export interface FftConvPolicy {
  /** 'auto' (default): FFT where the cost model predicts a win; 'always'; 'never'. */
  mode: 'auto' | 'always' | 'never';
  /** Auto mode only considers kernels with kH·kW ≥ minKernelArea (default 81, i.e. 9×9). */
  minKernelArea: number;
  /** Auto mode picks the FFT when directCost > ratio · fftCost (see convCosts() below); from the benchmark. */
  ratio: number;
  /** Backends whose direct conv the ratio was calibrated against; others are left alone in auto mode. */
  backends: string[];
}

// Calibrated with bench/fft-crossover.ts on the ref backend: measured crossover 11×11 (1→1 256², 3→8 128²) to
// 15×15 (16→16 64²); ratio 1.5 keeps the automatic choice on the safe side of it.
const policy: FftConvPolicy = { mode: 'auto', minKernelArea: 81, ratio: 1.5, backends: ['ref'] };

/**
 * Sets when conv2d runs through the FFT instead of the direct kernel: `mode` 'auto' (the default: where a
 * cost model predicts a win, for large kernels), 'always' or 'never', and the auto mode's thresholds.
 * Returns the policy now in force. convnet's own (PyTorch has no FFT convolution).
 * @example
 * ```ts
 * setFftConvPolicy({ mode: 'never' });  // always the direct kernel
 * ```
 */
export function setFftConvPolicy(p: Partial<FftConvPolicy>): FftConvPolicy {
  noExtraArgs('setFftConvPolicy', arguments, ['p']);
  checkKeys('setFftConvPolicy', p, ['mode', 'minKernelArea', 'ratio', 'backends']);
  if (p.mode !== undefined && !['auto', 'always', 'never'].includes(p.mode)) {
    throw new Error(`setFftConvPolicy: mode must be 'auto', 'always' or 'never', got ${JSON.stringify(p.mode)}`);
  }
  Object.assign(policy, p);
  return { ...policy };
}

/**
 * A copy of the current FFT-convolution policy (see {@link setFftConvPolicy}). convnet's own.
 * @example
 * ```ts
 * getFftConvPolicy().mode;  // 'auto'
 * ```
 */
export function getFftConvPolicy(): FftConvPolicy {
  return { ...policy, backends: [...policy.backends] };
}

/** Estimated work of the direct and the FFT convolution (multiply-adds, arbitrary but shared units). */
export function convCosts(a: Conv2dAttrs): { direct: number; fft: number } {
  const { lh, lw } = convFftGrid(a);
  const Cg = a.C / a.groups;
  const direct = a.N * a.OC * Cg * a.OH * a.OW * a.KH * a.KW;
  const planes = a.N * a.C + a.OC * Cg + a.N * a.OC;  // forward transforms of x and w, inverse per output
  const half = lh * ((lw >> 1) + 1);
  // A real 2-D transform ≈ 2.5·L·log2 L real multiply-adds, plus copy overhead; the spectral product is
  // 4 multiply-adds per bin.
  const fft = planes * (2.5 * lh * lw * Math.log2(lh * lw) + 4 * lh * lw) + 4 * a.N * a.OC * Cg * half;
  return { direct, fft };
}

/** Whether conv2d's automatic choice would use the FFT for these attributes. */
export function prefersFft(a: Conv2dAttrs): boolean {
  if (policy.mode === 'never') return false;
  if (policy.mode === 'always') return true;
  if (!policy.backends.includes(getBackend())) return false;
  if (a.KH * a.KW < policy.minKernelArea) return false;
  const { direct, fft } = convCosts(a);
  return direct > policy.ratio * fft;
}

let forced = 0;

/** Runs fn with every conv2d in it computed by FFT (F.fftConv2d). */
export function withFftForced<T>(fn: () => T): T {
  forced++;
  try {
    return fn();
  } finally {
    forced--;
  }
}

/** Whether this convolution runs through the FFT: forced, or preferred by the policy. */
export function fftChosen(a: Conv2dAttrs): boolean {
  return forced > 0 || prefersFft(a);
}
