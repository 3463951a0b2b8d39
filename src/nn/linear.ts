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

export interface LinearOptions {
  bias?: boolean;
}

function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new Error(`${op}: ${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.inFeatures = positiveInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = positiveInt('Linear', 'outFeatures', outFeatures);
    this.weight = new Parameter(zeros([outFeatures, inFeatures]));
    this.bias = opts.bias === false ? null : new Parameter(zeros([outFeatures]));
    this.resetParameters();
  }

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

/** Returns its input unchanged (a placeholder layer, as nn.Identity). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

markBuiltIn(Linear, Identity);
