// nn/loss.ts — loss modules over the fused F forms in ops/loss.ts (which state the exact formulas).
// Class weights and posWeight are buffers whose state-dict keys are PyTorch's (weight, pos_weight).
// Constructor arguments bind as PyTorch's (tensor/signature.ts), the deprecated sizeAverage and reduce
// included: when either is given it sets the reduction, as PyTorch's _Reduction.legacy_get_string does.

import { Tensor } from '../tensor/tensor.js';
import {
  binaryCrossEntropyWithLogits, crossEntropy, mseLoss, nllLoss, type Reduction,
} from '../ops/loss.js';
import { oneOf } from '../ops/args.js';
import { binaryCrossEntropy, huberLoss, klDiv, l1Loss, smoothL1Loss } from '../ops/loss.js';
import { bindArgs, type ParamSpec, type PyArgs } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';

const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

const optionalTensor = { test: (v: unknown) => v === null || v instanceof Tensor, what: 'a Tensor or null' };
const legacyBool = { test: (v: unknown) => v === null || typeof v === 'boolean', what: 'a boolean or null' };
const WEIGHT: ParamSpec = { name: 'weight', kind: optionalTensor };
const SIZE_AVERAGE: ParamSpec = { name: 'sizeAverage', kind: legacyBool };
const REDUCE: ParamSpec = { name: 'reduce', kind: legacyBool };
const REDUCTION: ParamSpec = { name: 'reduction', kind: 'string' };
const IGNORE_INDEX: ParamSpec = { name: 'ignoreIndex', kind: 'int' };

/**
 * The arguments every loss layer takes by name: `reduction` ('mean', 'sum' or 'none'), and PyTorch's
 * deprecated `sizeAverage` and `reduce`, which, when either is given, set the reduction as PyTorch's do
 * (both true or unset: 'mean'; `reduce` true and `sizeAverage` false: 'sum'; `reduce` false: 'none').
 * PyTorch: the keyword arguments of `nn.MSELoss`.
 * @example
 * ```ts
 * new nn.MSELoss({ reduction: 'sum' });
 * ```
 */
export interface LossLayerOptions {
  sizeAverage?: boolean | null;
  reduce?: boolean | null;
  reduction?: Reduction;
}

/**
 * The arguments of {@link NLLLoss} by name (each may also come by position, in this order): class
 * `weight`, `sizeAverage`, `ignoreIndex` (default −100), `reduce`, `reduction`. PyTorch: the keyword
 * arguments of `nn.NLLLoss`.
 * @example
 * ```ts
 * new nn.NLLLoss({ weight: tensor([1, 2, 1]), ignoreIndex: 0 });
 * ```
 */
export interface NLLLossLayerOptions extends LossLayerOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
}

/**
 * The arguments of {@link CrossEntropyLoss} by name (each may also come by position, in this order): class
 * `weight`, `sizeAverage`, `ignoreIndex` (default −100), `reduce`, `reduction`, `labelSmoothing` (default 0).
 * PyTorch: the keyword arguments of `nn.CrossEntropyLoss`.
 * @example
 * ```ts
 * new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * ```
 */
export interface CrossEntropyLossLayerOptions extends NLLLossLayerOptions {
  labelSmoothing?: number;
}

/**
 * The arguments of {@link BCEWithLogitsLoss} by name (each may also come by position, in this order):
 * `weight`, `sizeAverage`, `reduce`, `reduction`, `posWeight`. PyTorch: the keyword arguments of
 * `nn.BCEWithLogitsLoss` (`pos_weight` is `posWeight`).
 * @example
 * ```ts
 * new nn.BCEWithLogitsLoss({ posWeight: tensor([3]) });
 * ```
 */
export interface BCEWithLogitsLossLayerOptions extends LossLayerOptions {
  weight?: Tensor | null;
  posWeight?: Tensor | null;
}

/** PyTorch's _Reduction.legacy_get_string: the reduction that sizeAverage and reduce stand for. */
function legacyReduction(sizeAverage: boolean | null | undefined, reduce: boolean | null | undefined): Reduction {
  const avg = sizeAverage ?? true, red = reduce ?? true;
  if (avg && red) return 'mean';
  return red ? 'sum' : 'none';
}

abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor(op: string, a: LossLayerOptions) {
    super();
    const legacy = (a.sizeAverage ?? null) !== null || (a.reduce ?? null) !== null;
    this.reduction = legacy ? legacyReduction(a.sizeAverage, a.reduce) : oneOf(op, 'reduction', a.reduction, REDUCTIONS, 'mean');
    if (legacy) oneOf(op, 'reduction', a.reduction, REDUCTIONS, 'mean');
  }

  /**
   * The loss of `input` against `target`, reduced as the layer's `reduction` says. PyTorch: `forward(input, target)`.
   * @example
   * ```ts
   * const loss = lossFn.forward(logits, labels);  // the same as lossFn(logits, labels)
   * ```
   */
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/**
 * Mean squared error between input and target, reduced by `reduction` ('mean', 'sum' or 'none').
 * Arguments in PyTorch's order (sizeAverage, reduce, reduction), any of them by name.
 * PyTorch: `torch.nn.MSELoss`.
 * @example
 * ```ts
 * new nn.MSELoss()(tensor([1, 2]), tensor([1, 4]));  // tensor(2.)
 * new nn.MSELoss({ reduction: 'sum' });
 * ```
 */
export class MSELoss extends Loss {
  constructor(...args: PyArgs<[sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction], LossLayerOptions>) {
    super('MSELoss', bindArgs('MSELoss', args, { positional: [SIZE_AVERAGE, REDUCE, REDUCTION] }));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Cross-entropy between logits [N, C, …] and targets (class indices, or class probabilities of the
 * logits' shape), with optional class weights, `ignoreIndex` (default −100) and `labelSmoothing`.
 * Arguments in PyTorch's order (weight, sizeAverage, ignoreIndex, reduce, reduction, labelSmoothing), any
 * of them by name. The weights are a buffer named `weight`, as in PyTorch. PyTorch: `torch.nn.CrossEntropyLoss`.
 * @example
 * ```ts
 * const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = lossFn(model(x), labels);  // labels: int32 [N]
 * loss.backward();
 * new nn.CrossEntropyLoss(tensor([1, 2, 1]));  // class weights
 * ```
 */
export class CrossEntropyLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(...args: PyArgs<
    [weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: Reduction, labelSmoothing: number],
    CrossEntropyLossLayerOptions
  >) {
    const a = bindArgs('CrossEntropyLoss', args, {
      positional: [WEIGHT, SIZE_AVERAGE, IGNORE_INDEX, REDUCE, REDUCTION, { name: 'labelSmoothing', kind: 'number' }],
    }) as CrossEntropyLossLayerOptions;
    super('CrossEntropyLoss', a);
    this.registerBuffer('weight', a.weight ?? null);
    this.ignoreIndex = a.ignoreIndex ?? -100;
    this.labelSmoothing = a.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) {
      throw new Error(`CrossEntropyLoss: labelSmoothing must be between 0 and 1, got ${JSON.stringify(a.labelSmoothing)}`);
    }
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}

/**
 * Negative log-likelihood of log-probabilities [N, C, …] (e.g. from {@link LogSoftmax}) at the target class
 * indices, with optional class weights and `ignoreIndex`. Arguments in PyTorch's order (weight, sizeAverage,
 * ignoreIndex, reduce, reduction), any of them by name. PyTorch: `torch.nn.NLLLoss`.
 * @example
 * ```ts
 * const loss = new nn.NLLLoss()(F.logSoftmax(logits, 1), labels);
 * new nn.NLLLoss(tensor([1, 2, 1]));  // class weights
 * ```
 */
export class NLLLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(...args: PyArgs<
    [weight: Tensor | null, sizeAverage: boolean | null, ignoreIndex: number, reduce: boolean | null, reduction: Reduction],
    NLLLossLayerOptions
  >) {
    const a = bindArgs('NLLLoss', args, { positional: [WEIGHT, SIZE_AVERAGE, IGNORE_INDEX, REDUCE, REDUCTION] }) as NLLLossLayerOptions;
    super('NLLLoss', a);
    this.registerBuffer('weight', a.weight ?? null);
    this.ignoreIndex = a.ignoreIndex ?? -100;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on logits (the sigmoid is fused in, which is stable), with optional per-element
 * `weight` and per-class `posWeight` (a buffer whose state-dict key is PyTorch's `pos_weight`). Arguments
 * in PyTorch's order (weight, sizeAverage, reduce, reduction, posWeight), any of them by name.
 * PyTorch: `torch.nn.BCEWithLogitsLoss`.
 * @example
 * ```ts
 * const loss = new nn.BCEWithLogitsLoss()(logits, targets);  // targets in [0, 1], logits' shape
 * ```
 */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  /** The weight of positive examples (state-dict key `pos_weight`). */
  declare posWeight: Tensor | null;

  constructor(...args: PyArgs<
    [weight: Tensor | null, sizeAverage: boolean | null, reduce: boolean | null, reduction: Reduction, posWeight: Tensor | null],
    BCEWithLogitsLossLayerOptions
  >) {
    const a = bindArgs('BCEWithLogitsLoss', args, {
      positional: [WEIGHT, SIZE_AVERAGE, REDUCE, REDUCTION, { name: 'posWeight', kind: optionalTensor }],
    }) as BCEWithLogitsLossLayerOptions;
    super('BCEWithLogitsLoss', a);
    this.registerBuffer('weight', a.weight ?? null);
    this.registerBuffer('pos_weight', a.posWeight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

markBuiltIn(MSELoss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss);

// ---------------------------------------------------- BCELoss, L1Loss, SmoothL1Loss, HuberLoss, KLDivLoss
// (issue 14): PyTorch's positional order, deprecated sizeAverage/reduce slots included (giving them throws).

const DEPRECATED_SLOTS = [{ name: 'sizeAverage' }, { name: 'reduce' }];

function noDeprecated(op: string, a: Record<string, unknown>): void {
  for (const k of ['sizeAverage', 'reduce']) {
    if (a[k] !== undefined && a[k] !== null) {
      throw new Error(`${op}: ${k} is deprecated (as in PyTorch) and not supported; use reduction: 'mean', 'sum' or 'none' ` +
        `(got ${k}=${JSON.stringify(a[k])})`);
    }
  }
}

abstract class ReducedLoss extends Module {
  readonly reduction: Reduction;

  constructor(op: string, reduction: unknown) {
    super();
    this.reduction = oneOf(op, 'reduction', reduction, REDUCTIONS, 'mean');
  }

  /**
   * The loss of `input` against `target`, reduced as the layer's `reduction` says. PyTorch: `forward(input, target)`.
   * @example
   * ```ts
   * const loss = lossFn.forward(pred, target);  // the same as lossFn(pred, target)
   * ```
   */
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/**
 * Binary cross-entropy between probabilities (after a sigmoid) and targets of the same shape, with an
 * optional per-element `weight` (a buffer). PyTorch: `torch.nn.BCELoss(weight=None, size_average=None,
 * reduce=None, reduction='mean')`.
 * @example
 * ```ts
 * const loss = new nn.BCELoss()(F.sigmoid(logits), targets);
 * ```
 */
export class BCELoss extends ReducedLoss {
  declare weight: Tensor | null;

  constructor(...args: PyArgs<[weight: Tensor | null, sizeAverage: null, reduce: null, reduction: Reduction],
    { weight?: Tensor | null; sizeAverage?: null; reduce?: null; reduction?: Reduction }>) {
    const a = bindArgs('BCELoss', args, { positional: [{ name: 'weight' }, ...DEPRECATED_SLOTS, { name: 'reduction', kind: 'string' }] });
    noDeprecated('BCELoss', a);
    super('BCELoss', a.reduction);
    if (a.weight !== undefined && a.weight !== null && !(a.weight instanceof Tensor)) {
      throw new Error(`BCELoss: weight must be a Tensor or null, got ${typeof a.weight}`);
    }
    this.registerBuffer('weight', (a.weight as Tensor | undefined) ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Mean (or summed, or per-element) absolute error. PyTorch: `torch.nn.L1Loss(size_average=None, reduce=None, reduction='mean')`.
 * @example
 * ```ts
 * new nn.L1Loss()(tensor([1, 2]), tensor([2, 4]));  // tensor(1.5000)
 * ```
 */
export class L1Loss extends ReducedLoss {
  constructor(...args: PyArgs<[sizeAverage: null, reduce: null, reduction: Reduction], { sizeAverage?: null; reduce?: null; reduction?: Reduction }>) {
    const a = bindArgs('L1Loss', args, { positional: [...DEPRECATED_SLOTS, { name: 'reduction', kind: 'string' }] });
    noDeprecated('L1Loss', a);
    super('L1Loss', a.reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * The smooth L1 loss (quadratic below `beta`, linear above; default beta 1). PyTorch:
 * `torch.nn.SmoothL1Loss(size_average=None, reduce=None, reduction='mean', beta=1.0)`.
 * @example
 * ```ts
 * new nn.SmoothL1Loss({ beta: 0.5 })(pred, target);
 * ```
 */
export class SmoothL1Loss extends ReducedLoss {
  readonly beta: number;

  constructor(...args: PyArgs<[sizeAverage: null, reduce: null, reduction: Reduction, beta: number],
    { sizeAverage?: null; reduce?: null; reduction?: Reduction; beta?: number }>) {
    const a = bindArgs('SmoothL1Loss', args, { positional: [...DEPRECATED_SLOTS, { name: 'reduction', kind: 'string' }, { name: 'beta', kind: 'number' }] });
    noDeprecated('SmoothL1Loss', a);
    super('SmoothL1Loss', a.reduction);
    this.beta = (a.beta as number | undefined) ?? 1;
    if (!(this.beta >= 0)) throw new Error(`SmoothL1Loss: beta must be a finite number ≥ 0, got ${this.beta}`);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/**
 * The Huber loss (quadratic below `delta`, linear above; default delta 1). PyTorch:
 * `torch.nn.HuberLoss(reduction='mean', delta=1.0)`.
 * @example
 * ```ts
 * new nn.HuberLoss('sum', 2)(pred, target);
 * ```
 */
export class HuberLoss extends ReducedLoss {
  readonly delta: number;

  constructor(...args: PyArgs<[reduction: Reduction, delta: number], { reduction?: Reduction; delta?: number }>) {
    const a = bindArgs('HuberLoss', args, { positional: [{ name: 'reduction', kind: 'string' }, { name: 'delta', kind: 'number' }] });
    super('HuberLoss', a.reduction);
    this.delta = (a.delta as number | undefined) ?? 1;
    if (!(this.delta > 0)) throw new Error(`HuberLoss: delta must be a finite number > 0, got ${this.delta}`);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * The Kullback–Leibler divergence of the target distribution from log-probabilities; `reduction:
 * 'batchmean'` gives the divergence per sample (the default 'mean' divides by every element, as PyTorch).
 * PyTorch: `torch.nn.KLDivLoss(size_average=None, reduce=None, reduction='mean', log_target=False)`.
 * @example
 * ```ts
 * new nn.KLDivLoss({ reduction: 'batchmean' })(F.logSoftmax(logits, 1), probs);
 * ```
 */
export class KLDivLoss extends Module {
  readonly reduction: Reduction | 'batchmean';
  readonly logTarget: boolean;

  constructor(...args: PyArgs<[sizeAverage: null, reduce: null, reduction: Reduction | 'batchmean', logTarget: boolean],
    { sizeAverage?: null; reduce?: null; reduction?: Reduction | 'batchmean'; logTarget?: boolean }>) {
    super();
    const a = bindArgs('KLDivLoss', args, { positional: [...DEPRECATED_SLOTS, { name: 'reduction', kind: 'string' }, { name: 'logTarget', kind: 'bool' }] });
    noDeprecated('KLDivLoss', a);
    this.reduction = oneOf('KLDivLoss', 'reduction', a.reduction, ['none', 'batchmean', 'mean', 'sum'] as const, 'mean');
    this.logTarget = (a.logTarget as boolean | undefined) ?? false;
  }

  /**
   * The divergence of `target` from `input` (log-probabilities), reduced as the layer says. PyTorch: `forward(input, target)`.
   * @example
   * ```ts
   * const loss = kl.forward(logp, q);  // the same as kl(logp, q)
   * ```
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

markBuiltIn(BCELoss, L1Loss, SmoothL1Loss, HuberLoss, KLDivLoss);
