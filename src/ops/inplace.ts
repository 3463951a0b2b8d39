// ops/inplace.ts — in-place methods (x.copy_(src), x.fill_(v), x.zero_(), x.add_(y), …), as PyTorch's
// trailing-underscore methods. They write into the tensor's own data, so every view sharing it sees the
// change.
//
// Autograd: as PyTorch, an in-place op on a leaf that requires grad is an error unless gradients are
// off (noGrad, as optimizers and initialisers run); on a tensor inside a recorded graph it is an error
// too, since the graph may still need the old values (PyTorch tracks versions to allow some of these;
// convnet refuses them all rather than risk a wrong gradient).

import { backend, type BinaryOp } from '../backend/backend.js';
import { isGradEnabled } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, sameShape, shapeStr } from '../tensor/shape.js';
import { internalScope } from '../tensor/lifetime.js';
import { cast, lift, requireTensor, type TensorOrNumber } from './util.js';

function checkWritable(op: string, x: Tensor): void {
  if (!isGradEnabled()) return;
  if (x.requiresGrad && x.isLeaf) {
    throw new Error(`${op}: a leaf tensor that requires grad is being used in an in-place operation; ` +
      'wrap the update in noGrad(() => …) (as optimizers do), or work on x.detach()');
  }
  if (x.gradFn) {
    throw new Error(`${op}: in-place operations on a tensor that autograd recorded (made by ${x.gradFn.name}) are not ` +
      'supported, since its graph may need the old values; use the out-of-place op instead');
  }
}

/** x's values become src's (broadcast to x's shape, cast to x's dtype); returns x. */
export function copy_(x: Tensor, src: TensorOrNumber): Tensor {
  requireTensor('copy_', 'self', x);
  checkWritable('copy_', x);
  if (typeof src === 'number') return fill_(x, src);
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
  return x;
}

export function fill_(x: Tensor, value: number): Tensor {
  requireTensor('fill_', 'self', x);
  if (typeof value !== 'number') throw new Error(`fill_: value must be a number, got ${typeof value}`);
  checkWritable('fill_', x);
  backend().fill(x.storage, value);
  return x;
}

export function zero_(x: Tensor): Tensor {
  return fill_(x, 0);
}

function inplaceBinary(name: string, op: BinaryOp) {
  return (x: Tensor, y: TensorOrNumber): Tensor => {
    requireTensor(name, 'self', x);
    checkWritable(name, x);
    internalScope(() => {
      const b = cast(lift(y, x), x.dtype);
      const got = broadcastShapes(name, x.shape, b.shape);
      if (!sameShape(got, x.shape)) {
        throw new Error(`${name}: the result of shape ${shapeStr(got)} does not fit in place into shape ${shapeStr(x.shape)}`);
      }
      if (op === 'div' && x.dtype === 'int32') throw new Error(`${name}: true division of an int32 tensor in place would need a float result`);
      backend().binary(op, x.storage, x.shape, b.storage, b.shape, x.shape, x.storage);
    });
    return x;
  };
}

export const add_ = inplaceBinary('add_', 'add');
export const sub_ = inplaceBinary('sub_', 'sub');
export const mul_ = inplaceBinary('mul_', 'mul');
export const div_ = inplaceBinary('div_', 'div');
