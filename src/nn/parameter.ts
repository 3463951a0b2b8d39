// nn/parameter.ts — a Parameter is a leaf tensor a Module owns and an optimizer updates.

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';

/**
 * A tensor that a Module owns as a trainable weight: a leaf that requires grad (unless `requiresGrad`
 * is false), found by {@link Module.parameters} and updated by optimizers. It shares `data`'s storage
 * (no data: an empty tensor). Arguments in PyTorch's order (data, requiresGrad), either by name.
 * PyTorch: `torch.nn.Parameter`.
 * @example
 * ```ts
 * class Scale extends nn.Module {
 *   s = new nn.Parameter(ones([1]));
 *   forward(x: Tensor) { return x.mul(this.s); }
 * }
 * ```
 */
export class Parameter extends Tensor {
  constructor(...args: PyArgs<[data: Tensor | null, requiresGrad: boolean], { data?: Tensor | null; requiresGrad?: boolean }>) {
    const a = bindArgs('Parameter', args, {
      positional: [{ name: 'data', kind: { test: (v) => v === null || v instanceof Tensor, what: 'a Tensor or null' } }, { name: 'requiresGrad', kind: 'bool' }],
    });
    const data = (a.data as Tensor | null | undefined) ?? zeros([0]);
    super(data.storage, data.shape, false);
    if (a.requiresGrad ?? true) this.requiresGrad_(true);
  }
}
