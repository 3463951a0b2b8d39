// nn/flatten.ts — Flatten: merges dims startDim…endDim (default 1…−1, keeping the batch dim).

import { Tensor } from '../tensor/tensor.js';
import { flatten } from '../ops/shape.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';

/**
 * Merges dimensions `startDim` … `endDim` (default 1 … −1: everything but the batch dimension) into one;
 * both by position or by name. PyTorch: `torch.nn.Flatten`.
 * @example
 * ```ts
 * new nn.Flatten()(zeros([8, 16, 5, 5])).shape;  // [8, 400]
 * new nn.Flatten(0, 1)(zeros([8, 16, 5, 5])).shape;  // [128, 5, 5]
 * ```
 */
export class Flatten extends Module<[Tensor], Tensor> {
  readonly startDim: number;
  readonly endDim: number;

  constructor(...args: PyArgs<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>) {
    super();
    const a = bindArgs('Flatten', args, { positional: [{ name: 'startDim', kind: 'int' }, { name: 'endDim', kind: 'int' }] });
    this.startDim = (a.startDim as number | undefined) ?? 1;
    this.endDim = (a.endDim as number | undefined) ?? -1;
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

markBuiltIn(Flatten);
