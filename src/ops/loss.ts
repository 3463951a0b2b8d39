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

import { backend, type ClassLossAttrs, type Reduction } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { broadcastShapes, sameShape, shapeStr } from '../tensor/shape.js';
import { amax, mean, sum } from './reduce.js';
import { bindInput, cast, copiesOf, requireTensor, syncValue, wrap } from './util.js';
import { noGrad } from '../autograd/tape.js';
import { bindArgs, describeValue, type ParamSpec, type PyArgs } from '../tensor/signature.js';
import { oneOf } from './args.js';
import {
  abs, add, clamp, div, eq, exp, gt, log, lt, maximum, mul, neg, rsub, sign, square, sub, where,
} from './elementwise.js';

export type { Reduction };

/**
 * Options of {@link crossEntropy}: class `weight`, `ignoreIndex` (default −100), `reduction` and
 * `labelSmoothing`. PyTorch: the keyword arguments of `F.cross_entropy`.
 * @example
 * ```ts
 * F.crossEntropy(logits, y, { labelSmoothing: 0.1, ignoreIndex: 255 });
 * ```
 */
export interface CrossEntropyOptions {
  /** A manual rescaling weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Target value that is ignored and does not count towards the mean (default −100). */
  ignoreIndex?: number;
  reduction?: Reduction;
  /** ε in [0, 1]: mixes the target with the uniform distribution (default 0). */
  labelSmoothing?: number;
}

/**
 * Options of {@link nllLoss}: class `weight`, `ignoreIndex` (default −100) and `reduction`. PyTorch: the
 * keyword arguments of `F.nll_loss`.
 * @example
 * ```ts
 * F.nllLoss(logp, y, { reduction: 'sum' });
 * ```
 */
export interface NllLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * Options of {@link mseLoss}: the `reduction`. PyTorch: the `reduction` argument of `F.mse_loss`.
 * @example
 * ```ts
 * F.mseLoss(pred, target, { reduction: 'none' });
 * ```
 */
export interface LossOptions {
  reduction?: Reduction;
}

/**
 * Options of {@link binaryCrossEntropyWithLogits}: per-element `weight`, per-class `posWeight` and
 * `reduction`. PyTorch: the keyword arguments of `F.binary_cross_entropy_with_logits` (`pos_weight`).
 * @example
 * ```ts
 * F.binaryCrossEntropyWithLogits(logits, t, { posWeight: tensor([3]) });
 * ```
 */
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
  return { outer, C, inner, targetShape };
}

/** Checks class-index targets (the backend looks at the values): integers in [0, C) or ignoreIndex. */
function checkClassIndices(op: string, target: Tensor, L: ClassLayout, inputShape: number[], ignoreIndex: number): void {
  if (!sameShape(target.shape, L.targetShape)) {
    throw new Error(`${op}: target of shape ${shapeStr(target.shape)} does not match input ${shapeStr(inputShape)}: ` +
      `expected class indices of shape ${shapeStr(L.targetShape)}` +
      (op === 'crossEntropy' ? ` (or class probabilities of shape ${shapeStr(inputShape)})` : ''));
  }
  const bad = backend().findInvalidClass(target.storage, L.C, ignoreIndex);
  if (!bad) return;
  const where = positionStr(target.shape, bad.index);
  if (!Number.isInteger(bad.value)) {
    throw new Error(`${op}: target holds ${bad.value} at position ${where}; class indices must be integers`);
  }
  throw new Error(`${op}: target ${bad.value} at position ${where} is out of range for ${L.C} classes ` +
    `(class indices must be in 0..${L.C - 1}, or ignoreIndex=${ignoreIndex})`);
}

function classWeight(op: string, weight: Tensor | null | undefined, C: number): Tensor | null {
  if (weight === null || weight === undefined) return null;
  requireTensor(op, 'weight', weight);
  if (weight.ndim !== 1 || weight.shape[0] !== C) {
    throw new Error(`${op}: weight must have shape [${C}] (one value per class), got ${shapeStr(weight.shape)}`);
  }
  return weight;
}

function lossShape(reduction: Reduction, perPosition: readonly number[]): number[] {
  return reduction === 'none' ? [...perPosition] : [];
}

/** crossEntropy over class indices, and nllLoss: one kernel pair, told apart by its kind (and ε). */
function classIndexLoss(op: 'crossEntropy' | 'nllLoss', x: Tensor, target: Tensor, w: Tensor | null, L: ClassLayout,
  a: ClassLossAttrs): Tensor {
  const kind = op === 'nllLoss' ? 'nll' : 'crossEntropy';
  checkClassIndices(op, target, L, x.shape, a.ignoreIndex);
  const { out, weightSum } = backend().classLoss(kind, x.storage, target.storage, w?.storage ?? null, a);
  // The backward's own handles on the divisor and on the targets (not inputs of the node).
  const wsum = wrap(weightSum, []), tgt = target.detach();
  return record(op, wrap(out, lossShape(a.reduction, L.targetShape)), [x], (g) =>
    [wrap(backend().classLossGrad(kind, x.storage, tgt.storage, w?.storage ?? null, g.storage, wsum.storage, a), x.shape)],
  [wsum, tgt]);
}

// ------------------------------------------------------------------------------------ argument binding

/**
 * Binds a loss's arguments after (input, target), in PyTorch's order `names`, any of them by name in a
 * trailing options object. PyTorch's deprecated `sizeAverage` and `reduce` keep their slots, so that
 * positions line up, but giving one throws: `reduction` says the same.
 */
function lossCall(op: string, input: Tensor, target: Tensor, args: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  const a = bindArgs(op, [input, target, ...args], {
    positional: [{ name: 'input', required: true }, { name: 'target', required: true },
      ...names.map((name) => ({ name, kind: name === 'ignoreIndex' ? 'int' as const : 'any' as const }))],
  });
  for (const old of ['sizeAverage', 'reduce']) {
    if (a[old] !== undefined && a[old] !== null) {
      throw new Error(`${op}: ${old} is deprecated (in PyTorch too) and not supported, got ${describeValue(a[old])}; ` +
        `use reduction: 'mean' (the default), 'sum' or 'none'`);
    }
  }
  return a;
}

const CE_ARGS = ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction', 'labelSmoothing'];
const NLL_ARGS = CE_ARGS.slice(0, 5);
const MSE_ARGS = ['sizeAverage', 'reduce', 'reduction'];
const BCE_LOGITS_ARGS = ['weight', 'sizeAverage', 'reduce', 'reduction', 'posWeight'];

/** PyTorch's deprecated `size_average` and `reduce` arguments, named so that positions line up; giving one throws. */
interface Deprecated {
  /** Deprecated in PyTorch; convnet throws when it is given: use `reduction`. */
  sizeAverage?: null;
  /** Deprecated in PyTorch; convnet throws when it is given: use `reduction`. */
  reduce?: null;
}

/**
 * The arguments of {@link crossEntropy} after (input, target), in PyTorch's order `(weight, sizeAverage,
 * ignoreIndex, reduce, reduction, labelSmoothing)`, any of them by name in a trailing options object.
 * PyTorch: the arguments of `F.cross_entropy`.
 * @example
 * ```ts
 * const args: CrossEntropyArgs = [classWeights, null, -100, null, 'sum'];
 * ```
 */
export type CrossEntropyArgs = PyArgs<[weight: Tensor | null, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: Reduction, labelSmoothing: number],
  CrossEntropyOptions & Deprecated>;

/**
 * The arguments of {@link nllLoss} after (input, target): `(weight, sizeAverage, ignoreIndex, reduce,
 * reduction)`, any of them by name. PyTorch: the arguments of `F.nll_loss`.
 * @example
 * ```ts
 * const args: NllLossArgs = [classWeights];
 * ```
 */
export type NllLossArgs = PyArgs<[weight: Tensor | null, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: Reduction], NllLossOptions & Deprecated>;

/**
 * The arguments of {@link mseLoss} after (input, target): `(sizeAverage, reduce, reduction)`, any of them
 * by name. PyTorch: the arguments of `F.mse_loss`.
 * @example
 * ```ts
 * const args: MseLossArgs = [{ reduction: 'sum' }];
 * ```
 */
export type MseLossArgs = PyArgs<[sizeAverage: null, reduce: null, reduction: Reduction], LossOptions & Deprecated>;

/**
 * The arguments of {@link binaryCrossEntropyWithLogits} after (input, target): `(weight, sizeAverage, reduce,
 * reduction, posWeight)`, any of them by name. PyTorch: the arguments of `F.binary_cross_entropy_with_logits`.
 * @example
 * ```ts
 * const args: BceWithLogitsArgs = [null, null, null, 'mean', posWeight];
 * ```
 */
export type BceWithLogitsArgs = PyArgs<[weight: Tensor | null, sizeAverage: null, reduce: null, reduction: Reduction, posWeight: Tensor | null],
  BceWithLogitsOptions & Deprecated>;

// ------------------------------------------------------------------------------------- crossEntropy

/**
 * Cross-entropy of logits [N, C, …] (or [C]) against class indices (int32 [N, …]) or class probabilities
 * (the logits' shape), with optional class weights, `ignoreIndex` and label smoothing; log-softmax is fused
 * in. PyTorch: `torch.nn.functional.cross_entropy`.
 * @example
 * ```ts
 * const loss = F.crossEntropy(model(x), labels);
 * loss.backward();
 * F.crossEntropy(logits, labels, classWeights, { labelSmoothing: 0.1 });
 * ```
 */
export const crossEntropy = scoped(function crossEntropy(input: Tensor, target: Tensor, ...args: CrossEntropyArgs): Tensor {
  const op = 'crossEntropy';
  const opts = lossCall(op, input, target, args, CE_ARGS) as CrossEntropyOptions;
  const x = floatInput(op, input);
  requireTensor(op, 'target', target);
  const reduction = reductionArg(op, opts.reduction);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const eps = opts.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) {
    throw new Error(`${op}: labelSmoothing must be between 0 and 1, got ${JSON.stringify(opts.labelSmoothing)}`);
  }
  const L = classLayout(op, x);
  const w = classWeight(op, opts.weight, L.C);
  const a: ClassLossAttrs = { outer: L.outer, C: L.C, inner: L.inner, ignoreIndex, labelSmoothing: eps, reduction };

  if (target.isFloatingPoint && sameShape(target.shape, x.shape)) {
    // Class probabilities ('mean' divides by the number of positions).
    const out = wrap(backend().crossEntropyProb(x.storage, target.storage, w?.storage ?? null, a), lossShape(reduction, L.targetShape));
    return record(op, out, [x, target], (g) => {
      const { dx, dt } = backend().crossEntropyProbGrad(x.storage, target.storage, w?.storage ?? null, g.storage, a,
        { input: x.requiresGrad, target: target.requiresGrad });
      return [dx && wrap(dx, x.shape), dt && wrap(dt, target.shape)];
    });
  }
  return classIndexLoss(op, x, target, w, L, a);
});

// ------------------------------------------------------------------------------------------ nllLoss

/**
 * Negative log-likelihood of log-probabilities (the output of {@link logSoftmax}) at the target class
 * indices, with optional class weights and `ignoreIndex`. PyTorch: `torch.nn.functional.nll_loss`.
 * @example
 * ```ts
 * F.nllLoss(F.logSoftmax(logits, 1), labels);  // the same as F.crossEntropy(logits, labels)
 * ```
 */
export const nllLoss = scoped(function nllLoss(input: Tensor, target: Tensor, ...args: NllLossArgs): Tensor {
  const op = 'nllLoss';
  const opts = lossCall(op, input, target, args, NLL_ARGS) as NllLossOptions;
  const x = floatInput(op, input);
  requireTensor(op, 'target', target);
  const reduction = reductionArg(op, opts.reduction);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const L = classLayout(op, x);
  const w = classWeight(op, opts.weight, L.C);
  return classIndexLoss(op, x, target, w, L, { outer: L.outer, C: L.C, inner: L.inner, ignoreIndex, labelSmoothing: 0, reduction });
});

// ------------------------------------------------------------------------------------------ mseLoss

function sameShapeTarget(op: string, x: Tensor, target: Tensor): void {
  requireTensor(op, 'target', target);
  if (!sameShape(x.shape, target.shape)) {
    throw new Error(`${op}: target of shape ${shapeStr(target.shape)} does not match input ${shapeStr(x.shape)}; ` +
      'they must have the same shape (reshape one of them, e.g. a [N, 1] output against a [N] target)');
  }
}

/**
 * Mean (or summed, or per-element) squared error (x − t)². PyTorch: `torch.nn.functional.mse_loss`.
 * @example
 * ```ts
 * F.mseLoss(tensor([1, 2]), tensor([1, 4]));  // tensor(2.)
 * ```
 */
export const mseLoss = scoped(function mseLoss(input: Tensor, target: Tensor, ...args: MseLossArgs): Tensor {
  const op = 'mseLoss';
  const opts = lossCall(op, input, target, args, MSE_ARGS) as LossOptions;
  const x = floatInput(op, input);
  sameShapeTarget(op, x, target);
  const reduction = reductionArg(op, opts.reduction);
  const t = cast(target, x.dtype);
  const out = wrap(backend().mseLoss(x.storage, t.storage, reduction), lossShape(reduction, x.shape));
  return record(op, out, [x, target], (g) => {
    const { dx, dt } = backend().mseLossGrad(x.storage, t.storage, g.storage, reduction, { input: x.requiresGrad, target: target.requiresGrad });
    return [dx && wrap(dx, x.shape), dt && wrap(dt, target.shape)];
  }, copiesOf([t, target]));
});

// ------------------------------------------------------------------------ binaryCrossEntropyWithLogits

/** weight / posWeight broadcast to the input's shape (a temporary of the op's scope). */
function expandedTo(op: string, name: string, t: Tensor | null | undefined, shape: number[]): Tensor | null {
  if (t === null || t === undefined) return null;
  requireTensor(op, name, t);
  const b = broadcastShapes(`${op} (${name})`, t.shape, shape);
  if (!sameShape(b, shape)) {
    throw new Error(`${op}: ${name} of shape ${shapeStr(t.shape)} cannot be broadcast to the input's shape ${shapeStr(shape)}`);
  }
  return sameShape(t.shape, shape) ? t : wrap(backend().expand(t.storage, t.shape, shape), shape);
}

/**
 * Sigmoid followed by binary cross-entropy, computed stably from the logits:
 * ℓ = w·[(1 − t)·x + (1 + (posWeight − 1)·t)·log(1 + e^(−x))]. PyTorch:
 * `torch.nn.functional.binary_cross_entropy_with_logits`.
 * @example
 * ```ts
 * F.binaryCrossEntropyWithLogits(tensor([0]), tensor([1]));  // tensor(0.6931)
 * ```
 */
export const binaryCrossEntropyWithLogits = scoped(function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor,
  ...args: BceWithLogitsArgs): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const opts = lossCall(op, input, target, args, BCE_LOGITS_ARGS) as BceWithLogitsOptions;
  const x = floatInput(op, input);
  sameShapeTarget(op, x, target);
  const reduction = reductionArg(op, opts.reduction);
  const w = expandedTo(op, 'weight', opts.weight, x.shape);
  const pw = expandedTo(op, 'posWeight', opts.posWeight, x.shape);
  const t = cast(target, x.dtype);
  const out = wrap(backend().bceWithLogits(x.storage, t.storage, w?.storage ?? null, pw?.storage ?? null, reduction),
    lossShape(reduction, x.shape));
  return record(op, out, [x, target], (g) => {
    const { dx, dt } = backend().bceWithLogitsGrad(x.storage, t.storage, w?.storage ?? null, pw?.storage ?? null, g.storage,
      reduction, { input: x.requiresGrad, target: target.requiresGrad });
    return [dx && wrap(dx, x.shape), dt && wrap(dt, target.shape)];
  }, copiesOf([t, target], [w, opts.weight], [pw, opts.posWeight]));
});

// ------------------------------------------------------------------------------------------- oneHot

/**
 * int32 [..., numClasses] with a 1 at each index of `indices` and 0 elsewhere (numClasses −1 means
 * max(indices) + 1). PyTorch: `torch.nn.functional.one_hot`.
 * @example
 * ```ts
 * F.oneHot(tensor([0, 2], { dtype: 'int32' }), 3);  // [[1, 0, 0], [0, 0, 1]], int32
 * ```
 */
export const oneHot = scoped(function oneHot(indices: Tensor, ...args: PyArgs<[numClasses: number], { numClasses?: number }>): Tensor {
  const op = 'oneHot';
  let numClasses = (bindInput(op, indices, args, [{ name: 'numClasses', kind: 'int' }]).numClasses as number | undefined) ?? -1;
  const infer = numClasses === -1;
  if (!infer && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new Error(`${op}: numClasses must be a positive integer or -1, got ${numClasses}`);
  }
  const bk = backend();
  // Values must be non-negative integers (and below numClasses when it is given).
  const bad = bk.findInvalidClass(indices.storage, infer ? Infinity : numClasses, NaN);
  if (bad && (!Number.isInteger(bad.value) || bad.value < 0)) {
    throw new Error(`${op}: class values must be non-negative integers, got ${bad.value} at position ${positionStr(indices.shape, bad.index)}`);
  }
  if (infer && indices.numel() === 0) throw new Error(`${op}: cannot infer numClasses from an empty tensor; pass numClasses`);
  if (infer || bad) {
    // The largest value: numClasses − 1 when it is inferred, or the one out of range.
    const top = syncValue(amax(indices), `${op}: ${bad ? 'naming the class value out of range' : 'inferring numClasses'} reads the largest ` +
      `class value, which the ${indices.device} backend cannot read synchronously${bad ? '' : '; pass numClasses'}`);
    if (bad) throw new Error(`${op}: class value ${top} is out of range for numClasses=${numClasses}`);
    numClasses = top + 1;
  }
  const ix = cast(indices, 'int32');
  return wrap(bk.oneHot(ix.storage, numClasses), [...indices.shape, numClasses]);
});

// ------------------------------------------------ binaryCrossEntropy, l1Loss, smoothL1Loss, huberLoss,
// klDiv (issue 14), as PyTorch 1.13 defines them, with d = x − t:
//   binaryCrossEntropy  ℓ = −w·(t·max(log x, −100) + (1 − t)·max(log(1 − x), −100))
//                       ∂ℓ/∂x = w·(x − t) / max((1 − x)·x, 1e-12);   ∂ℓ/∂t = w·(max(log(1 − x), −100) − max(log x, −100))
//   l1Loss              ℓ = |d|                     (composed: abs, then the reduction's op)
//   smoothL1Loss        ℓ = |d| < β ? ½d²/β : |d| − ½β            ∂ℓ/∂x = |d| < β ? d/β : sign(d)
//                       (β = 0: the L1 loss; where d = 0 PyTorch's kernel gives −1 to both input and target, and so does this)
//   huberLoss           ℓ = |d| < δ ? ½d² : δ·(|d| − ½δ)          ∂ℓ/∂x = clamp(d, −δ, δ)
//   klDiv               ℓ = t·log t − t·x  (0 where t = 0);  logTarget: ℓ = eᵗ·(t − x)
//                       ∂ℓ/∂x = −t (−eᵗ);  ∂ℓ/∂t = log t + 1 − x  (eᵗ·(t − x + 1))
// ∂ℓ/∂t = −∂ℓ/∂x for the difference losses. Reductions: 'mean' divides by the number of elements, 'sum'
// adds, 'none' keeps ℓ; klDiv's 'batchmean' divides the sum by the batch size (dim 0), the KL divergence.
// PyTorch's deprecated sizeAverage and reduce keep their positions, so positional calls line up, and
// giving either throws, naming `reduction`.

function deprecatedReduction(op: string, a: Record<string, unknown>): void {
  for (const k of ['sizeAverage', 'reduce']) {
    if (a[k] !== undefined && a[k] !== null) {
      throw new Error(`${op}: ${k} is deprecated (as in PyTorch) and not supported; use reduction: 'mean', 'sum' or 'none' ` +
        `(got ${k}=${JSON.stringify(a[k])})`);
    }
  }
}

const REDUCTION_SPEC: ParamSpec = { name: 'reduction', kind: 'string' };
const DEPRECATED: ParamSpec[] = [{ name: 'sizeAverage' }, { name: 'reduce' }];

/** One node `op` over [input, target]: ℓ from `fwd` (autograd off), reduced; its backward scales `dx`/`dt`. */
function pointwiseLoss(op: string, x: Tensor, target: Tensor, reduction: Reduction,
  fwd: (x: Tensor, t: Tensor) => Tensor, dx: (x: Tensor, t: Tensor) => Tensor, dt: ((x: Tensor, t: Tensor) => Tensor) | null,
  weight: [made: Tensor | null, original: Tensor | null | undefined] = [null, null]): Tensor {
  const t = cast(target, x.dtype);
  const out = noGrad(() => {
    const l = fwd(x, t);
    return reduction === 'none' ? l : reduction === 'sum' ? sum(l) : mean(l);
  });
  const n = x.numel();
  return record(op, out, [x, target], (g) => {
    const scale = reduction === 'mean' ? div(g, n) : g;
    return [
      x.requiresGrad ? mul(scale, dx(x, t)) : null,
      target.requiresGrad ? (dt ? mul(scale, dt(x, t)) : null) : null,
    ];
  }, copiesOf([t, target], weight));
}

function lossReduction(op: string, a: Record<string, unknown>): Reduction {
  deprecatedReduction(op, a);
  return reductionArg(op, a.reduction);
}

/**
 * Binary cross-entropy between probabilities `input` (in [0, 1], e.g. after a sigmoid) and targets of the
 * same shape, with an optional `weight` broadcast to the input; the logs are clamped at −100, as PyTorch.
 * Prefer {@link binaryCrossEntropyWithLogits} on logits, which is stable.
 * PyTorch: `torch.nn.functional.binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean')`.
 * @example
 * ```ts
 * F.binaryCrossEntropy(tensor([0.5]), tensor([1]));  // tensor(0.6931)
 * ```
 */
export const binaryCrossEntropy = scoped(function binaryCrossEntropy(input: Tensor, target: Tensor,
  ...args: PyArgs<[weight: Tensor | null, sizeAverage: null, reduce: null, reduction: Reduction],
    { weight?: Tensor | null; sizeAverage?: null; reduce?: null; reduction?: Reduction }>): Tensor {
  const op = 'binaryCrossEntropy';
  const a = bindArgs(op, args, { positional: [{ name: 'weight', kind: OPTIONAL_TENSOR }, ...DEPRECATED, REDUCTION_SPEC] });
  const reduction = lossReduction(op, a);
  const x = floatInput(op, input);
  sameShapeTarget(op, x, target);
  const w = expandedTo(op, 'weight', a.weight as Tensor | null | undefined, x.shape);
  const wc = w && cast(w, x.dtype);
  const weighted = (v: Tensor) => (wc ? mul(v, wc) : v);
  const logs = (x: Tensor) => [maximum(log(x), -100), maximum(log(rsub(1, x)), -100)];
  return pointwiseLoss(op, x, target, reduction,
    (x, t) => { const [lx, l1x] = logs(x); return weighted(neg(add(mul(t, lx), mul(rsub(1, t), l1x)))); },
    (x, t) => weighted(div(sub(x, t), maximum(mul(rsub(1, x), x), BCE_EPS))),
    (x) => { const [lx, l1x] = logs(x); return weighted(sub(l1x, lx)); },
    [wc, a.weight as Tensor | null | undefined]);
});

/** PyTorch's EPSILON of binary_cross_entropy_backward, a C++ float: 1e-12 rounded to float32. */
const BCE_EPS = Math.fround(1e-12);

const OPTIONAL_TENSOR = { test: (v: unknown) => v === null || v instanceof Tensor, what: 'a Tensor or null' };

/**
 * Mean (or summed, or per-element) absolute error |x − t|. PyTorch:
 * `torch.nn.functional.l1_loss(input, target, size_average=None, reduce=None, reduction='mean')`.
 * @example
 * ```ts
 * F.l1Loss(tensor([1, 2]), tensor([2, 4]));  // tensor(1.5000)
 * ```
 */
export const l1Loss = scoped(function l1Loss(input: Tensor, target: Tensor,
  ...args: PyArgs<[sizeAverage: null, reduce: null, reduction: Reduction], { sizeAverage?: null; reduce?: null; reduction?: Reduction }>): Tensor {
  const op = 'l1Loss';
  const reduction = lossReduction(op, bindArgs(op, args, { positional: [...DEPRECATED, REDUCTION_SPEC] }));
  const x = floatInput(op, input);
  sameShapeTarget(op, x, target);
  const l = abs(sub(x, target.dtype === x.dtype ? target : cast(target, x.dtype)));
  return reduction === 'none' ? l : reduction === 'sum' ? sum(l) : mean(l);
});

/**
 * The smooth L1 loss: ½d²/β where |d| < β, |d| − ½β elsewhere (d = x − t; β defaults to 1, and β = 0 is
 * the L1 loss). PyTorch: `torch.nn.functional.smooth_l1_loss(input, target, size_average=None, reduce=None,
 * reduction='mean', beta=1.0)`.
 * @example
 * ```ts
 * F.smoothL1Loss(tensor([0, 3]), tensor([0.5, 0]));  // tensor(1.3125)
 * ```
 */
export const smoothL1Loss = scoped(function smoothL1Loss(input: Tensor, target: Tensor,
  ...args: PyArgs<[sizeAverage: null, reduce: null, reduction: Reduction, beta: number],
    { sizeAverage?: null; reduce?: null; reduction?: Reduction; beta?: number }>): Tensor {
  const op = 'smoothL1Loss';
  const a = bindArgs(op, args, { positional: [...DEPRECATED, REDUCTION_SPEC, { name: 'beta', kind: 'number' }] });
  const reduction = lossReduction(op, a);
  const beta = (a.beta as number | undefined) ?? 1;
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new Error(`${op}: beta must be a finite number ≥ 0, got ${beta}`);
  const x = floatInput(op, input);
  sameShapeTarget(op, x, target);
  const d = (x: Tensor, t: Tensor) => sub(x, t);
  // β = 0: PyTorch's kernel gives −1 where d = 0 (its d/β is 0/0 there, and it takes the lower branch).
  const slope = (e: Tensor) => (beta === 0 ? where(gt(e, 0), 1, -1) : where(lt(abs(e), beta), div(e, beta), sign(e)));
  return pointwiseLoss(op, x, target, reduction,
    (x, t) => { const e = d(x, t), z = abs(e); return where(lt(z, beta), div(mul(square(e), 0.5), beta || 1), sub(z, 0.5 * beta)); },
    (x, t) => slope(d(x, t)),
    (x, t) => (beta === 0 ? where(lt(d(x, t), 0), 1, -1) : neg(slope(d(x, t)))));
});

/**
 * The Huber loss: ½d² where |d| < δ, δ·(|d| − ½δ) elsewhere (d = x − t; δ defaults to 1).
 * PyTorch: `torch.nn.functional.huber_loss(input, target, reduction='mean', delta=1.0)`.
 * @example
 * ```ts
 * F.huberLoss(tensor([0, 3]), tensor([0.5, 0]));  // tensor(1.3125)
 * ```
 */
export const huberLoss = scoped(function huberLoss(input: Tensor, target: Tensor,
  ...args: PyArgs<[reduction: Reduction, delta: number], { reduction?: Reduction; delta?: number }>): Tensor {
  const op = 'huberLoss';
  const a = bindArgs(op, args, { positional: [REDUCTION_SPEC, { name: 'delta', kind: 'number' }] });
  const reduction = reductionArg(op, a.reduction);
  const delta = (a.delta as number | undefined) ?? 1;
  if (!(delta > 0) || !Number.isFinite(delta)) throw new Error(`${op}: delta must be a finite number > 0, got ${delta}`);
  const x = floatInput(op, input);
  sameShapeTarget(op, x, target);
  return pointwiseLoss(op, x, target, reduction,
    (x, t) => { const e = sub(x, t), z = abs(e); return where(lt(z, delta), mul(square(e), 0.5), mul(sub(z, 0.5 * delta), delta)); },
    (x, t) => clamp(sub(x, t), -delta, delta),
    (x, t) => neg(clamp(sub(x, t), -delta, delta)));
});

const KL_REDUCTIONS = ['none', 'batchmean', 'mean', 'sum'] as const;

/**
 * The Kullback–Leibler divergence of the target distribution t from log-probabilities `input`:
 * t·(log t − x) pointwise (with `logTarget`, the target is log t too). `reduction: 'batchmean'` divides the
 * sum by the batch size, which is the divergence itself; 'mean' (the default, as PyTorch) divides by the
 * number of elements. PyTorch: `torch.nn.functional.kl_div(input, target, size_average=None, reduce=None,
 * reduction='mean', log_target=False)`.
 * @example
 * ```ts
 * F.klDiv(F.logSoftmax(logits, 1), probs, { reduction: 'batchmean' });
 * ```
 */
export const klDiv = scoped(function klDiv(input: Tensor, target: Tensor,
  ...args: PyArgs<[sizeAverage: null, reduce: null, reduction: Reduction | 'batchmean', logTarget: boolean],
    { sizeAverage?: null; reduce?: null; reduction?: Reduction | 'batchmean'; logTarget?: boolean }>): Tensor {
  const op = 'klDiv';
  const a = bindArgs(op, args, { positional: [...DEPRECATED, REDUCTION_SPEC, { name: 'logTarget', kind: 'bool' }] });
  deprecatedReduction(op, a);
  const reduction = oneOf(op, 'reduction', a.reduction, KL_REDUCTIONS, 'mean');
  const logTarget = (a.logTarget as boolean | undefined) ?? false;
  const x = floatInput(op, input);
  sameShapeTarget(op, x, target);
  const l = pointwiseLoss(op, x, target, 'none',
    logTarget ? (x, t) => mul(exp(t), sub(t, x)) : (x, t) => sub(where(eq(t, 0), 0, mul(t, log(t))), mul(t, x)),
    logTarget ? (_x, t) => neg(exp(t)) : (_x, t) => neg(t),
    logTarget ? (x, t) => mul(exp(t), add(sub(t, x), 1)) : (x, t) => add(sub(log(t), x), 1));
  if (reduction === 'none') return l;
  if (reduction === 'mean') return mean(l);
  const s = sum(l);
  return reduction === 'sum' ? s : div(s, x.ndim ? x.shape[0] : 1);
});
