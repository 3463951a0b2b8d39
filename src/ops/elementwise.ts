// ops/elementwise.ts — unary maps and broadcasting binary arithmetic, each forward with its backward.
// Gradients of broadcast operands are summed back to the operand's shape (sumTo).

import { backend, type BinaryOp, type UnaryOp } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { internalScope, scoped } from '../tensor/lifetime.js';
import { promoteTypes } from '../tensor/dtype.js';
import { broadcastShapes, sameShape } from '../tensor/shape.js';
import { bindInput, checkAllocation, cast, lift, requireTensor, wrap, type TensorOrNumber } from './util.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
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
  return (x: Tensor, ...extra: never[]): Tensor => {
    requireTensor(name, 'input', x);
    if (extra.length) bindInput(name, x, extra, []); // takes only the input: an extra argument throws, naming it
    const out = unaryRaw(op, x);
    return record(name, out, [x], (g) => [grad(x, out, g)]);
  };
}

/**
 * Negates every element: −x. PyTorch: `torch.neg`.
 * @example
 * ```ts
 * neg(tensor([1, -2]));  // tensor([-1., 2.])
 * ```
 */
export const neg = unaryOp('neg', 'neg', (_x, _o, g) => neg(g));
/**
 * e raised to each element. PyTorch: `torch.exp`.
 * @example
 * ```ts
 * exp(tensor([0, 1]));  // tensor([1.0000, 2.7183])
 * ```
 */
export const exp = unaryOp('exp', 'exp', (_x, out, g) => mul(g, out));
/**
 * Natural logarithm of each element. PyTorch: `torch.log`.
 * @example
 * ```ts
 * log(tensor([1, Math.E]));  // tensor([0., 1.])
 * ```
 */
export const log = unaryOp('log', 'log', (x, _o, g) => div(g, x));
/**
 * Square root of each element. PyTorch: `torch.sqrt`.
 * @example
 * ```ts
 * sqrt(tensor([4, 9]));  // tensor([2., 3.])
 * ```
 */
export const sqrt = unaryOp('sqrt', 'sqrt', (_x, out, g) => div(g, mul(out, 2)));
/**
 * Absolute value of each element (the gradient is sign(x)). PyTorch: `torch.abs`.
 * @example
 * ```ts
 * abs(tensor([-1, 2]));  // tensor([1., 2.])
 * ```
 */
export const abs = unaryOp('abs', 'abs', (x, _o, g) => mul(g, sign(x)));
/**
 * max(x, 0) elementwise: the rectified linear unit. PyTorch: `torch.relu`.
 * @example
 * ```ts
 * relu(tensor([-1, 2]));  // tensor([0., 2.])
 * ```
 */
export const relu = unaryOp('relu', 'relu', (x, _o, g) => binaryRaw('relu', 'reluGrad', g, x));
/**
 * log(1 + x), accurate for small x. PyTorch: `torch.log1p`.
 * @example
 * ```ts
 * log1p(tensor([1e-8]));  // tensor([1.0000e-08])
 * ```
 */
export const log1p = unaryOp('log1p', 'log1p', (x, _o, g) => div(g, add(x, 1)));
/**
 * e^x − 1, accurate for small x. PyTorch: `torch.expm1`.
 * @example
 * ```ts
 * expm1(tensor([1e-8]));  // tensor([1.0000e-08])
 * ```
 */
export const expm1 = unaryOp('expm1', 'expm1', (_x, out, g) => mul(g, add(out, 1)));
/**
 * The logistic function 1 / (1 + e^−x) elementwise. PyTorch: `torch.sigmoid`.
 * @example
 * ```ts
 * sigmoid(tensor([0]));  // tensor([0.5000])
 * ```
 */
export const sigmoid = unaryOp('sigmoid', 'sigmoid', (_x, out, g) => mul(g, mul(out, rsub(1, out))));
/**
 * Hyperbolic tangent elementwise. PyTorch: `torch.tanh`.
 * @example
 * ```ts
 * tanh(tensor([0]));  // tensor([0.])
 * ```
 */
export const tanh = unaryOp('tanh', 'tanh', (_x, out, g) => mul(g, rsub(1, mul(out, out))));
/**
 * Sine of each element (radians). PyTorch: `torch.sin`.
 * @example
 * ```ts
 * sin(tensor([Math.PI / 2]));  // tensor([1.])
 * ```
 */
export const sin = unaryOp('sin', 'sin', (x, _o, g) => mul(g, cos(x)));
/**
 * Cosine of each element (radians). PyTorch: `torch.cos`.
 * @example
 * ```ts
 * cos(tensor([0]));  // tensor([1.])
 * ```
 */
export const cos = unaryOp('cos', 'cos', (x, _o, g) => neg(mul(g, sin(x))));
/**
 * Each element squared. PyTorch: `torch.square`.
 * @example
 * ```ts
 * square(tensor([2, -3]));  // tensor([4., 9.])
 * ```
 */
export const square = unaryOp('square', 'square', (x, _o, g) => mul(g, mul(x, 2)));
/**
 * 1 / x elementwise. PyTorch: `torch.reciprocal`.
 * @example
 * ```ts
 * reciprocal(tensor([2, 4]));  // tensor([0.5000, 0.2500])
 * ```
 */
export const reciprocal = unaryOp('reciprocal', 'reciprocal', (_x, out, g) => neg(mul(g, mul(out, out))));
/**
 * The error function 2/√π ∫₀ˣ e^(−t²) dt, elementwise; its gradient is 2/√π · e^(−x²). PyTorch: `torch.erf`.
 * @example
 * ```ts
 * erf(tensor([0, 1]));  // tensor([0.0000, 0.8427])
 * ```
 */
export const erf = unaryOp('erf', 'erf', (x, _o, g) => mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));

/** Piecewise-constant maps: zero gradient, recorded so that chains through them still flow. */
const zeroGrad = (x: Tensor) => mul(x, 0);
/**
 * −1, 0 or 1 by the sign of each element; its gradient is zero. PyTorch: `torch.sign`.
 * @example
 * ```ts
 * sign(tensor([-3, 0, 2]));  // tensor([-1., 0., 1.])
 * ```
 */
export const sign = unaryOp('sign', 'sign', (_x, _o, g) => zeroGrad(g));
/**
 * Rounds each element down to an integer value; its gradient is zero. PyTorch: `torch.floor`.
 * @example
 * ```ts
 * floor(tensor([1.5, -1.5]));  // tensor([ 1., -2.])
 * ```
 */
export const floor = unaryOp('floor', 'floor', (_x, _o, g) => zeroGrad(g));
/**
 * Rounds each element up to an integer value; its gradient is zero. PyTorch: `torch.ceil`.
 * @example
 * ```ts
 * ceil(tensor([1.5, -1.5]));  // tensor([ 2., -1.])
 * ```
 */
export const ceil = unaryOp('ceil', 'ceil', (_x, _o, g) => zeroGrad(g));
/**
 * Rounds each element to the nearest integer value; its gradient is zero. PyTorch: `torch.round`.
 * @example
 * ```ts
 * round(tensor([0.4, 2.6]));  // tensor([0., 3.])
 * ```
 */
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

/** The binary ops by name, for add/sub's alpha (filled as they are defined). */
const binaryOps: Record<string, (x: TensorOrNumber, y: TensorOrNumber) => Tensor> = {};

function binaryOp(name: string, op: BinaryOp, grad: (a: Tensor, b: Tensor, out: Tensor, g: Tensor) => [Tensor | null, Tensor | null]) {
  const run = (a: Tensor, b: Tensor): Tensor => {
    const out = binaryRaw(name, op, a, b);
    return record(name, out, [a, b], (g) => {
      const [ga, gb] = grad(a, b, out, g);
      return [ga && a.requiresGrad ? sumTo(ga, a.shape) : null, gb && b.requiresGrad ? sumTo(gb, b.shape) : null];
    });
  };
  const withAlpha = name === 'add' || name === 'sub';
  return (x: TensorOrNumber, y: TensorOrNumber, ...extra: [opts?: { alpha?: number }]): Tensor => {
    if (extra.length) {
      // PyTorch's keyword-only alpha of add/sub (x + alpha·y); any other extra argument throws, naming it.
      const a = bindArgs(name, [x, y, ...extra], { positional: ['input', 'other'], keywordOnly: withAlpha ? [{ name: 'alpha', kind: 'number' }] : [] });
      const alpha = a.alpha as number | undefined;
      if (alpha !== undefined && alpha !== 1) return internalScope(() => (y instanceof Tensor ? binaryOps[name](x, mul(y, alpha)) : binaryOps[name](x, y * alpha)));
    }
    if (x instanceof Tensor && y instanceof Tensor) return run(x, y);
    if (!(x instanceof Tensor) && !(y instanceof Tensor)) requireTensor(name, 'input', x);
    // A number becomes a 0-d tensor only this op (and its node) holds: freed with them.
    return internalScope(() => {
      const a = x instanceof Tensor ? x : lift(x, y as Tensor);
      return run(a, lift(y, a));
    });
  };
}

/**
 * Elementwise a + b, broadcasting; either side may be a number. PyTorch: `torch.add`.
 * @example
 * ```ts
 * add(tensor([1, 2]), 10);  // tensor([11., 12.])
 * add(x, y, { alpha: 2 });  // x + 2·y
 * ```
 */
export const add = binaryOp('add', 'add', (_a, _b, _o, g) => [g, g]);
binaryOps.add = add;
/**
 * Elementwise a − b, broadcasting. PyTorch: `torch.sub`.
 * @example
 * ```ts
 * sub(tensor([5, 7]), tensor([1, 2]));  // tensor([4., 5.])
 * ```
 */
export const sub = binaryOp('sub', 'sub', (_a, _b, _o, g) => [g, neg(g)]);
binaryOps.sub = sub;
/**
 * Elementwise a · b, broadcasting. PyTorch: `torch.mul`.
 * @example
 * ```ts
 * mul(tensor([[1], [2]]), tensor([1, 10]));  // tensor([[ 1., 10.], [ 2., 20.]])
 * ```
 */
// (Each side's gradient only when that side needs one: a backward reads only what PyTorch's saves, so a
// tensor written in place since, whose values that gradient does not need, raises no version error.)
export const mul = binaryOp('mul', 'mul', (a, b, _o, g) => [a.requiresGrad ? mul(g, b) : null, b.requiresGrad ? mul(g, a) : null]);
/**
 * Elementwise a / b, broadcasting (int32 operands give a float result). PyTorch: `torch.div`.
 * @example
 * ```ts
 * div(tensor([1, 2]), 4);  // tensor([0.2500, 0.5000])
 * ```
 */
export const div = binaryOp('div', 'div', (a, b, _o, g) => [a.requiresGrad ? div(g, b) : null, b.requiresGrad ? neg(div(mul(g, a), mul(b, b))) : null]);
/**
 * Elementwise a raised to b, broadcasting. PyTorch: `torch.pow`.
 * @example
 * ```ts
 * pow(tensor([1, 2, 3]), 2);  // tensor([1., 4., 9.])
 * ```
 */
export const pow = binaryOp('pow', 'pow', (a, b, out, g) => [
  mul(g, mul(b, pow(a, sub(b, 1)))),
  // d/db aᵇ = aᵇ·ln a; PyTorch defines it as 0 where a = 0 and b ≥ 0 (the limit), not NaN.
  b.requiresGrad ? mul(g, where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(out, log(a)))) : null,
]);
/**
 * Elementwise larger of a and b, broadcasting; where both are equal the gradient is split evenly between them. PyTorch: `torch.maximum`.
 * @example
 * ```ts
 * maximum(tensor([1, 5]), tensor([3, 2]));  // tensor([3., 5.])
 * ```
 */
export const maximum = binaryOp('maximum', 'maximum', (a, b, _o, g) => {
  const half = mul(eq(a, b), 0.5);
  return [mul(g, add(gt(a, b), half)), mul(g, add(lt(a, b), half))];
});
/**
 * Elementwise smaller of a and b, broadcasting; where both are equal the gradient is split evenly between them. PyTorch: `torch.minimum`.
 * @example
 * ```ts
 * minimum(tensor([1, 5]), tensor([3, 2]));  // tensor([1., 2.])
 * ```
 */
export const minimum = binaryOp('minimum', 'minimum', (a, b, _o, g) => {
  const half = mul(eq(a, b), 0.5);
  return [mul(g, add(lt(a, b), half)), mul(g, add(gt(a, b), half))];
});
/**
 * atan2(y, x): the angle of the point (x, y) in radians, elementwise and broadcasting. PyTorch: `torch.atan2`.
 * @example
 * ```ts
 * atan2(tensor([1]), tensor([0]));  // tensor([1.5708])
 * ```
 */
export const atan2 = binaryOp('atan2', 'atan2', (y, x, _o, g) => {
  const r2 = add(mul(x, x), mul(y, y));
  return [mul(g, div(x, r2)), mul(g, div(neg(y), r2))];
});
/**
 * √(a² + b²) elementwise, without overflow in the squares. PyTorch: `torch.hypot`.
 * @example
 * ```ts
 * hypot(tensor([3]), tensor([4]));  // tensor([5.])
 * ```
 */
export const hypot = binaryOp('hypot', 'hypot', (a, b, out, g) => [mul(g, div(a, out)), mul(g, div(b, out))]);

/** r − x with the number first (1 − sigmoid, 1 − tanh²). */
export function rsub(r: number, x: Tensor): Tensor {
  return sub(lift(r, x), x);
}

// ------------------------------------------------------------------------------ comparisons (no grad)
// They return 1/0 in the operands' float type (convnet has no bool dtype), usable as masks.

function compare(name: string, op: BinaryOp) {
  return (x: TensorOrNumber, y: TensorOrNumber, ...extra: never[]): Tensor => {
    if (extra.length) bindArgs(name, [x, y, ...extra], { positional: ['input', 'other'] }); // an extra argument throws, naming it
    if (x instanceof Tensor && y instanceof Tensor) return binaryRaw(name, op, x, y);
    return internalScope(() => {
      const a = x instanceof Tensor ? x : lift(x, y as Tensor);
      requireTensor(name, 'input', a);
      return binaryRaw(name, op, a, lift(y, a));
    });
  };
}

/**
 * Elementwise `a == b`, broadcasting: 1 where it holds and 0 elsewhere, in the operands' float type (convnet has no bool dtype); not differentiable. PyTorch: `torch.eq`.
 * @example
 * ```ts
 * eq(tensor([1, 2, 3]), 2);
 * ```
 */
export const eq = compare('eq', 'eq');
/**
 * Elementwise `a != b`, broadcasting: 1 where it holds and 0 elsewhere, in the operands' float type (convnet has no bool dtype); not differentiable. PyTorch: `torch.ne`.
 * @example
 * ```ts
 * ne(tensor([1, 2, 3]), 2);
 * ```
 */
export const ne = compare('ne', 'ne');
/**
 * Elementwise `a < b`, broadcasting: 1 where it holds and 0 elsewhere, in the operands' float type (convnet has no bool dtype); not differentiable. PyTorch: `torch.lt`.
 * @example
 * ```ts
 * lt(tensor([1, 2, 3]), 2);
 * ```
 */
export const lt = compare('lt', 'lt');
/**
 * Elementwise `a <= b`, broadcasting: 1 where it holds and 0 elsewhere, in the operands' float type (convnet has no bool dtype); not differentiable. PyTorch: `torch.le`.
 * @example
 * ```ts
 * le(tensor([1, 2, 3]), 2);
 * ```
 */
export const le = compare('le', 'le');
/**
 * Elementwise `a > b`, broadcasting: 1 where it holds and 0 elsewhere, in the operands' float type (convnet has no bool dtype); not differentiable. PyTorch: `torch.gt`.
 * @example
 * ```ts
 * gt(tensor([1, 2, 3]), 2);
 * ```
 */
export const gt = compare('gt', 'gt');
/**
 * Elementwise `a >= b`, broadcasting: 1 where it holds and 0 elsewhere, in the operands' float type (convnet has no bool dtype); not differentiable. PyTorch: `torch.ge`.
 * @example
 * ```ts
 * ge(tensor([1, 2, 3]), 2);
 * ```
 */
export const ge = compare('ge', 'ge');

export const logicalAnd = scoped((a: Tensor, b: Tensor): Tensor => binaryRaw('logicalAnd', 'mul', ne(a, 0), ne(b, 0)));

// ------------------------------------------------------------------------------------- clamp, where

/**
 * The arguments of {@link clamp} after the input: `(min, max)` by position (null leaves a side open), or
 * `{ min, max }` by name. PyTorch: the `min` and `max` arguments of `torch.clamp`.
 * @example
 * ```ts
 * const args: ClampArgs = [0, { max: 1 }];
 * ```
 */
export type ClampArgs = PyArgs<[min: TensorOrNumber | null | undefined, max: TensorOrNumber | null | undefined], { min?: TensorOrNumber | null; max?: TensorOrNumber | null }>;

/**
 * Limits every element to [min, max] (null or undefined leaves a side open); the gradient flows where
 * min ≤ x ≤ max. PyTorch: `torch.clamp`.
 * @example
 * ```ts
 * clamp(tensor([-2, 0.5, 3]), 0, 1);  // tensor([0.0000, 0.5000, 1.0000])
 * ```
 */
export const clamp = scoped(function clamp(x: Tensor, ...args: ClampArgs): Tensor {
  const bound = { test: (v: unknown) => v === null || v instanceof Tensor || (typeof v === 'number' && !Number.isNaN(v)), what: 'a number, a Tensor or null' };
  const a = bindInput('clamp', x, args, [{ name: 'min', kind: bound }, { name: 'max', kind: bound }]);
  const min = a.min as TensorOrNumber | null | undefined, max = a.max as TensorOrNumber | null | undefined;
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

/**
 * `where(cond, a, b)`: a where cond is non-zero, b elsewhere; broadcasts all three, and a or b may be
 * numbers. PyTorch: `torch.where`.
 * @example
 * ```ts
 * where(x.gt(0), x, 0);  // relu by hand
 * ```
 */
export const where = scoped(function where(...args: PyArgs<[condition: Tensor, input: TensorOrNumber, other: TensorOrNumber],
  { condition?: Tensor; input?: TensorOrNumber; other?: TensorOrNumber }>): Tensor {
  const w = bindArgs('where', args, { positional: [{ name: 'condition', kind: 'tensor', required: true },
    { name: 'input', kind: 'tensorOrNumber', required: true }, { name: 'other', kind: 'tensorOrNumber', required: true }] });
  const cond = w.condition as Tensor, x = w.input as TensorOrNumber, y = w.other as TensorOrNumber;
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
