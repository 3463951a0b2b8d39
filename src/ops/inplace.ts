// ops/inplace.ts — in-place methods (x.copy_(src), x.fill_(v), x.zero_(), x.add_(y), …), as PyTorch's
// trailing-underscore methods. They write into the tensor's own data, so every view sharing it sees the
// change.
//
// Autograd, as PyTorch: an in-place op on a leaf that requires grad is an error unless gradients are off
// (noGrad, as optimizers and initialisers run). On a tensor with history, or with an operand that
// requires grad, the op is recorded (takeHistory): x's gradFn becomes the op's node, whose backward
// sends the gradient on to x's history before the write and to the operand. Every write counts one version
// of the data (tensor/tensor.ts), as PyTorch's version counter: a backward that needs the old values of
// data written since its node was recorded throws PyTorch's error instead of using the new ones.
//
// Dtypes, as PyTorch: the result is computed in the promoted dtype and must fit x's (an int32 tensor
// cannot take a float result); copy_ and fill_ convert, as PyTorch's do.

import { backend } from '../backend/backend.js';
import { isGradEnabled, record } from '../autograd/tape.js';
import { Tensor, bumpVersion, checkNotViewCopy, recordVersions } from '../tensor/tensor.js';
import { fullLike } from '../tensor/creation.js';
import { add, div, mul, sub } from './elementwise.js';
import { sumTo } from './reduce.js';
import { toDtype } from './shape.js';
import { promoteTypes, type DType } from '../tensor/dtype.js';
import { broadcastShapes, sameShape, shapeStr } from '../tensor/shape.js';
import { hold, internalScope } from '../tensor/lifetime.js';
import { cast, lift, requireTensor, type TensorOrNumber } from './util.js';

/**
 * Whether an in-place op on x with these operands must be recorded for autograd (gradients on, and x or
 * an operand requires grad). A leaf that requires grad may be written only with gradients off, as in
 * PyTorch: that throws here, as does a write into a copy that stands for a PyTorch view (checkNotViewCopy).
 */
export function checkInPlaceLeaf(op: string, x: Tensor, ...operands: unknown[]): boolean {
  checkNotViewCopy(op, x);
  if (!isGradEnabled()) return false;
  if (x.requiresGrad && x.isLeaf) {
    throw new Error(`${op}: a leaf Variable that requires grad is being used in an in-place operation; ` +
      'wrap the update in noGrad(() => …) (as optimizers do), or work on x.detach()');
  }
  return x.requiresGrad || operands.some((t) => t instanceof Tensor && t.requiresGrad);
}

/**
 * Records an in-place write into x as PyTorch does: `compute(prev)` gets a tensor standing for x as it
 * was (its history; its data shared with x's, or with `needsOld` a copy of the old values for a backward
 * that reads them), and returns the recorded result: a tensor sharing x's data that it has written, or
 * one whose values are then copied into x. x then takes the result's history (x.gradFn is its node), and
 * autograd nodes recorded from x before the write keep sending their gradients to x's history then
 * (tensor `_past`; see autograd's edge()). Counts one version of x's data.
 */
export function takeHistory(x: Tensor, needsOld: boolean, compute: (prev: Tensor) => Tensor): void {
  internalScope(() => {
    const bk = backend();
    const prev = needsOld ? new Tensor(bk.cast(x.storage, x.dtype), x.shape) : new Tensor(x.storage, x.shape);
    prev.gradFn = x.gradFn;
    prev.requiresGrad = x.requiresGrad;
    const r = compute(prev);
    if (r.storage !== x.storage) bk.copy(r.storage, x.storage);
    bumpVersion(x);
    if (r.gradFn) recordVersions(r.gradFn);
    hold(prev);
    (x._past ??= []).push(prev);
    x.gradFn = r.gradFn;
    x.requiresGrad = r.requiresGrad;
  });
}

/** PyTorch's name of a dtype, for its messages. */
const TORCH_NAME: Record<DType, string> = { float32: 'Float', float64: 'Double', int32: 'Int' };

/** x's values become src's (broadcast to x's shape, cast to x's dtype); returns x. */
export function copy_(x: Tensor, src: TensorOrNumber): Tensor {
  requireTensor('copy_', 'self', x);
  if (typeof src === 'number') return fill_(x, src);
  requireTensor('copy_', 'src', src);
  const recorded = checkInPlaceLeaf('copy_', x, src);
  const got = broadcastShapes('copy_', src.shape, x.shape);
  if (!sameShape(got, x.shape)) {
    throw new Error(`copy_: src of shape ${shapeStr(src.shape)} cannot be broadcast to the destination's shape ${shapeStr(x.shape)}`);
  }
  const write = (): void => internalScope(() => {
    const bk = backend();
    const s = sameShape(src.shape, x.shape) ? src : new Tensor(bk.expand(src.storage, src.shape, x.shape), x.shape);
    bk.copy(s.storage, x.storage);
  });
  if (!recorded) {
    write();
    bumpVersion(x);
    return x;
  }
  takeHistory(x, false, (prev) => {
    write();
    return record('copy_', new Tensor(x.storage, x.shape), [prev, src], (g) => [
      prev.requiresGrad ? fullLike(g, 0) : null,
      src.requiresGrad ? sumTo(g, src.shape) : null,
    ]);
  });
  return x;
}

/** Every value of x becomes `value`, a number or a 0-d tensor (converted to x's dtype; a tensor's
 *  gradient is the sum of x's); returns x. */
export function fill_(x: Tensor, value: number | Tensor): Tensor {
  requireTensor('fill_', 'self', x);
  if (value instanceof Tensor) {
    if (value.ndim !== 0) {
      throw new Error(`fill_: value must be a number or a 0-dim tensor, got a Tensor of shape ${shapeStr(value.shape)}`);
    }
    checkInPlaceLeaf('fill_', x, value);
    return copy_(x, value);
  }
  if (typeof value !== 'number') throw new Error(`fill_: value must be a number or a 0-dim tensor, got ${typeof value}`);
  if (!checkInPlaceLeaf('fill_', x)) {
    backend().fill(x.storage, value);
    bumpVersion(x);
    return x;
  }
  takeHistory(x, false, (prev) => {
    backend().fill(x.storage, value);
    return record('fill_', new Tensor(x.storage, x.shape), [prev], (g) => [fullLike(g, 0)]);
  });
  return x;
}

export function zero_(x: Tensor): Tensor {
  return fill_(x, 0);
}

/** The out-of-place op each in-place one records. */
const OUT_OF_PLACE: Record<'add' | 'sub' | 'mul' | 'div', (a: Tensor, b: TensorOrNumber) => Tensor> = { add, sub, mul, div };

function inplaceBinary(name: string, op: 'add' | 'sub' | 'mul' | 'div') {
  return (x: Tensor, y: TensorOrNumber): Tensor => {
    requireTensor(name, 'self', x);
    if (typeof y !== 'number') requireTensor(name, 'other', y);
    const recorded = checkInPlaceLeaf(name, x, y);
    // The dtype the out-of-place op would give (a fractional number lifts int32 to float32, and true
    // division of int32 is float32); it must fit into x, as PyTorch's rule for in-place results.
    const other = typeof y === 'number' ? (Number.isInteger(y) ? x.dtype : promoteTypes(x.dtype, 'float32')) : y.dtype;
    let result = promoteTypes(x.dtype, other);
    if (op === 'div' && result === 'int32') result = 'float32';
    if (x.dtype === 'int32' && result !== 'int32') {
      throw new Error(`${name}: result type ${TORCH_NAME[result]} can't be cast to the desired output type ${TORCH_NAME[x.dtype]}`);
    }
    const got = broadcastShapes(name, x.shape, typeof y === 'number' ? [] : y.shape);
    if (!sameShape(got, x.shape)) {
      throw new Error(`${name}: the result of shape ${shapeStr(got)} does not fit in place into shape ${shapeStr(x.shape)}`);
    }
    if (!recorded) {
      internalScope(() => {
        const b = cast(lift(y, x), x.dtype);
        backend().binary(op, x.storage, x.shape, b.storage, b.shape, x.shape, x.storage);
      });
      bumpVersion(x);
      return x;
    }
    // Recorded: the out-of-place op on x's history (mul and div read x's old values in their backward,
    // so they get a copy of them), its result written into x.
    takeHistory(x, op === 'mul' || op === 'div', (prev) => toDtype(OUT_OF_PLACE[op](prev, y), x.dtype));
    return x;
  };
}

export const add_ = inplaceBinary('add_', 'add');
export const sub_ = inplaceBinary('sub_', 'sub');
export const mul_ = inplaceBinary('mul_', 'mul');
export const div_ = inplaceBinary('div_', 'div');
