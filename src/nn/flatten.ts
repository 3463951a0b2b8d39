// nn/flatten.ts — Flatten: merges dims startDim…endDim (default 1…−1, keeping the batch dim).

import { Tensor } from '../tensor/tensor.js';
import { flatten } from '../ops/shape.js';
import { Module, markBuiltIn } from './module.js';

/**
 * Merges dimensions `startDim` … `endDim` (default 1 … −1: everything but the batch dimension) into one.
 * PyTorch: `torch.nn.Flatten`.
 * @example
 * ```ts
 * new nn.Flatten()(zeros([8, 16, 5, 5])).shape;  // [8, 400]
 * ```
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

markBuiltIn(Flatten);
