// nn/activation.ts — ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax as modules (stateless).

import { Tensor } from '../tensor/tensor.js';
import { sigmoid, tanh } from '../ops/elementwise.js';
import { leakyRelu, legacySoftmaxDim, logSoftmax, relu, softmax } from '../ops/activation.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { Module, markBuiltIn } from './module.js';
import { pyFloat } from './repr.js';
import { elu, gelu, hardswish, mish, prelu, silu, softplus } from '../ops/activation.js';
import { full } from '../tensor/creation.js';
import { oneOf } from '../ops/args.js';
import { Parameter } from './parameter.js';

// Arguments bind as PyTorch's (tensor/signature.ts). `inplace`, as PyTorch's, writes the result into the
// input and returns it; autograd records the write (ops/activation.ts maybeInplace).

/** The `inplace` argument, bound alone. */
const INPLACE = { positional: [{ name: 'inplace', kind: 'bool' as const }] };

/**
 * max(x, 0) elementwise, as a layer. Its one argument, `inplace`, by position or by name, writes the
 * result into the input and returns it. PyTorch: `torch.nn.ReLU`.
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
    return relu(x, this.inplace);
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * x where x ≥ 0, `negativeSlope`·x elsewhere (default slope 0.01). Arguments in PyTorch's order
 * (negativeSlope, inplace), either by name; `inplace` writes the result into the input and returns it.
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
    return leakyRelu(x, this.negativeSlope, this.inplace);
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

// ------------------------------------------------------------- ELU, GELU, SiLU, Mish, Hardswish, Softplus,
// PReLU (issue 14): constructors take PyTorch's positional arguments, or any of them by name.

/**
 * The exponential linear unit x > 0 ? x : α·(eˣ − 1), as a layer. PyTorch: `torch.nn.ELU(alpha=1.0, inplace=False)`.
 * @example
 * ```ts
 * new nn.ELU()(tensor([-1, 2]));  // tensor([-0.6321,  2.0000])
 * new nn.ELU({ alpha: 0.5 });
 * ```
 */
export class ELU extends Module {
  readonly alpha: number;
  readonly inplace: boolean;

  constructor(...args: PyArgs<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>) {
    super();
    const a = bindArgs('ELU', args, { positional: [{ name: 'alpha', kind: 'number' }, { name: 'inplace', kind: 'bool' }] });
    this.alpha = (a.alpha as number | undefined) ?? 1;
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }

  forward(x: Tensor): Tensor {
    return elu(x, this.alpha, this.inplace);
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * The Gaussian error linear unit x·Φ(x) (exact) or its tanh approximation, as a layer.
 * PyTorch: `torch.nn.GELU(approximate='none')`.
 * @example
 * ```ts
 * new nn.GELU()(tensor([1]));       // tensor([0.8413])
 * new nn.GELU('tanh')(tensor([1])); // tensor([0.8412])
 * ```
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(...args: PyArgs<[approximate: 'none' | 'tanh'], { approximate?: 'none' | 'tanh' }>) {
    super();
    const a = bindArgs('GELU', args, { positional: [{ name: 'approximate', kind: 'string' }] });
    this.approximate = oneOf('GELU', 'approximate', a.approximate, ['none', 'tanh'] as const, 'none');
  }

  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

abstract class InplaceActivation extends Module {
  readonly inplace: boolean;

  constructor(op: string, args: unknown[]) {
    super();
    const a = bindArgs(op, args, { positional: [{ name: 'inplace', kind: 'bool' }] });
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * The sigmoid linear unit (swish) x·σ(x), as a layer. PyTorch: `torch.nn.SiLU(inplace=False)`.
 * @example
 * ```ts
 * new nn.SiLU()(tensor([1]));  // tensor([0.7311])
 * ```
 */
export class SiLU extends InplaceActivation {
  constructor(...args: PyArgs<[inplace: boolean], { inplace?: boolean }>) {
    super('SiLU', args);
  }

  forward(x: Tensor): Tensor {
    return silu(x, this.inplace);
  }
}

/**
 * Mish, x·tanh(softplus(x)), as a layer. PyTorch: `torch.nn.Mish(inplace=False)`.
 * @example
 * ```ts
 * new nn.Mish()(tensor([1]));  // tensor([0.8651])
 * ```
 */
export class Mish extends InplaceActivation {
  constructor(...args: PyArgs<[inplace: boolean], { inplace?: boolean }>) {
    super('Mish', args);
  }

  forward(x: Tensor): Tensor {
    return mish(x, this.inplace);
  }
}

/**
 * The hard swish x·relu6(x + 3)/6, as a layer. PyTorch: `torch.nn.Hardswish(inplace=False)`.
 * @example
 * ```ts
 * new nn.Hardswish()(tensor([1]));  // tensor([0.6667])
 * ```
 */
export class Hardswish extends InplaceActivation {
  constructor(...args: PyArgs<[inplace: boolean], { inplace?: boolean }>) {
    super('Hardswish', args);
  }

  forward(x: Tensor): Tensor {
    return hardswish(x, this.inplace);
  }

  /** PyTorch's Hardswish prints no arguments. PyTorch: `Hardswish.extra_repr`.
   * @example
   * ```ts
   * String(new nn.Hardswish());  // 'Hardswish()'
   * ```
   */
  override extraRepr(): string {
    return '';
  }
}

/**
 * log(1 + e^(βx))/β, linear where βx > threshold, as a layer. PyTorch: `torch.nn.Softplus(beta=1, threshold=20)`.
 * @example
 * ```ts
 * new nn.Softplus()(tensor([0]));  // tensor([0.6931])
 * new nn.Softplus(2, 10);
 * ```
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(...args: PyArgs<[beta: number, threshold: number], { beta?: number; threshold?: number }>) {
    super();
    const a = bindArgs('Softplus', args, { positional: [{ name: 'beta', kind: 'number' }, { name: 'threshold', kind: 'number' }] });
    this.beta = (a.beta as number | undefined) ?? 1;
    this.threshold = (a.threshold as number | undefined) ?? 20;
    if (this.beta === 0 || !Number.isFinite(this.beta)) throw new Error(`Softplus: beta must be a finite non-zero number, got ${this.beta}`);
  }

  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/**
 * The parametric ReLU x > 0 ? x : a·x with a learnable slope `weight`: one shared value
 * (`numParameters` 1, the default) or one per input channel, all starting at `init` (0.25).
 * PyTorch: `torch.nn.PReLU(num_parameters=1, init=0.25)`.
 * @example
 * ```ts
 * const act = new nn.PReLU(16);  // one slope per channel of a [N, 16, H, W] input
 * act.weight.shape;               // [16]
 * ```
 */
export class PReLU extends Module {
  readonly numParameters: number;
  weight: Parameter;

  constructor(...args: PyArgs<[numParameters: number, init: number], { numParameters?: number; init?: number }>) {
    super();
    const a = bindArgs('PReLU', args, { positional: [{ name: 'numParameters', kind: 'int' }, { name: 'init', kind: 'number' }] });
    this.numParameters = (a.numParameters as number | undefined) ?? 1;
    if (this.numParameters < 1) throw new Error(`PReLU: numParameters must be a positive integer, got ${this.numParameters}`);
    this.weight = new Parameter(full([this.numParameters], (a.init as number | undefined) ?? 0.25));
  }

  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }

  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

markBuiltIn(ELU, GELU, SiLU, Mish, Hardswish, Softplus, PReLU);
