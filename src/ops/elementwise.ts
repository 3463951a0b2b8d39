// ops/elementwise.ts — unary maps and broadcasting binary arithmetic, each forward with its backward.
// Gradients of broadcast operands are summed back to the operand's shape (sumTo).

import { backend, type BinaryOp, type FloatArray, type UnaryOp } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import { cast, lift, promote, requireTensor, wrap, type TensorOrNumber } from './util.js';
import { sumTo } from './reduce.js';

// ---------------------------------------------------------------------------------------------- unary

function unaryRaw(op: UnaryOp, x: Tensor): Tensor {
  const xf = x.dtype === 'int32' ? cast(x, 'float32') : x;
  return wrap(backend().unary(op, xf.storage as FloatArray), x.shape);
}

function unaryOp(name: string, op: UnaryOp, grad: (x: Tensor, out: Tensor, g: Tensor) => Tensor) {
  return (x: Tensor): Tensor => {
    requireTensor(name, 'input', x);
    const out = unaryRaw(op, x);
    return record(name, out, [x], (g) => [grad(x, out, g)]);
  };
}

export const neg = unaryOp('neg', 'neg', (_x, _o, g) => neg(g));
export const exp = unaryOp('exp', 'exp', (_x, out, g) => mul(g, out));
export const log = unaryOp('log', 'log', (x, _o, g) => div(g, x));
export const sqrt = unaryOp('sqrt', 'sqrt', (_x, out, g) => div(g, mul(out, 2)));
export const abs = unaryOp('abs', 'abs', (x, _o, g) => mul(g, sign(x)));
export const relu = unaryOp('relu', 'relu', (x, _o, g) => binaryRaw('relu', 'reluGrad', g, x));
export const sigmoid = unaryOp('sigmoid', 'sigmoid', (_x, out, g) => mul(g, mul(out, rsub(1, out))));
export const tanh = unaryOp('tanh', 'tanh', (_x, out, g) => mul(g, rsub(1, mul(out, out))));
export const sin = unaryOp('sin', 'sin', (x, _o, g) => mul(g, cos(x)));
export const cos = unaryOp('cos', 'cos', (x, _o, g) => neg(mul(g, sin(x))));
export const square = unaryOp('square', 'square', (x, _o, g) => mul(g, mul(x, 2)));
export const reciprocal = unaryOp('reciprocal', 'reciprocal', (_x, out, g) => neg(mul(g, mul(out, out))));

/** Piecewise-constant maps: zero gradient, recorded so that chains through them still flow. */
const zeroGrad = (x: Tensor) => mul(x, 0);
export const sign = unaryOp('sign', 'sign', (_x, _o, g) => zeroGrad(g));
export const floor = unaryOp('floor', 'floor', (_x, _o, g) => zeroGrad(g));
export const ceil = unaryOp('ceil', 'ceil', (_x, _o, g) => zeroGrad(g));
export const round = unaryOp('round', 'round', (_x, _o, g) => zeroGrad(g));

// --------------------------------------------------------------------------------------------- binary

function binaryRaw(name: string, op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(name, a.shape, b.shape);
  let dtype = promote(a.dtype, b.dtype);
  if (op === 'div' && dtype === 'int32') dtype = 'float32';
  const ac = cast(a, dtype), bc = cast(b, dtype);
  return wrap(backend().binary(op, ac.storage, ac.shape, bc.storage, bc.shape, shape), shape);
}

function binaryOp(name: string, op: BinaryOp, grad: (a: Tensor, b: Tensor, out: Tensor, g: Tensor) => [Tensor | null, Tensor | null]) {
  return (x: TensorOrNumber, y: TensorOrNumber): Tensor => {
    if (!(x instanceof Tensor) && !(y instanceof Tensor)) requireTensor(name, 'input', x);
    const a = x instanceof Tensor ? x : lift(x, y as Tensor);
    const b = lift(y, a);
    const out = binaryRaw(name, op, a, b);
    return record(name, out, [a, b], (g) => {
      const [ga, gb] = grad(a, b, out, g);
      return [ga && a.requiresGrad ? sumTo(ga, a.shape) : null, gb && b.requiresGrad ? sumTo(gb, b.shape) : null];
    });
  };
}

export const add = binaryOp('add', 'add', (_a, _b, _o, g) => [g, g]);
export const sub = binaryOp('sub', 'sub', (_a, _b, _o, g) => [g, neg(g)]);
export const mul = binaryOp('mul', 'mul', (a, b, _o, g) => [mul(g, b), mul(g, a)]);
export const div = binaryOp('div', 'div', (a, b, _o, g) => [div(g, b), neg(div(mul(g, a), mul(b, b)))]);
export const pow = binaryOp('pow', 'pow', (a, b, out, g) => [
  mul(g, mul(b, pow(a, sub(b, 1)))),
  // d/db aᵇ = aᵇ·ln a; PyTorch defines it as 0 where a = 0 and b ≥ 0 (the limit), not NaN.
  b.requiresGrad ? mul(g, where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(out, log(a)))) : null,
]);
/** Where both are equal the gradient is split evenly, as in PyTorch. */
export const maximum = binaryOp('maximum', 'maximum', (a, b, _o, g) => {
  const half = mul(eq(a, b), 0.5);
  return [mul(g, add(gt(a, b), half)), mul(g, add(lt(a, b), half))];
});
export const minimum = binaryOp('minimum', 'minimum', (a, b, _o, g) => {
  const half = mul(eq(a, b), 0.5);
  return [mul(g, add(lt(a, b), half)), mul(g, add(gt(a, b), half))];
});

/** r − x with the number first (1 − sigmoid, 1 − tanh²). */
export function rsub(r: number, x: Tensor): Tensor {
  return sub(lift(r, x), x);
}

// ------------------------------------------------------------------------------ comparisons (no grad)
// They return 1/0 in the operands' float type (convnet has no bool dtype), usable as masks.

function compare(name: string, op: BinaryOp) {
  return (x: TensorOrNumber, y: TensorOrNumber): Tensor => {
    const a = x instanceof Tensor ? x : lift(x, y as Tensor);
    requireTensor(name, 'input', a);
    return binaryRaw(name, op, a, lift(y, a));
  };
}

export const eq = compare('eq', 'eq');
export const ne = compare('ne', 'ne');
export const lt = compare('lt', 'lt');
export const le = compare('le', 'le');
export const gt = compare('gt', 'gt');
export const ge = compare('ge', 'ge');

export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  return binaryRaw('logicalAnd', 'mul', ne(a, 0), ne(b, 0));
}

// ------------------------------------------------------------------------------------- clamp, where

/** clamp(x, min, max): gradient flows where min ≤ x ≤ max. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  requireTensor('clamp', 'input', x);
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new Error('clamp: at least one of min and max must be given');
  }
  let out = x.detach();
  let mask: Tensor | null = null;
  if (min !== undefined && min !== null) {
    out = binaryRaw('clamp', 'maximum', out, lift(min, x));
    mask = ge(x, min);
  }
  if (max !== undefined && max !== null) {
    out = binaryRaw('clamp', 'minimum', out, lift(max, x));
    const m = le(x, max);
    mask = mask ? binaryRaw('clamp', 'mul', mask, m) : m;
  }
  return record('clamp', out, [x], (g) => [mul(g, mask!)]);
}

/** where(cond, a, b): a where cond is non-zero, else b; broadcasts all three. */
export function where(cond: Tensor, x: TensorOrNumber, y: TensorOrNumber): Tensor {
  requireTensor('where', 'condition', cond);
  const like = x instanceof Tensor ? x : y instanceof Tensor ? y : cond.dtype === 'int32' ? lift(0.5, cond) : cond;
  const a = lift(x, like), b = lift(y, like);
  let shape = broadcastShapes('where', cond.shape, a.shape);
  shape = broadcastShapes('where', shape, b.shape);
  const dtype = promote(a.dtype, b.dtype);
  const bk = backend();
  const ex = (t: Tensor) => (sameShape(t.shape, shape) ? t.storage : bk.expand(t.storage, t.shape, shape));
  const out = wrap(bk.where(ex(cond), ex(cast(a, dtype)), ex(cast(b, dtype))), shape);
  return record('where', out, [cond, a, b], (g) => [
    null,
    a.requiresGrad ? sumTo(where(cond, g, 0), a.shape) : null,
    b.requiresGrad ? sumTo(where(cond, 0, g), b.shape) : null,
  ]);
}
