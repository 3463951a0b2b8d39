// ops/linear.ts — F.linear: y = x·Wᵀ + b, one recorded op on the backend's matrix product.
//
// x is [*, in] (flattened to [M, in]), W is [out, in], b is [out].
//   forward:  Y = X·Wᵀ + b        (the product reads W transposed: no copy)
//   backward: dX = G·W            ([M, out]·[out, in])
//             dW = Gᵀ·X           ([out, M]·[M, in], G read transposed)
//             db = Σ_rows G

import { backend } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { promoteTypes } from '../tensor/dtype.js';
import { shapeStr } from '../tensor/shape.js';
import { bindInput, cast, copiesOf, requireTensor, wrap } from './util.js';
import type { PyArgs } from '../tensor/signature.js';

/**
 * y = x·Wᵀ + b over the last dimension of `input` [*, in], with `weight` [out, in] and an optional `bias`
 * [out]. PyTorch: `torch.nn.functional.linear`.
 * @example
 * ```ts
 * F.linear(randn([64, 784]), randn([10, 784]), zeros([10])).shape;  // [64, 10]
 * ```
 */
export const linear = scoped(function linear(input: Tensor, ...args: PyArgs<[weight: Tensor, bias: Tensor | null | undefined], { weight?: Tensor; bias?: Tensor | null }> & [unknown, ...unknown[]]): Tensor {
  const a = bindInput('linear', input, args, [{ name: 'weight', required: true }, { name: 'bias' }]);
  const weight = a.weight as Tensor, bias = (a.bias as Tensor | null | undefined) ?? null;
  requireTensor('linear', 'weight', weight);
  if (weight.ndim !== 2) throw new Error(`linear: weight must be 2-D [outFeatures, inFeatures], got shape ${shapeStr(weight.shape)}`);
  const [O, I] = weight.shape;
  if (input.ndim < 1 || input.shape[input.ndim - 1] !== I) {
    throw new Error(`linear: input of shape ${shapeStr(input.shape)} must end in inFeatures=${I} to match weight ${shapeStr(weight.shape)}`);
  }
  if (bias !== null && bias !== undefined) {
    requireTensor('linear', 'bias', bias);
    if (bias.ndim !== 1 || bias.shape[0] !== O) {
      throw new Error(`linear: bias must have shape [${O}] to match weight ${shapeStr(weight.shape)}, got ${shapeStr(bias.shape)}`);
    }
  }
  let dtype = promoteTypes(input.dtype, weight.dtype);
  if (bias) dtype = promoteTypes(dtype, bias.dtype);
  if (dtype === 'int32') dtype = 'float32';
  const x = cast(input, dtype), w = cast(weight, dtype), b = bias ? cast(bias, dtype) : null;
  const M = x.numel() / I;
  const bk = backend();
  const ys = bk.matmul(x.storage, w.storage, 1, M, I, O, false, true);
  if (b) bk.binary('add', ys, [M, O], b.storage, [O], [M, O], ys); // in place
  const outShape = [...input.shape.slice(0, -1), O];
  // g comes in dtype (the output's); the tape casts each gradient to its input's dtype.
  return record('linear', wrap(ys, outShape), bias ? [input, weight, bias] : [input, weight], (g) => {
    const bk = backend();
    const dx = input.requiresGrad ? wrap(bk.matmul(g.storage, w.storage, 1, M, O, I), input.shape) : null;
    const dw = weight.requiresGrad ? wrap(bk.matmul(g.storage, x.storage, 1, O, M, I, true, false), weight.shape) : null;
    const db = bias?.requiresGrad ? wrap(bk.reduce('sum', g.storage, [M, O], [0]), [O]) : null;
    return [dx, dw, db];
  }, copiesOf([x, input], [w, weight]));
});
