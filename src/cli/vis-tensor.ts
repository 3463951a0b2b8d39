// cli/vis-tensor.ts — small tensor helpers for the picture commands.

import type { Tensor } from '../tensor/tensor.js';
import { sub } from '../ops/elementwise.js';
import { fullLike } from '../tensor/creation.js';

/** a − x for a number a. */
export function rsubScalar(a: number, x: Tensor): Tensor {
  return sub(fullLike(x, a), x);
}
