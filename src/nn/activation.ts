// nn/activation.ts — ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax as modules (stateless).

import { Tensor } from '../tensor/tensor.js';
import { relu, sigmoid, tanh } from '../ops/elementwise.js';
import { leakyRelu, legacySoftmaxDim, logSoftmax, softmax } from '../ops/activation.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';
import { pyFloat } from './repr.js';

// Arguments bind as PyTorch's (tensor/signature.ts). `inplace` is accepted and printed; the result is the
// same, computed out of place (autograd records no in-place writes), so the input keeps its values.

/** The `inplace` argument, bound alone. */
const INPLACE = { positional: [{ name: 'inplace', kind: 'bool' as const }] };

/**
 * max(x, 0) elementwise, as a layer. Its one argument, `inplace`, by position or by name, gives the same
 * result (computed out of place). PyTorch: `torch.nn.ReLU`.
 * @example
 * ```ts
 * new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * new nn.ReLU(true);  // ReLU(inplace=True)
 * ```
 */
export class ReLU extends Module<[Tensor], Tensor> {
  readonly inplace: boolean;

  constructor(...args: PyArgs<[inplace: boolean], { inplace?: boolean }>) {
    super();
    this.inplace = (bindArgs('ReLU', args, INPLACE).inplace as boolean | undefined) ?? false;
  }

  forward(x: Tensor): Tensor {
    return relu(x);
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * x where x ≥ 0, `negativeSlope`·x elsewhere (default slope 0.01). Arguments in PyTorch's order
 * (negativeSlope, inplace), either by name; `inplace` gives the same result (computed out of place).
 * PyTorch: `torch.nn.LeakyReLU`.
 * @example
 * ```ts
 * new nn.LeakyReLU(0.2)(tensor([-1, 2]));  // tensor([-0.2000,  2.0000])
 * new nn.LeakyReLU({ negativeSlope: 0.1 });
 * ```
 */
export class LeakyReLU extends Module<[Tensor], Tensor> {
  readonly negativeSlope: number;
  readonly inplace: boolean;

  constructor(...args: PyArgs<[negativeSlope: number, inplace: boolean], { negativeSlope?: number; inplace?: boolean }>) {
    super();
    const a = bindArgs('LeakyReLU', args, { positional: [{ name: 'negativeSlope', kind: 'number' }, { name: 'inplace', kind: 'bool' }] });
    const negativeSlope = (a.negativeSlope as number | undefined) ?? 0.01;
    if (!Number.isFinite(negativeSlope)) {
      throw new Error(`LeakyReLU: negativeSlope must be a finite number, got ${JSON.stringify(negativeSlope)}`);
    }
    this.negativeSlope = negativeSlope;
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * Hyperbolic tangent elementwise, as a layer; it takes no arguments. PyTorch: `torch.nn.Tanh`.
 * @example
 * ```ts
 * new nn.Tanh()(tensor([0]));  // tensor([0.])
 * ```
 */
export class Tanh extends Module<[Tensor], Tensor> {
  constructor(...args: PyArgs<[], Record<string, never>>) {
    super();
    bindArgs('Tanh', args, { positional: [] });
  }

  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * The logistic function 1 / (1 + e^−x) elementwise, as a layer; it takes no arguments.
 * PyTorch: `torch.nn.Sigmoid`.
 * @example
 * ```ts
 * new nn.Sigmoid()(tensor([0]));  // tensor([0.5000])
 * ```
 */
export class Sigmoid extends Module<[Tensor], Tensor> {
  constructor(...args: PyArgs<[], Record<string, never>>) {
    super();
    bindArgs('Sigmoid', args, { positional: [] });
  }

  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** The arguments of Softmax and LogSoftmax: dim, by position or by name (null: PyTorch's legacy default). */
type SoftmaxArgs = PyArgs<[dim: number | null], { dim?: number | null }>;

abstract class SoftmaxBase extends Module<[Tensor], Tensor> {
  /** The dimension normalised over; null picks PyTorch's legacy default (1 for 2-D and 4-D inputs, else 0). */
  readonly dim: number | null;

  constructor(op: string, args: readonly unknown[]) {
    super();
    const a = bindArgs(op, args, { positional: [{ name: 'dim', kind: { test: (v) => v === null || Number.isInteger(v), what: 'an integer or null' } }] });
    this.dim = (a.dim as number | null | undefined) ?? null;
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
  constructor(...args: SoftmaxArgs) {
    super('Softmax', args);
  }

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
  constructor(...args: SoftmaxArgs) {
    super('LogSoftmax', args);
  }

  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dimFor(x));
  }
}

markBuiltIn(ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax);
