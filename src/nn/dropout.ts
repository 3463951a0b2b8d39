// nn/dropout.ts — Dropout: zeroes elements with probability p in training (survivors scaled by
// 1/(1 − p)), the identity in eval(). The mask comes from the seeded generator (manualSeed).

import { Tensor } from '../tensor/tensor.js';
import { checkDropoutP, dropout } from '../ops/dropout.js';
import { Module, markBuiltIn } from './module.js';
import { pyFloat } from './repr.js';

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
