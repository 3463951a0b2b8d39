// nn/activation.ts — ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax as modules (stateless).

import { Tensor } from '../tensor/tensor.js';
import { relu, sigmoid, tanh } from '../ops/elementwise.js';
import { leakyRelu, legacySoftmaxDim, logSoftmax, softmax } from '../ops/activation.js';
import { Module, markBuiltIn } from './module.js';
import { pyFloat } from './repr.js';

/**
 * max(x, 0) elementwise, as a layer. PyTorch: `torch.nn.ReLU`.
 * @example
 * ```ts
 * new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * ```
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * x where x ≥ 0, `negativeSlope`·x elsewhere (default slope 0.01). PyTorch: `torch.nn.LeakyReLU`.
 * @example
 * ```ts
 * new nn.LeakyReLU(0.2)(tensor([-1, 2]));  // tensor([-0.2000,  2.0000])
 * ```
 */
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

/**
 * Hyperbolic tangent elementwise, as a layer. PyTorch: `torch.nn.Tanh`.
 * @example
 * ```ts
 * new nn.Tanh()(tensor([0]));  // tensor([0.])
 * ```
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * The logistic function 1 / (1 + e^−x) elementwise, as a layer. PyTorch: `torch.nn.Sigmoid`.
 * @example
 * ```ts
 * new nn.Sigmoid()(tensor([0]));  // tensor([0.5000])
 * ```
 */
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

/**
 * Softmax over `dim`: exponentials normalised to sum to 1. Without `dim` it picks PyTorch's legacy default
 * (1 for 2-D and 4-D inputs, else 0). PyTorch: `torch.nn.Softmax`.
 * @example
 * ```ts
 * new nn.Softmax(1)(tensor([[1, 1]]));  // tensor([[0.5000, 0.5000]])
 * ```
 */
export class Softmax extends SoftmaxBase {
  forward(x: Tensor): Tensor {
    return softmax(x, this.dimFor(x));
  }
}

/**
 * The logarithm of softmax over `dim`, computed stably (pair it with {@link NLLLoss}). Without `dim` it
 * picks PyTorch's legacy default. PyTorch: `torch.nn.LogSoftmax`.
 * @example
 * ```ts
 * const logp = new nn.LogSoftmax(1)(logits);
 * ```
 */
export class LogSoftmax extends SoftmaxBase {
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dimFor(x));
  }
}

markBuiltIn(ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax);
