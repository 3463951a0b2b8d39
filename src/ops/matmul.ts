// ops/matmul.ts — torch.matmul: dot (1-D·1-D), matrix–vector, matrix product and batched products
// with broadcast batch dims. One recorded primitive, bmm on [B, M, K]·[B, K, N]; everything around it
// (unsqueeze, expand, reshape) is differentiable already, so broadcasting needs no gradient code here.
//   d(A·B)/dA = G·Bᵀ,  d(A·B)/dB = Aᵀ·G  (the backend's product reads the transposes in place)

import { backend } from '../backend/backend.js';
import { scoped } from '../tensor/lifetime.js';
import { noGrad, record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { promoteTypes } from '../tensor/dtype.js';
import { broadcastShapes, numel, shapeStr } from '../tensor/shape.js';
import { checkAllocation, cast, copiesOf, requireTensor, wrap } from './util.js';
import { expand, permute, reshape, squeeze, unsqueeze } from './shape.js';

const transpose2d = (t: Tensor): Tensor => permute(t, [1, 0]);
import { bindArgs } from '../tensor/signature.js';

/**
 * Batched matrix product: [B, M, K] · [B, K, N] → [B, M, N]. PyTorch: `torch.bmm`.
 * @example
 * ```ts
 * bmm(randn([8, 2, 3]), randn([8, 3, 4])).shape;  // [8, 2, 4]
 * ```
 */
export const bmm = scoped(function bmm(a: Tensor, b: Tensor, ...extra: never[]): Tensor {
  if (extra.length) bindArgs('bmm', [a, b, ...extra], { positional: ['input', 'mat2'] }); // an extra argument throws, naming it
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new Error(`bmm: expected [B, M, K] and [B, K, N], got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  }
  const [B, M, K] = a.shape, N = b.shape[2];
  let dtype = promoteTypes(a.dtype, b.dtype);
  if (dtype === 'int32') dtype = 'float32';
  checkAllocation('matmul', [B, M, N], dtype);
  const ac = cast(a, dtype), bc = cast(b, dtype);
  const out = wrap(backend().matmul(ac.storage, bc.storage, B, M, K, N), [B, M, N]);
  // dA = G·Bᵀ and dB = Aᵀ·G, the transposes read in place by the product (g comes in dtype, the output's).
  return record('bmm', out, [a, b], (g) => {
    const bk = backend();
    return [
      a.requiresGrad ? wrap(bk.matmul(g.storage, bc.storage, B, M, N, K, false, true), [B, M, K]) : null,
      b.requiresGrad ? wrap(bk.matmul(ac.storage, g.storage, B, K, M, N, true, false), [B, K, N]) : null,
    ];
  }, copiesOf([ac, a], [bc, b]));
});

/**
 * Matrix product with PyTorch's rules: vectors and matrices in any combination, and batches of
 * matrices with broadcast leading dimensions. PyTorch: `torch.matmul`.
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1]));  // tensor([3., 7.])
 * matmul(randn([8, 3, 4]), randn([4, 5])).shape;     // [8, 3, 5]
 * ```
 */
export const matmul = scoped(function matmul(a: Tensor, b: Tensor, ...extra: never[]): Tensor {
  if (extra.length) bindArgs('matmul', [a, b, ...extra], { positional: ['input', 'other'] }); // an extra argument throws, naming it
  requireTensor('matmul', 'input', a);
  requireTensor('matmul', 'other', b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: both arguments need at least 1 dimension, got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  }
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;   // a vector on the left is a row
  const b2 = b.ndim === 1 ? unsqueeze(b, -1) : b;  // a vector on the right is a column
  const M = a2.shape[a2.ndim - 2], K = a2.shape[a2.ndim - 1];
  const K2 = b2.shape[b2.ndim - 2], N = b2.shape[b2.ndim - 1];
  if (K !== K2) {
    throw new Error(`matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} cannot be multiplied (${M}x${K} and ${K2}x${N})`);
  }
  if (a.ndim === 2 && b.ndim === 2) {
    // A plain matrix product is one node (PyTorch's MmBackward0): dA = g·Bᵀ, dB = Aᵀ·g.
    const out = noGrad(() => reshape(bmm(unsqueeze(a, 0), unsqueeze(b, 0)), [M, N]));
    return record('matmul', out, [a, b], (g) => [
      a.requiresGrad ? matmul(g, transpose2d(b)) : null,
      b.requiresGrad ? matmul(transpose2d(a), g) : null,
    ]);
  }
  const batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const B = numel(batch);
  const a3 = reshape(expand(a2, [...batch, M, K]), [B, M, K]);
  const b3 = reshape(expand(b2, [...batch, K, N]), [B, K, N]);
  let out = reshape(bmm(a3, b3), [...batch, M, N]);
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
});
