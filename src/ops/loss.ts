// ops/loss.ts — the loss functions of torch.nn.functional, each one fused op with its backward.
//
// Shapes (class dim C is dim 1, or dim 0 for an unbatched input):
//   crossEntropy / nllLoss  input [C], [N, C] or [N, C, d1, …]; target [], [N] or [N, d1, …] of class
//                           indices (int32, or floats holding integers); crossEntropy also takes class
//                           probabilities of the input's shape.
//   mseLoss, binaryCrossEntropyWithLogits: target has the input's shape.
// reduction: 'none' (one loss per position), 'sum', or 'mean' — for class indices the weighted mean
// Σ lossₙ / Σ w[yₙ] over the positions that are not ignoreIndex, as PyTorch.
//
// crossEntropy with label smoothing ε is PyTorch's definition:
//   (1 − ε)·nll + (ε/C)·smooth,  smooth = −Σ_c w_c·log p_c (0 at ignored positions); with 'mean' both
//   terms are divided by Σ w[yₙ] over the positions not ignored (PyTorch 1.13's rule, fixture-checked).
// Gradients: with dℓ/d(log p) = q (a vector per position), the logits get q − p·Σq (the logSoftmax
// adjoint), so no intermediate tensors are built. Everything works from log p = x − logsumexp(x),
// computed with the row maximum subtracted: large logits never overflow into NaN.

import { allocFloat, backend, type FloatArray } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor, allocDType } from '../tensor/tensor.js';
import { broadcastShapes, sameShape, shapeStr } from '../tensor/shape.js';
import { requireTensor, wrap } from './util.js';
import { softmaxKernel } from './activation.js';

export type Reduction = 'none' | 'mean' | 'sum';

export interface CrossEntropyOptions {
  /** A manual rescaling weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Target value that is ignored and does not count towards the mean (default −100). */
  ignoreIndex?: number;
  reduction?: Reduction;
  /** ε in [0, 1]: mixes the target with the uniform distribution (default 0). */
  labelSmoothing?: number;
}

export interface NllLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface LossOptions {
  reduction?: Reduction;
}

export interface BceWithLogitsOptions {
  /** Rescaling weight broadcast against the input. */
  weight?: Tensor | null;
  reduction?: Reduction;
  /** Weight of positive examples, broadcast against the input (typically shape [C]). */
  posWeight?: Tensor | null;
}

const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

function reductionArg(op: string, r: unknown): Reduction {
  if (r === undefined) return 'mean';
  if (!REDUCTIONS.includes(r as Reduction)) {
    throw new Error(`${op}: reduction must be 'none', 'mean' or 'sum', got ${JSON.stringify(r)}`);
  }
  return r as Reduction;
}

function floatInput(op: string, x: Tensor): Tensor {
  requireTensor(op, 'input', x);
  if (x.dtype === 'int32') throw new Error(`${op}: input must be a floating-point tensor, got int32`);
  return x;
}

function positionStr(shape: readonly number[], flat: number): string {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat = Math.floor(flat / shape[d]); }
  return `[${idx.join(', ')}]`;
}

interface ClassLayout {
  outer: number;       // N (1 when unbatched)
  C: number;
  inner: number;       // product of the extra dims d1…
  positions: number;   // outer·inner
  targetShape: number[];
}

function classLayout(op: string, x: Tensor): ClassLayout {
  if (x.ndim < 1) throw new Error(`${op}: input must have at least 1 dimension (the classes), got a 0-d tensor`);
  const axis = x.ndim === 1 ? 0 : 1;
  const C = x.shape[axis];
  if (C < 1) throw new Error(`${op}: input of shape ${shapeStr(x.shape)} has no classes`);
  const outer = axis === 1 ? x.shape[0] : 1;
  let inner = 1;
  for (let i = axis + 1; i < x.ndim; i++) inner *= x.shape[i];
  const targetShape = x.shape.filter((_, i) => i !== axis);
  return { outer, C, inner, positions: outer * inner, targetShape };
}

/** Class indices as Int32Array, checked: integers in [0, C) or ignoreIndex. */
function classIndices(op: string, target: Tensor, L: ClassLayout, inputShape: number[], ignoreIndex: number): Int32Array {
  if (!sameShape(target.shape, L.targetShape)) {
    throw new Error(`${op}: target of shape ${shapeStr(target.shape)} does not match input ${shapeStr(inputShape)}: ` +
      `expected class indices of shape ${shapeStr(L.targetShape)}` +
      (op === 'crossEntropy' ? ` (or class probabilities of shape ${shapeStr(inputShape)})` : ''));
  }
  const t = target.storage;
  const idx = new Int32Array(t.length);
  for (let j = 0; j < t.length; j++) {
    const v = t[j];
    if (!Number.isInteger(v)) {
      throw new Error(`${op}: target holds ${v} at position ${positionStr(target.shape, j)}; class indices must be integers`);
    }
    if (v !== ignoreIndex && (v < 0 || v >= L.C)) {
      throw new Error(`${op}: target ${v} at position ${positionStr(target.shape, j)} is out of range for ${L.C} classes ` +
        `(class indices must be in 0..${L.C - 1}, or ignoreIndex=${ignoreIndex})`);
    }
    idx[j] = v;
  }
  return idx;
}

function classWeight(op: string, weight: Tensor | null | undefined, C: number): ArrayLike<number> | null {
  if (weight === null || weight === undefined) return null;
  requireTensor(op, 'weight', weight);
  if (weight.ndim !== 1 || weight.shape[0] !== C) {
    throw new Error(`${op}: weight must have shape [${C}] (one value per class), got ${shapeStr(weight.shape)}`);
  }
  return weight.storage;
}

/** The scale each position's loss gets from the upstream gradient g (a scalar, or one per position). */
function positionScale(g: Tensor, reduction: Reduction, denom: number): (j: number) => number {
  const gs = g.storage;
  if (reduction === 'none') return (j) => gs[j];
  const s = reduction === 'mean' ? gs[0] / denom : gs[0];
  return () => s;
}

function reduceLosses(losses: Float64Array, reduction: Reduction, denom: number, dtype: Tensor['dtype'], shape: number[]): Tensor {
  if (reduction === 'none') {
    const out = allocDType(dtype, losses.length);
    out.set(losses);
    return new Tensor(out, shape, dtype);
  }
  let s = 0;
  for (let j = 0; j < losses.length; j++) s += losses[j];
  const out = allocDType(dtype, 1);
  out[0] = reduction === 'mean' ? s / denom : s;
  return new Tensor(out, [], dtype);
}

// ------------------------------------------------------------------------------------- crossEntropy

export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const x = floatInput(op, input);
  requireTensor(op, 'target', target);
  const reduction = reductionArg(op, opts.reduction);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const eps = opts.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) {
    throw new Error(`${op}: labelSmoothing must be between 0 and 1, got ${JSON.stringify(opts.labelSmoothing)}`);
  }
  const L = classLayout(op, x);
  const { outer, C, inner, positions } = L;
  const w = classWeight(op, opts.weight, C);
  const xs = x.storage as FloatArray;
  // log p in float64: −log p of a float32 logit far below the others may exceed float32's range
  // even when the (smoothed) loss itself does not.
  const lp = new Float64Array(xs.length);
  softmaxKernel(xs, lp, outer, C, inner, true);
  const at = (j: number, c: number) => Math.floor(j / inner) * C * inner + c * inner + (j % inner);
  const losses = new Float64Array(positions);

  if (target.isFloatingPoint && sameShape(target.shape, x.shape)) {
    // Class probabilities: ℓ = −Σ_c w_c·t'_c·log p_c, t' = (1 − ε)·t + ε/C; 'mean' divides by positions.
    const ts = target.storage;
    for (let j = 0; j < positions; j++) {
      let s = 0;
      for (let c = 0; c < C; c++) {
        const p = at(j, c);
        const tc = ts[p] * (1 - eps) + eps / C;
        if (tc !== 0) s -= (w ? w[c] : 1) * tc * lp[p];
      }
      losses[j] = s;
    }
    const out = reduceLosses(losses, reduction, positions, x.dtype, L.targetShape);
    return record(op, out, [input, target], (g) => {
      const scale = positionScale(g, reduction, positions);
      const dx = input.requiresGrad ? allocFloat(xs, xs.length) : null;
      const dt = target.requiresGrad ? allocFloat(target.storage as FloatArray, ts.length) : null;
      for (let j = 0; j < positions; j++) {
        const s = scale(j);
        let sumq = 0;
        for (let c = 0; c < C; c++) {
          const p = at(j, c);
          const wc = w ? w[c] : 1;
          const q = -s * wc * (ts[p] * (1 - eps) + eps / C);
          sumq += q;
          if (dx) dx[p] = q;
          if (dt) dt[p] = -s * wc * (1 - eps) * lp[p];
        }
        if (dx) for (let c = 0; c < C; c++) { const p = at(j, c); dx[p] -= Math.exp(lp[p]) * sumq; }
      }
      return [dx && wrap(dx, x.shape), dt && wrap(dt, target.shape)];
    });
  }

  const y = classIndices(op, target, L, x.shape, ignoreIndex);
  let W = C;
  if (w) { W = 0; for (let c = 0; c < C; c++) W += w[c]; }
  let weightSum = 0;
  for (let j = 0; j < positions; j++) {
    const yj = y[j];
    if (yj === ignoreIndex) continue;
    const wy = w ? w[yj] : 1;
    weightSum += wy;
    let l = -wy * lp[at(j, yj)] * (1 - eps);
    if (eps > 0) {
      let sm = 0;
      for (let c = 0; c < C; c++) sm -= (w ? w[c] : 1) * lp[at(j, c)];
      l += (eps / C) * sm;
    }
    losses[j] = l;
  }
  // 'mean' divides both terms by Σ w[yₙ] over the positions not ignored (their count without a weight).
  const out = reduceLosses(losses, reduction, weightSum, x.dtype, L.targetShape);
  return record(op, out, [input], (g) => {
    const gs = g.storage;
    const dx = allocFloat(xs, xs.length);
    for (let j = 0; j < positions; j++) {
      const yj = y[j];
      if (yj === ignoreIndex) continue;
      let a: number, b: number; // dℓ/dlog p_c = −a·w_y·[c = y] − b·w_c
      if (reduction === 'none') { a = gs[j] * (1 - eps); b = gs[j] * eps / C; }
      else if (reduction === 'sum') { a = gs[0] * (1 - eps); b = gs[0] * eps / C; }
      else { a = gs[0] * (1 - eps) / weightSum; b = gs[0] * eps / C / weightSum; }
      const wy = w ? w[yj] : 1;
      const total = a * wy + b * W; // −Σ_c dℓ/dlog p_c
      for (let c = 0; c < C; c++) {
        const p = at(j, c);
        dx[p] = Math.exp(lp[p]) * total - b * (w ? w[c] : 1);
      }
      dx[at(j, yj)] -= a * wy;
    }
    return [wrap(dx, x.shape)];
  });
}

// ------------------------------------------------------------------------------------------ nllLoss

/** Negative log-likelihood of log-probabilities (the output of logSoftmax). */
export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  const op = 'nllLoss';
  const x = floatInput(op, input);
  requireTensor(op, 'target', target);
  const reduction = reductionArg(op, opts.reduction);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const L = classLayout(op, x);
  const { C, inner, positions } = L;
  const w = classWeight(op, opts.weight, C);
  const y = classIndices(op, target, L, x.shape, ignoreIndex);
  const xs = x.storage as FloatArray;
  const at = (j: number, c: number) => Math.floor(j / inner) * C * inner + c * inner + (j % inner);
  const losses = new Float64Array(positions);
  let weightSum = 0;
  for (let j = 0; j < positions; j++) {
    const yj = y[j];
    if (yj === ignoreIndex) continue;
    const wy = w ? w[yj] : 1;
    weightSum += wy;
    losses[j] = -wy * xs[at(j, yj)];
  }
  const out = reduceLosses(losses, reduction, weightSum, x.dtype, L.targetShape);
  return record(op, out, [input], (g) => {
    const scale = positionScale(g, reduction, weightSum);
    const dx = allocFloat(xs, xs.length);
    for (let j = 0; j < positions; j++) {
      const yj = y[j];
      if (yj === ignoreIndex) continue;
      dx[at(j, yj)] = -scale(j) * (w ? w[yj] : 1);
    }
    return [wrap(dx, x.shape)];
  });
}

// ------------------------------------------------------------------------------------------ mseLoss

function sameShapeTarget(op: string, x: Tensor, target: Tensor): void {
  requireTensor(op, 'target', target);
  if (!sameShape(x.shape, target.shape)) {
    throw new Error(`${op}: target of shape ${shapeStr(target.shape)} does not match input ${shapeStr(x.shape)}; ` +
      'they must have the same shape (reshape one of them, e.g. a [N, 1] output against a [N] target)');
  }
}

/** Mean (or summed) squared error (x − t)². */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const op = 'mseLoss';
  const x = floatInput(op, input);
  sameShapeTarget(op, x, target);
  const reduction = reductionArg(op, opts.reduction);
  const xs = x.storage, ts = target.storage;
  const n = xs.length;
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) { const d = xs[i] - ts[i]; losses[i] = d * d; }
  const out = reduceLosses(losses, reduction, n, x.dtype, x.shape);
  return record(op, out, [input, target], (g) => {
    const scale = positionScale(g, reduction, n);
    const dx = allocFloat(xs as FloatArray, n);
    for (let i = 0; i < n; i++) dx[i] = 2 * (xs[i] - ts[i]) * scale(i);
    let dt: Tensor | null = null;
    if (target.requiresGrad) {
      const d = allocFloat(ts as FloatArray, n);
      for (let i = 0; i < n; i++) d[i] = -dx[i];
      dt = wrap(d, target.shape);
    }
    return [input.requiresGrad ? wrap(dx, x.shape) : null, dt];
  });
}

// ------------------------------------------------------------------------ binaryCrossEntropyWithLogits

function expandedTo(op: string, name: string, t: Tensor | null | undefined, shape: number[]): ArrayLike<number> | null {
  if (t === null || t === undefined) return null;
  requireTensor(op, name, t);
  const b = broadcastShapes(`${op} (${name})`, t.shape, shape);
  if (!sameShape(b, shape)) {
    throw new Error(`${op}: ${name} of shape ${shapeStr(t.shape)} cannot be broadcast to the input's shape ${shapeStr(shape)}`);
  }
  return sameShape(t.shape, shape) ? t.storage : backend().expand(t.storage, t.shape, shape);
}

/** log(1 + e^(−x)), stable for every x. */
function softplusNeg(x: number): number {
  return Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Sigmoid followed by binary cross entropy, computed stably from the logits:
 *  ℓ = w·[(1 − t)·x + (1 + (posWeight − 1)·t)·log(1 + e^(−x))]. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const x = floatInput(op, input);
  sameShapeTarget(op, x, target);
  const reduction = reductionArg(op, opts.reduction);
  const w = expandedTo(op, 'weight', opts.weight, x.shape);
  const pw = expandedTo(op, 'posWeight', opts.posWeight, x.shape);
  const xs = x.storage, ts = target.storage;
  const n = xs.length;
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = ts[i], v = xs[i];
    const lw = pw ? 1 + (pw[i] - 1) * t : 1;
    losses[i] = (w ? w[i] : 1) * ((1 - t) * v + lw * softplusNeg(v));
  }
  const out = reduceLosses(losses, reduction, n, x.dtype, x.shape);
  return record(op, out, [input, target], (g) => {
    const scale = positionScale(g, reduction, n);
    const dx = input.requiresGrad ? allocFloat(xs as FloatArray, n) : null;
    const dt = target.requiresGrad ? allocFloat(ts as FloatArray, n) : null;
    for (let i = 0; i < n; i++) {
      const t = ts[i], v = xs[i];
      const s = scale(i) * (w ? w[i] : 1);
      const p = pw ? pw[i] : 1;
      const lw = 1 + (p - 1) * t;
      // σ(−x), stable on both sides
      const sigNeg = v >= 0 ? Math.exp(-v) / (1 + Math.exp(-v)) : 1 / (1 + Math.exp(v));
      if (dx) dx[i] = s * ((1 - t) - lw * sigNeg);
      if (dt) dt[i] = s * (-v + (p - 1) * softplusNeg(v));
    }
    return [dx && wrap(dx, x.shape), dt && wrap(dt, target.shape)];
  });
}

// ------------------------------------------------------------------------------------------- oneHot

/** oneHot(indices, numClasses = −1): int32 [..., numClasses] with a 1 at each index
 *  (numClasses −1 means max(indices) + 1). */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  const op = 'oneHot';
  requireTensor(op, 'input', indices);
  const v = indices.storage;
  let max = -1;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i]) || v[i] < 0) {
      throw new Error(`${op}: class values must be non-negative integers, got ${v[i]} at position ${positionStr(indices.shape, i)}`);
    }
    if (v[i] > max) max = v[i];
  }
  if (numClasses === -1) {
    if (v.length === 0) throw new Error(`${op}: cannot infer numClasses from an empty tensor; pass numClasses`);
    numClasses = max + 1;
  } else if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`${op}: numClasses must be a positive integer or -1, got ${numClasses}`);
  } else if (max >= numClasses) {
    throw new Error(`${op}: class value ${max} is out of range for numClasses=${numClasses}`);
  }
  const out = new Int32Array(v.length * numClasses);
  for (let i = 0; i < v.length; i++) out[i * numClasses + v[i]] = 1;
  return new Tensor(out, [...indices.shape, numClasses], 'int32');
}

