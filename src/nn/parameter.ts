// nn/parameter.ts — a Parameter is a leaf tensor a Module owns and an optimizer updates.

import { Tensor } from '../tensor/tensor.js';

export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, false);
    if (requiresGrad) this.requiresGrad_(true);
  }
}
