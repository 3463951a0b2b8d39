// ops/linear.ts — F.linear: y = x·Wᵀ + b, one recorded op on the backend's matrix product.
//
// x is [*, in] (flattened to [M, in]), W is [out, in], b is [out].
//   forward:  Y = X·Wᵀ + b        (Wᵀ materialised once, then one [M, in]·[in, out] product)
//   backward: dX = G·W            ([M, out]·[out, in], no transpose needed)
//             dW = Gᵀ·X           ([out, M]·[M, in])
//             db = Σ_rows G

import { allocFloat, backend, type FloatArray } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { cast, promote, requireTensor, wrap } from './util.js';

export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
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
  const xs = x.storage as FloatArray, ws = w.storage as FloatArray;
  const wT = bk.permute(ws, [O, I], [1, 0]) as FloatArray;
  const ys = bk.matmul(xs, wT, 1, M, I, O);
  if (b) {
    const bs = b.storage;
    for (let r = 0, p = 0; r < M; r++) for (let j = 0; j < O; j++, p++) ys[p] += bs[j];
  }
  const outShape = [...input.shape.slice(0, -1), O];
  return record('linear', wrap(ys, outShape), bias ? [input, weight, bias] : [input, weight], (g) => {
    const gs = cast(g, dtype).storage as FloatArray;
    const dx = input.requiresGrad ? wrap(bk.matmul(gs, ws, 1, M, O, I), input.shape) : null;
    let dw: Tensor | null = null;
    if (weight.requiresGrad) {
      const gT = bk.permute(gs, [M, O], [1, 0]) as FloatArray;
      dw = wrap(bk.matmul(gT, xs, 1, O, M, I), weight.shape);
    }
    let db: Tensor | null = null;
    if (bias && bias.requiresGrad) {
      const s = new Float64Array(O);
      for (let r = 0, p = 0; r < M; r++) for (let j = 0; j < O; j++, p++) s[j] += gs[p];
      const out = allocFloat(gs, O);
      out.set(s);
      db = wrap(out, [O]);
    }
    return [dx && cast(dx, input.dtype), dw && cast(dw, weight.dtype), db && cast(db, bias!.dtype)];
  });
}
