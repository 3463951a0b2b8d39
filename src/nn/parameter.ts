// nn/parameter.ts — a Parameter is a leaf tensor a Module owns and an optimizer updates.

import { Tensor } from '../tensor/tensor.js';

/**
 * A tensor that a Module owns as a trainable weight: a leaf that requires grad (unless `requiresGrad`
 * is false), found by {@link Module.parameters} and updated by optimizers. It shares `data`'s storage.
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
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, false);
    if (requiresGrad) this.requiresGrad_(true);
  }
}
