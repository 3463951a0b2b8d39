// nn/dropout.ts — Dropout: zeroes elements with probability p in training (survivors scaled by
// 1/(1 − p)), the identity in eval(). The mask comes from the seeded generator (manualSeed).

import { Tensor } from '../tensor/tensor.js';
import { checkDropoutP, dropout, dropout1d, dropout2d } from '../ops/dropout.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';
import { pyBool, pyFloat } from './repr.js';

/**
 * In training mode, zeroes each element with probability `p` (default 0.5) and scales the survivors by
 * 1/(1 − p); after `eval()` it passes its input through. The mask comes from the global seeded generator.
 * Arguments in PyTorch's order (p, inplace), either by name. With `inplace`, training writes the result into
 * the input and returns it (autograd records the write, as PyTorch's). PyTorch: `torch.nn.Dropout`.
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
    return dropout(x, this.p, { training: this.training, inplace: this.inplace });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

markBuiltIn(Dropout);

/** A channel dropout layer's constructor arguments: p and inplace, by position or by name. */
export type ChannelDropoutArgs = PyArgs<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>;

abstract class ChannelDropout extends Module {
  readonly p: number;
  readonly inplace: boolean;

  constructor(op: string, args: readonly unknown[]) {
    super();
    const a = bindArgs(op, args, { positional: [{ name: 'p', kind: 'number' }, { name: 'inplace', kind: 'bool' }] });
    this.p = checkDropoutP(op, a.p ?? 0.5);
    this.inplace = (a.inplace ?? false) as boolean;
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/**
 * In training mode, zeroes whole channels of [N, C, H, W] inputs with probability `p` (default 0.5) each and
 * scales the kept ones by 1/(1 − p); after `eval()` it passes its input through. Arguments in PyTorch's
 * order: p, inplace. PyTorch: `torch.nn.Dropout2d`.
 * @example
 * ```ts
 * const drop = new nn.Dropout2d(0.2);
 * drop(randn([8, 16, 32, 32]));  // about 1 in 5 of the 8·16 feature maps all zero
 * ```
 */
export class Dropout2d extends ChannelDropout {
  constructor(...args: ChannelDropoutArgs) {
    super('Dropout2d', args);
  }

  /**
   * Drops channels of `x` in training, passes it through in evaluation. PyTorch: `forward`.
   * @example
   * ```ts
   * new nn.Dropout2d(0.5).forward(ones([1, 4, 2, 2]));
   * ```
   */
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training, this.inplace);
  }
}

/**
 * In training mode, zeroes whole channels of [N, C, L] (or unbatched [C, L]) inputs with probability `p`
 * each and scales the kept ones by 1/(1 − p); after `eval()` the identity. PyTorch: `torch.nn.Dropout1d`.
 * @example
 * ```ts
 * new nn.Dropout1d(0.1)(randn([8, 16, 100])).shape;  // [8, 16, 100]
 * ```
 */
export class Dropout1d extends ChannelDropout {
  constructor(...args: ChannelDropoutArgs) {
    super('Dropout1d', args);
  }

  /**
   * Drops channels of `x` in training, passes it through in evaluation. PyTorch: `forward`.
   * @example
   * ```ts
   * new nn.Dropout1d(0.5).forward(ones([1, 4, 3]));
   * ```
   */
  forward(x: Tensor): Tensor {
    return dropout1d(x, this.p, this.training, this.inplace);
  }
}

markBuiltIn(Dropout1d, Dropout2d);
