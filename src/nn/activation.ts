// nn/activation.ts — ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax as modules (stateless).

import { Tensor } from '../tensor/tensor.js';
import { relu, sigmoid, tanh } from '../ops/elementwise.js';
import { leakyRelu, legacySoftmaxDim, logSoftmax, softmax } from '../ops/activation.js';
import { Module, markBuiltIn } from './module.js';
import { pyFloat } from './repr.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
      throw new Error(`LeakyReLU: negativeSlope must be a finite number, got ${JSON.stringify(negativeSlope)}`);
    }
    this.negativeSlope = negativeSlope;
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

abstract class SoftmaxBase extends Module {
  /** The dimension normalised over; null picks PyTorch's legacy default (1 for 2-D and 4-D inputs, else 0). */
  readonly dim: number | null;

  constructor(dim: number | null = null) {
    super();
    if (dim !== null && !Number.isInteger(dim)) throw new Error(`${new.target.name}: dim must be an integer or null, got ${JSON.stringify(dim)}`);
    this.dim = dim;
  }

  protected dimFor(x: Tensor): number {
    return this.dim ?? legacySoftmaxDim(x.ndim);
  }

  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

export class Softmax extends SoftmaxBase {
  forward(x: Tensor): Tensor {
    return softmax(x, this.dimFor(x));
  }
}

export class LogSoftmax extends SoftmaxBase {
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dimFor(x));
  }
}

markBuiltIn(ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax);
