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

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

export class MSELoss extends Loss {
  constructor(opts: LossOptions = {}) {
    super('MSELoss', opts.reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

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
