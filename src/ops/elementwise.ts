// ops/elementwise.ts — unary maps and broadcasting binary arithmetic, each forward with its backward.
// Gradients of broadcast operands are summed back to the operand's shape (sumTo).

import { backend, type BinaryOp, type UnaryOp } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { internalScope, scoped } from '../tensor/lifetime.js';
import { promoteTypes } from '../tensor/dtype.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import { checkAllocation, cast, lift, requireTensor, wrap, type TensorOrNumber } from './util.js';
import { sumTo } from './reduce.js';

// ---------------------------------------------------------------------------------------------- unary

function unaryRaw(op: UnaryOp, x: Tensor): Tensor {
  if (x.dtype !== 'int32') return wrap(backend().unary(op, x.storage), x.shape);
  const xf = cast(x, 'float32');
  const out = wrap(backend().unary(op, xf.storage), x.shape);
  xf.dispose();
  return out;
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
export const log1p = unaryOp('log1p', 'log1p', (x, _o, g) => div(g, add(x, 1)));
export const expm1 = unaryOp('expm1', 'expm1', (_x, out, g) => mul(g, add(out, 1)));
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
  let dtype = promoteTypes(a.dtype, b.dtype);
  if ((op === 'div' || op === 'atan2' || op === 'hypot') && dtype === 'int32') dtype = 'float32';
  checkAllocation(name, shape, dtype);
  const ac = cast(a, dtype), bc = cast(b, dtype);
  const out = wrap(backend().binary(op, ac.storage, ac.shape, bc.storage, bc.shape, shape), shape);
  if (ac !== a) ac.dispose();
  if (bc !== b) bc.dispose();
  return out;
}

function binaryOp(name: string, op: BinaryOp, grad: (a: Tensor, b: Tensor, out: Tensor, g: Tensor) => [Tensor | null, Tensor | null]) {
  const run = (a: Tensor, b: Tensor): Tensor => {
    const out = binaryRaw(name, op, a, b);
    return record(name, out, [a, b], (g) => {
      const [ga, gb] = grad(a, b, out, g);
      return [ga && a.requiresGrad ? sumTo(ga, a.shape) : null, gb && b.requiresGrad ? sumTo(gb, b.shape) : null];
    });
  };
  return (x: TensorOrNumber, y: TensorOrNumber): Tensor => {
    if (x instanceof Tensor && y instanceof Tensor) return run(x, y);
    if (!(x instanceof Tensor) && !(y instanceof Tensor)) requireTensor(name, 'input', x);
    // A number becomes a 0-d tensor only this op (and its node) holds: freed with them.
    return internalScope(() => {
      const a = x instanceof Tensor ? x : lift(x, y as Tensor);
      return run(a, lift(y, a));
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
/** atan2(y, x): the angle of (x, y); d/dy = x / (x² + y²), d/dx = −y / (x² + y²). */
export const atan2 = binaryOp('atan2', 'atan2', (y, x, _o, g) => {
  const r2 = add(mul(x, x), mul(y, y));
  return [mul(g, div(x, r2)), mul(g, div(neg(y), r2))];
});
/** hypot(a, b) = √(a² + b²) without overflow in the squares; d/da = a / hypot. */
export const hypot = binaryOp('hypot', 'hypot', (a, b, out, g) => [mul(g, div(a, out)), mul(g, div(b, out))]);

/** r − x with the number first (1 − sigmoid, 1 − tanh²). */
export function rsub(r: number, x: Tensor): Tensor {
  return sub(lift(r, x), x);
}

// ------------------------------------------------------------------------------ comparisons (no grad)
// They return 1/0 in the operands' float type (convnet has no bool dtype), usable as masks.

function compare(name: string, op: BinaryOp) {
  return (x: TensorOrNumber, y: TensorOrNumber): Tensor => {
    if (x instanceof Tensor && y instanceof Tensor) return binaryRaw(name, op, x, y);
    return internalScope(() => {
      const a = x instanceof Tensor ? x : lift(x, y as Tensor);
      requireTensor(name, 'input', a);
      return binaryRaw(name, op, a, lift(y, a));
    });
  };
}

export const eq = compare('eq', 'eq');
export const ne = compare('ne', 'ne');
export const lt = compare('lt', 'lt');
export const le = compare('le', 'le');
export const gt = compare('gt', 'gt');
export const ge = compare('ge', 'ge');

export const logicalAnd = scoped((a: Tensor, b: Tensor): Tensor => binaryRaw('logicalAnd', 'mul', ne(a, 0), ne(b, 0)));

// ------------------------------------------------------------------------------------- clamp, where

/** clamp(x, min, max): gradient flows where min ≤ x ≤ max. */
export const clamp = scoped(function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
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
  return record('clamp', out, [x], (g) => [mul(g, mask!)], [mask!]);
});

/** where(cond, a, b): a where cond is non-zero, else b; broadcasts all three. */
export const where = scoped(function where(cond: Tensor, x: TensorOrNumber, y: TensorOrNumber): Tensor {
  requireTensor('where', 'condition', cond);
  const like = x instanceof Tensor ? x : y instanceof Tensor ? y : cond.dtype === 'int32' ? lift(0.5, cond) : cond;
  const a = lift(x, like), b = lift(y, like);
  let shape = broadcastShapes('where', cond.shape, a.shape);
  shape = broadcastShapes('where', shape, b.shape);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const bk = backend();
  // Expanded operands are temporaries of this scope (freed when it ends).
  const ex = (t: Tensor) => (sameShape(t.shape, shape) ? t.storage : wrap(bk.expand(t.storage, t.shape, shape), shape).storage);
  const out = wrap(bk.where(ex(cond), ex(cast(a, dtype)), ex(cast(b, dtype))), shape);
  return record('where', out, [cond, a, b], (g) => [
    null,
    a.requiresGrad ? sumTo(where(cond, g, 0), a.shape) : null,
    b.requiresGrad ? sumTo(where(cond, 0, g), b.shape) : null,
  ]);
});
