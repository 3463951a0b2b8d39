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
import { shapeStr } from '../tensor/shape.js';
import { cast, promote, requireTensor, wrap } from './util.js';

export const linear = scoped(function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  requireTensor('linear', 'input', input);
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
  let dtype = promote(input.dtype, weight.dtype);
  if (bias) dtype = promote(dtype, bias.dtype);
  if (dtype === 'int32') dtype = 'float32';
  const x = cast(input, dtype), w = cast(weight, dtype), b = bias ? cast(bias, dtype) : null;
  const M = x.numel() / I;
  const bk = backend();
  const ys = bk.matmul(x.storage, w.storage, 1, M, I, O, false, true);
  if (b) bk.binary('add', ys, [M, O], b.storage, [O], [M, O], ys); // in place
  const outShape = [...input.shape.slice(0, -1), O];
  const saved = [x !== input ? x : null, w !== weight ? w : null].filter((t): t is Tensor => t !== null);
  return record('linear', wrap(ys, outShape), bias ? [input, weight, bias] : [input, weight], (g) => {
    const gc = cast(g, dtype);
    const dx = input.requiresGrad ? wrap(bk.matmul(gc.storage, w.storage, 1, M, O, I), input.shape) : null;
    let dw: Tensor | null = null;
    if (weight.requiresGrad) dw = wrap(bk.matmul(gc.storage, x.storage, 1, O, M, I, true, false), weight.shape);
    const db = bias && bias.requiresGrad ? wrap(bk.reduce('sum', gc.storage, [M, O], [0]), [O]) : null;
    return [dx && cast(dx, input.dtype), dw && cast(dw, weight.dtype), db && cast(db, bias!.dtype)];
  }, saved);
});
