// nn/dropout.ts — Dropout: zeroes elements with probability p in training (survivors scaled by
// 1/(1 − p)), the identity in eval(). The mask comes from the seeded generator (manualSeed).

import { Tensor } from '../tensor/tensor.js';
import { checkDropoutP, dropout } from '../ops/dropout.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';
import { pyBool, pyFloat } from './repr.js';

/**
 * In training mode, zeroes each element with probability `p` (default 0.5) and scales the survivors by
 * 1/(1 − p); after `eval()` it passes its input through. The mask comes from the global seeded generator.
 * Arguments in PyTorch's order (p, inplace), either by name. With `inplace` the result is the same, computed
 * out of place (autograd records no in-place writes), so the input keeps its values. PyTorch: `torch.nn.Dropout`.
 * @example
 * ```ts
 * const drop = new nn.Dropout(0.25);
 * drop(x);         // training: about a quarter of the elements zeroed
 * drop.eval();
 * drop(x);         // x unchanged
 * ```
 */
export class Dropout extends Module<[Tensor], Tensor> {
  readonly p: number;
  readonly inplace: boolean;

  constructor(...args: PyArgs<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>) {
    super();
    const a = bindArgs('Dropout', args, { positional: [{ name: 'p', kind: 'number' }, { name: 'inplace', kind: 'bool' }] });
    this.p = checkDropoutP('Dropout', a.p ?? 0.5);
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

markBuiltIn(Dropout);
