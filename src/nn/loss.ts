// nn/loss.ts — loss modules over the fused F forms in ops/loss.ts (which state the exact formulas).
// Class weights and posWeight are buffers named as PyTorch's (weight, pos_weight).

import { Tensor } from '../tensor/tensor.js';
import {
  binaryCrossEntropyWithLogits, crossEntropy, mseLoss, nllLoss,
  type BceWithLogitsOptions, type CrossEntropyOptions, type LossOptions, type NllLossOptions, type Reduction,
} from '../ops/loss.js';
import { oneOf } from '../ops/args.js';
import { Module, markBuiltIn } from './module.js';

const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

abstract class Loss extends Module {
  readonly reduction: Reduction;

  constructor(op: string, reduction: Reduction | undefined) {
    super();
    this.reduction = oneOf(op, 'reduction', reduction, REDUCTIONS, 'mean');
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
 * PyTorch: `torch.nn.MSELoss`.
 * @example
 * ```ts
 * new nn.MSELoss()(tensor([1, 2]), tensor([1, 4]));  // tensor(2.)
 * ```
 */
export class MSELoss extends Loss {
  constructor(opts: LossOptions = {}) {
    super('MSELoss', opts.reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Cross-entropy between logits [N, C, …] and targets (class indices, or class probabilities of the
 * logits' shape), with optional class weights, `ignoreIndex` (default −100) and `labelSmoothing`.
 * The weights are a buffer named `weight`, as in PyTorch. PyTorch: `torch.nn.CrossEntropyLoss`.
 * @example
 * ```ts
 * const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = lossFn(model(x), labels);  // labels: int32 [N]
 * loss.backward();
 * ```
 */
export class CrossEntropyLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(opts: CrossEntropyOptions = {}) {
    super('CrossEntropyLoss', opts.reduction);
    this.registerBuffer('weight', opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) {
      throw new Error(`CrossEntropyLoss: labelSmoothing must be between 0 and 1, got ${JSON.stringify(opts.labelSmoothing)}`);
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
 * indices, with optional class weights and `ignoreIndex`. PyTorch: `torch.nn.NLLLoss`.
 * @example
 * ```ts
 * const loss = new nn.NLLLoss()(F.logSoftmax(logits, 1), labels);
 * ```
 */
export class NLLLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(opts: NllLossOptions = {}) {
    super('NLLLoss', opts.reduction);
    this.registerBuffer('weight', opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on logits (the sigmoid is fused in, which is stable), with optional per-element
 * `weight` and per-class `posWeight` (a buffer named `pos_weight`). PyTorch: `torch.nn.BCEWithLogitsLoss`.
 * @example
 * ```ts
 * const loss = new nn.BCEWithLogitsLoss()(logits, targets);  // targets in [0, 1], logits' shape
 * ```
 */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;

  constructor(opts: BceWithLogitsOptions = {}) {
    super('BCEWithLogitsLoss', opts.reduction);
    this.registerBuffer('weight', opts.weight ?? null);
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

markBuiltIn(MSELoss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss);
