// nn/dropout.ts — Dropout: zeroes elements with probability p in training (survivors scaled by
// 1/(1 − p)), the identity in eval(). The mask comes from the seeded generator (manualSeed).

import { Tensor } from '../tensor/tensor.js';
import { checkDropoutP, dropout } from '../ops/dropout.js';
import { Module, markBuiltIn } from './module.js';
import { pyFloat } from './repr.js';

/**
 * In training mode, zeroes each element with probability `p` (default 0.5) and scales the survivors by
 * 1/(1 − p); after `eval()` it passes its input through. The mask comes from the global seeded generator.
 * PyTorch: `torch.nn.Dropout`.
 * @example
 * ```ts
 * const drop = new nn.Dropout(0.25);
 * drop(x);         // training: about a quarter of the elements zeroed
 * drop.eval();
 * drop(x);         // x unchanged
 * ```
 */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    this.p = checkDropoutP('Dropout', p);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}

markBuiltIn(Dropout);
