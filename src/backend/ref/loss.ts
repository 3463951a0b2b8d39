// backend/ref/loss.ts — the loss functions as fused kernels, each forward with its backward.
//
// Layout: the class dim C sits between [outer] and [inner] (input [outer, C, inner]); a position j
// (outer·inner of them) is one sample (and pixel), its target t[j] a class index or, for probability
// targets, a distribution over C of the input's shape.
// reduction: 'none' (one loss per position), 'sum', or 'mean' — for class indices the weighted mean
// Σ lossₙ / Σ w[yₙ] over the positions that are not ignoreIndex, as PyTorch.
//
// crossEntropy with label smoothing ε is PyTorch's definition:
//   (1 − ε)·nll + (ε/C)·smooth,  smooth = −Σ_c w_c·log p_c (0 at ignored positions); with 'mean' both
//   terms are divided by Σ w[yₙ] over the positions not ignored (PyTorch 1.13's rule, fixture-checked).
// Gradients: with dℓ/d(log p) = q (a vector per position), the logits get q − p·Σq (the logSoftmax
// adjoint), so no intermediate tensors are built. Everything works from log p = x − logsumexp(x),
// computed with the row maximum subtracted and in float64: −log p of a float32 logit far below the
// others may exceed float32's range even when the (smoothed) loss itself does not.

import type { ClassLossAttrs, Reduction } from '../backend.js';
import type { DataArray } from '../../tensor/dtype.js';
import { softmaxInto } from './activation.js';

/** Flat index of (position j, class c) in [outer, C, inner]. */
function at(j: number, c: number, C: number, inner: number): number {
  return Math.floor(j / inner) * C * inner + c * inner + (j % inner);
}

/** Writes per-position losses, or their sum / mean by `denom`, into out. */
function reduceInto(losses: Float64Array, reduction: Reduction, denom: number, out: DataArray): void {
  if (reduction === 'none') { out.set(losses); return; }
  let s = 0;
  for (let j = 0; j < losses.length; j++) s += losses[j];
  out[0] = reduction === 'mean' ? s / denom : s;
}

/** The upstream gradient's factor for position j: one per position ('none') or one scalar. */
function scaleOf(g: DataArray, reduction: Reduction, denom: number): (j: number) => number {
  if (reduction === 'none') return (j) => g[j];
  const s = reduction === 'mean' ? g[0] / denom : g[0];
  return () => s;
}

export function findInvalidClass(t: DataArray, C: number, ignoreIndex: number): { index: number; value: number } | null {
  for (let j = 0; j < t.length; j++) {
    const v = t[j];
    if (!Number.isInteger(v) || (v !== ignoreIndex && (v < 0 || v >= C))) return { index: j, value: v };
  }
  return null;
}

function logProbs(kind: 'crossEntropy' | 'nll', x: DataArray, a: ClassLossAttrs): ArrayLike<number> {
  if (kind === 'nll') return x;
  const lp = new Float64Array(x.length);
  softmaxInto(x, { outer: a.outer, n: a.C, inner: a.inner }, true, lp);
  return lp;
}

/** Class-index losses: crossEntropy from logits (with label smoothing) or nll from log-probabilities. */
export function classLossInto(kind: 'crossEntropy' | 'nll', x: DataArray, t: DataArray, w: DataArray | null,
  a: ClassLossAttrs, out: DataArray, weightSum: DataArray): void {
  const { C, inner, ignoreIndex, reduction } = a;
  const eps = kind === 'nll' ? 0 : a.labelSmoothing;
  const positions = a.outer * inner;
  const lp = logProbs(kind, x, a);
  const losses = new Float64Array(positions);
  let ws = 0;
  for (let j = 0; j < positions; j++) {
    const yj = t[j];
    if (yj === ignoreIndex) continue;
    const wy = w ? w[yj] : 1;
    ws += wy;
    let l = -wy * lp[at(j, yj, C, inner)] * (1 - eps);
    if (eps > 0) {
      let sm = 0;
      for (let c = 0; c < C; c++) sm -= (w ? w[c] : 1) * lp[at(j, c, C, inner)];
      l += (eps / C) * sm;
    }
    losses[j] = l;
  }
  weightSum[0] = ws;
  reduceInto(losses, reduction, ws, out);
}

export function classLossGradInto(kind: 'crossEntropy' | 'nll', x: DataArray, t: DataArray, w: DataArray | null,
  g: DataArray, weightSum: DataArray, a: ClassLossAttrs, dx: DataArray): void {
  const { C, inner, ignoreIndex, reduction } = a;
  const positions = a.outer * inner;
  const ws = weightSum[0];
  dx.fill(0);
  if (kind === 'nll') {
    const scale = scaleOf(g, reduction, ws);
    for (let j = 0; j < positions; j++) {
      const yj = t[j];
      if (yj === ignoreIndex) continue;
      dx[at(j, yj, C, inner)] = -scale(j) * (w ? w[yj] : 1);
    }
    return;
  }
  const eps = a.labelSmoothing;
  const lp = logProbs(kind, x, a);
  let W = C;
  if (w) { W = 0; for (let c = 0; c < C; c++) W += w[c]; }
  for (let j = 0; j < positions; j++) {
    const yj = t[j];
    if (yj === ignoreIndex) continue;
    let pa: number, pb: number; // dℓ/dlog p_c = −pa·w_y·[c = y] − pb·w_c
    if (reduction === 'none') { pa = g[j] * (1 - eps); pb = g[j] * eps / C; }
    else if (reduction === 'sum') { pa = g[0] * (1 - eps); pb = g[0] * eps / C; }
    else { pa = g[0] * (1 - eps) / ws; pb = g[0] * eps / C / ws; }
    const wy = w ? w[yj] : 1;
    const total = pa * wy + pb * W; // −Σ_c dℓ/dlog p_c
    for (let c = 0; c < C; c++) {
      const p = at(j, c, C, inner);
      dx[p] = Math.exp(lp[p]) * total - pb * (w ? w[c] : 1);
    }
    dx[at(j, yj, C, inner)] -= pa * wy;
  }
}

/** Cross entropy against class probabilities: ℓ = −Σ_c w_c·t'_c·log p_c, t' = (1 − ε)·t + ε/C; 'mean'
 *  divides by the number of positions. */
export function crossEntropyProbInto(x: DataArray, t: DataArray, w: DataArray | null, a: ClassLossAttrs, out: DataArray): void {
  const { C, inner, reduction } = a;
  const eps = a.labelSmoothing;
  const positions = a.outer * inner;
  const lp = logProbs('crossEntropy', x, a);
  const losses = new Float64Array(positions);
  for (let j = 0; j < positions; j++) {
    let s = 0;
    for (let c = 0; c < C; c++) {
      const p = at(j, c, C, inner);
      const tc = t[p] * (1 - eps) + eps / C;
      if (tc !== 0) s -= (w ? w[c] : 1) * tc * lp[p];
    }
    losses[j] = s;
  }
  reduceInto(losses, reduction, positions, out);
}

export function crossEntropyProbGradInto(x: DataArray, t: DataArray, w: DataArray | null, g: DataArray, a: ClassLossAttrs,
  dx: DataArray | null, dt: DataArray | null): void {
  const { C, inner, reduction } = a;
  const eps = a.labelSmoothing;
  const positions = a.outer * inner;
  const lp = logProbs('crossEntropy', x, a);
  const scale = scaleOf(g, reduction, positions);
  for (let j = 0; j < positions; j++) {
    const s = scale(j);
    let sumq = 0;
    for (let c = 0; c < C; c++) {
      const p = at(j, c, C, inner);
      const wc = w ? w[c] : 1;
      const q = -s * wc * (t[p] * (1 - eps) + eps / C);
      sumq += q;
      if (dx) dx[p] = q;
      if (dt) dt[p] = -s * wc * (1 - eps) * lp[p];
    }
    if (dx) for (let c = 0; c < C; c++) { const p = at(j, c, C, inner); dx[p] -= Math.exp(lp[p]) * sumq; }
  }
}

/** Mean (or summed) squared error (x − t)². */
export function mseLossInto(x: DataArray, t: DataArray, reduction: Reduction, out: DataArray): void {
  const n = x.length;
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) { const d = x[i] - t[i]; losses[i] = d * d; }
  reduceInto(losses, reduction, n, out);
}

export function mseLossGradInto(x: DataArray, t: DataArray, g: DataArray, reduction: Reduction, dx: DataArray | null, dt: DataArray | null): void {
  const n = x.length;
  const scale = scaleOf(g, reduction, n);
  for (let i = 0; i < n; i++) {
    const d = 2 * (x[i] - t[i]) * scale(i);
    if (dx) dx[i] = d;
    if (dt) dt[i] = -d;
  }
}

/** log(1 + e^(−x)), stable for every x. */
function softplusNeg(x: number): number {
  return Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Sigmoid followed by binary cross entropy, computed stably from the logits:
 *  ℓ = w·[(1 − t)·x + (1 + (posWeight − 1)·t)·log(1 + e^(−x))]. */
export function bceWithLogitsInto(x: DataArray, t: DataArray, w: DataArray | null, pw: DataArray | null,
  reduction: Reduction, out: DataArray): void {
  const n = x.length;
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ti = t[i], v = x[i];
    const lw = pw ? 1 + (pw[i] - 1) * ti : 1;
    losses[i] = (w ? w[i] : 1) * ((1 - ti) * v + lw * softplusNeg(v));
  }
  reduceInto(losses, reduction, n, out);
}

export function bceWithLogitsGradInto(x: DataArray, t: DataArray, w: DataArray | null, pw: DataArray | null, g: DataArray,
  reduction: Reduction, dx: DataArray | null, dt: DataArray | null): void {
  const n = x.length;
  const scale = scaleOf(g, reduction, n);
  for (let i = 0; i < n; i++) {
    const ti = t[i], v = x[i];
    const s = scale(i) * (w ? w[i] : 1);
    const p = pw ? pw[i] : 1;
    const lw = 1 + (p - 1) * ti;
    // σ(−x), stable on both sides
    const sigNeg = v >= 0 ? Math.exp(-v) / (1 + Math.exp(-v)) : 1 / (1 + Math.exp(v));
    if (dx) dx[i] = s * ((1 - ti) - lw * sigNeg);
    if (dt) dt[i] = s * (-v + (p - 1) * softplusNeg(v));
  }
}
