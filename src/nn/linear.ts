// nn/linear.ts — Linear (y = x·Wᵀ + b) and Identity.
// Weight [outFeatures, inFeatures]; PyTorch's default initialisation: Kaiming-uniform with a = √5
// (bound 1/√inFeatures) for the weight, uniform ±1/√inFeatures for the bias.

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { linear } from '../ops/linear.js';
import { Module, markBuiltIn } from './module.js';
import { Parameter } from './parameter.js';
import { initWeightAndBias } from './init.js';
import { pyBool } from './repr.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';

/**
 * The arguments of {@link Linear} by name (each may also come by position, in this order): inFeatures,
 * outFeatures and `bias` (default true: whether it learns a bias). PyTorch: the keyword arguments of
 * `nn.Linear`.
 * @example
 * ```ts
 * new nn.Linear(128, 10, { bias: false });
 * new nn.Linear({ inFeatures: 128, outFeatures: 10 });
 * ```
 */
export interface LinearOptions {
  inFeatures?: number;
  outFeatures?: number;
  bias?: boolean;
}

function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new Error(`${op}: ${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * A fully connected layer: y = x·Wᵀ + b over the last dimension of `x`, with a weight
 * [outFeatures, inFeatures] and an optional bias, initialised as PyTorch does. Arguments in PyTorch's
 * order (inFeatures, outFeatures, bias), any of them by name in a trailing options object.
 * PyTorch: `torch.nn.Linear`.
 * @example
 * ```ts
 * new nn.Linear(4, 2, false).bias;  // null
 * const fc = new nn.Linear(784, 10);
 * fc(randn([64, 784])).shape;  // [64, 10]
 * ```
 */
export class Linear extends Module<[Tensor], Tensor> {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(...args: PyArgs<[inFeatures: number, outFeatures: number, bias: boolean], LinearOptions>) {
    super();
    const a = bindArgs('Linear', args, {
      positional: [{ name: 'inFeatures', required: true }, { name: 'outFeatures', required: true }, { name: 'bias', kind: 'bool' }],
    }) as LinearOptions;
    this.inFeatures = positiveInt('Linear', 'inFeatures', a.inFeatures);
    this.outFeatures = positiveInt('Linear', 'outFeatures', a.outFeatures);
    this.weight = new Parameter(zeros([this.outFeatures, this.inFeatures]));
    this.bias = a.bias === false ? null : new Parameter(zeros([this.outFeatures]));
    this.resetParameters();
  }

  /**
   * Re-initialises the weight and bias as PyTorch does (Kaiming-uniform with a = √5 for the weight,
   * uniform ±1/√inFeatures for the bias), from the global seeded generator. PyTorch: `reset_parameters`.
   * @example
   * ```ts
   * fc.resetParameters();
   * ```
   */
  resetParameters(): void {
    initWeightAndBias(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/**
 * Returns its input unchanged: a placeholder where a model expects a layer. As PyTorch's, it accepts any
 * arguments and ignores them (`nn.Identity(54, unused='abc')` → `new nn.Identity(54, { unused: 'abc' })`),
 * so it can stand in for a layer without changing the call. PyTorch: `torch.nn.Identity`.
 * @example
 * ```ts
 * const head = useDropout ? new nn.Dropout(0.5) : new nn.Identity();
 * new nn.Identity(54, { unused: 'argument' });  // the arguments are ignored
 * ```
 */
export class Identity extends Module<[Tensor], Tensor> {
  /** Any arguments, ignored (PyTorch's `*args, **kwargs`). */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  constructor(..._args: unknown[]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}

markBuiltIn(Linear, Identity);
