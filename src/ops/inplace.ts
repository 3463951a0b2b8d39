// ops/inplace.ts — in-place methods (x.copy_(src), x.fill_(v), x.zero_(), x.add_(y), …), as PyTorch's
// trailing-underscore methods. They write into the tensor's own data, so every view sharing it sees the
// change.
//
// Autograd: these ops are not recorded. As PyTorch, an in-place op on a leaf that requires grad is an
// error unless gradients are off (noGrad, as optimizers and initialisers run); so is one on a tensor
// autograd recorded, or one whose other operand requires grad, since the graph would not see the write
// (PyTorch records it; convnet refuses rather than give a wrong gradient). Every write counts one version
// of the data (tensor/tensor.ts), as PyTorch's version counter: a backward that needs the old values of
// data written since its node was recorded throws PyTorch's error instead of using the new ones.
//
// Dtypes, as PyTorch: the result is computed in the promoted dtype and must fit x's (an int32 tensor
// cannot take a float result); copy_ and fill_ convert, as PyTorch's do.

import { backend, type BinaryOp } from '../backend/backend.js';
import { isGradEnabled } from '../autograd/tape.js';
import { Tensor, bumpVersion } from '../tensor/tensor.js';
import { promoteTypes, type DType } from '../tensor/dtype.js';
import { broadcastShapes, sameShape, shapeStr } from '../tensor/shape.js';
import { internalScope } from '../tensor/lifetime.js';
import { cast, lift, requireTensor, type TensorOrNumber } from './util.js';

function checkWritable(op: string, x: Tensor, src?: TensorOrNumber): void {
  if (!isGradEnabled()) return;
  if (x.requiresGrad && x.isLeaf) {
    throw new Error(`${op}: a leaf tensor that requires grad is being used in an in-place operation; ` +
      'wrap the update in noGrad(() => …) (as optimizers do), or work on x.detach()');
  }
  if (x.gradFn) {
    throw new Error(`${op}: in-place operations on a tensor that autograd recorded (made by ${x.gradFn.op}) are not ` +
      'supported, since its graph may need the old values; use the out-of-place op instead');
  }
  if (src instanceof Tensor && src.requiresGrad) {
    throw new Error(`${op}: in-place operations are not recorded by autograd, so an operand that requires grad would get ` +
      'no gradient through it; use the out-of-place op instead (or pass other.detach())');
  }
}

/** PyTorch's name of a dtype, for its messages. */
const TORCH_NAME: Record<DType, string> = { float32: 'Float', float64: 'Double', int32: 'Int' };

/** x's values become src's (broadcast to x's shape, cast to x's dtype); returns x. */
export function copy_(x: Tensor, src: TensorOrNumber): Tensor {
  requireTensor('copy_', 'self', x);
  checkWritable('copy_', x, src);
  if (typeof src === 'number') return fill(x, src);
  requireTensor('copy_', 'src', src);
  const got = broadcastShapes('copy_', src.shape, x.shape);
  if (!sameShape(got, x.shape)) {
    throw new Error(`copy_: src of shape ${shapeStr(src.shape)} cannot be broadcast to the destination's shape ${shapeStr(x.shape)}`);
  }
  internalScope(() => {
    const bk = backend();
    const s = sameShape(src.shape, x.shape) ? src : new Tensor(bk.expand(src.storage, src.shape, x.shape), x.shape);
    bk.copy(s.storage, x.storage);
  });
  bumpVersion(x);
  return x;
}

/** Every value of x becomes `value` (converted to x's dtype); returns x. */
export function fill_(x: Tensor, value: number): Tensor {
  requireTensor('fill_', 'self', x);
  if (typeof value !== 'number') throw new Error(`fill_: value must be a number, got ${typeof value}`);
  checkWritable('fill_', x);
  return fill(x, value);
}

/** fill_ once its arguments are checked. */
function fill(x: Tensor, value: number): Tensor {
  backend().fill(x.storage, value);
  bumpVersion(x);
  return x;
}

export function zero_(x: Tensor): Tensor {
  return fill_(x, 0);
}

function inplaceBinary(name: string, op: BinaryOp) {
  return (x: Tensor, y: TensorOrNumber): Tensor => {
    requireTensor(name, 'self', x);
    if (typeof y !== 'number') requireTensor(name, 'other', y);
    checkWritable(name, x, y);
    // The dtype the out-of-place op would give (a fractional number lifts int32 to float32, and true
    // division of int32 is float32); it must fit into x, as PyTorch's rule for in-place results.
    const other = typeof y === 'number' ? (Number.isInteger(y) ? x.dtype : promoteTypes(x.dtype, 'float32')) : y.dtype;
    let result = promoteTypes(x.dtype, other);
    if (op === 'div' && result === 'int32') result = 'float32';
    if (x.dtype === 'int32' && result !== 'int32') {
      throw new Error(`${name}: result type ${TORCH_NAME[result]} can't be cast to the desired output type ${TORCH_NAME[x.dtype]}`);
    }
    internalScope(() => {
      const b = cast(lift(y, x), x.dtype);
      const got = broadcastShapes(name, x.shape, b.shape);
      if (!sameShape(got, x.shape)) {
        throw new Error(`${name}: the result of shape ${shapeStr(got)} does not fit in place into shape ${shapeStr(x.shape)}`);
      }
      backend().binary(op, x.storage, x.shape, b.storage, b.shape, x.shape, x.storage);
    });
    bumpVersion(x);
    return x;
  };
}

export const add_ = inplaceBinary('add_', 'add');
export const sub_ = inplaceBinary('sub_', 'sub');
export const mul_ = inplaceBinary('mul_', 'mul');
export const div_ = inplaceBinary('div_', 'div');
