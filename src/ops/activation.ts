// ops/activation.ts — softmax, logSoftmax and leakyRelu as single fused ops with hand-written backward.
//
// Along `dim`, a tensor is viewed as [outer, n, inner]; every (outer, inner) pair is one row of n values.
//   softmax:    y = exp(x − max) / Σ exp(x − max)            dx = y ⊙ (g − Σ g⊙y)
//   logSoftmax: y = x − max − log Σ exp(x − max)             dx = g − exp(y) · Σ g
//   leakyRelu:  y = x > 0 ? x : slope·x                       dx = g · (x > 0 ? 1 : slope)
// Shifting by the row maximum keeps exp() from overflowing, so large logits give exact results, not NaN.
// A row whose maximum is −∞ (all −∞) gives NaN, as PyTorch does.

import { backend } from '../backend/backend.js';
import { noGrad, record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { normAxis, shapeStr } from '../tensor/shape.js';
import { bindArgs, type ParamSpec, type PyArgs } from '../tensor/signature.js';
import { checkDType, type DType } from '../tensor/dtype.js';
import { axisLayout, bindInput, cast, requireTensor, wrap } from './util.js';
import { oneOf } from './args.js';
import {
  add, clamp, div, erf, exp, expm1, gt, log1p, lt, minimum, mul, pow, rsub, sigmoid, square, tanh, where,
} from './elementwise.js';
import * as ew from './elementwise.js';
import { checkInPlaceLeaf, copy_, takeHistory } from './inplace.js';
import { reshape, toDtype } from './shape.js';

function floatInput(op: string, x: Tensor): Tensor {
  requireTensor(op, 'input', x);
  return x.dtype === 'int32' ? cast(x, 'float32') : x;
}

const softmaxLike = scoped(function softmaxLike(op: 'softmax' | 'logSoftmax', input: Tensor, dim: number): Tensor {
  const x = floatInput(op, input);
  if (dim === undefined || dim === null) {
    throw new Error(`${op}: dim is required (the dimension to normalise over, e.g. 1 for [N, C] logits)`);
  }
  const axis = normAxis(op, dim, x.ndim);
  const l = axisLayout(x.shape, axis);
  const log = op === 'logSoftmax';
  const out = wrap(backend().softmax(x.storage, l, log), x.shape);
  return record(op, out, [x], (g) => [wrap(backend().softmaxGrad(out.storage, g.storage, l, log), x.shape)]);
});

/**
 * exp(x) / Σ exp(x) along `dim`, computed stably. PyTorch: `torch.nn.functional.softmax`.
 * @example
 * ```ts
 * F.softmax(tensor([[1, 1]]), 1);  // tensor([[0.5000, 0.5000]])
 * ```
 */
export function softmax(x: Tensor, ...args: SoftmaxArgs): Tensor {
  return softmaxLike('softmax', ...softmaxDim('softmax', x, args));
}

/**
 * The arguments of {@link softmax} and {@link logSoftmax} after the input: `dim` by position or by name, and
 * an optional `dtype` to compute in (the input is converted first). PyTorch: `F.softmax(input, dim, dtype=)`.
 * @example
 * ```ts
 * F.softmax(x, { dim: 1, dtype: 'float64' });
 * ```
 */
export type SoftmaxArgs = PyArgs<[dim: number], { dim?: number; dtype?: DType }>;

/** Binds softmax's (dim, dtype); converts the input (differentiably) when a dtype is asked for. */
function softmaxDim(op: string, x: Tensor, args: readonly unknown[]): [Tensor, number] {
  const a = bindInput(op, x, args, [{ name: 'dim', kind: 'int' }], [{ name: 'dtype', kind: 'string' }]);
  if (a.dtype !== undefined) {
    checkDType(op, a.dtype as DType);
    x = toDtype(x, a.dtype as DType);
  }
  return [x, a.dim as number];
}

/**
 * x − log Σ exp(x) along `dim`, computed stably. PyTorch: `torch.nn.functional.log_softmax`.
 * @example
 * ```ts
 * F.logSoftmax(logits, 1);
 * ```
 */
export function logSoftmax(x: Tensor, ...args: SoftmaxArgs): Tensor {
  return softmaxLike('logSoftmax', ...softmaxDim('logSoftmax', x, args));
}

/** PyTorch's legacy rule for a softmax without dim: 0 for 0-, 1- and 3-D inputs, else 1. */
export function legacySoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/**
 * x where x > 0, `negativeSlope`·x elsewhere (default slope 0.01). PyTorch: `torch.nn.functional.leaky_relu`.
 * @example
 * ```ts
 * F.leakyRelu(tensor([-1, 2]), 0.1);  // tensor([-0.1000,  2.0000])
 * ```
 */
export function leakyRelu(input: Tensor, ...args: PyArgs<[negativeSlope: number, inplace: boolean], { negativeSlope?: number; inplace?: boolean }>): Tensor {
  const a = bindInput('leakyRelu', input, args, [{ name: 'negativeSlope' }, { name: 'inplace', kind: 'bool' }]);
  const negativeSlope = (a.negativeSlope as number | undefined) ?? 0.01;
  const x = floatInput('leakyRelu', input);
  if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
    throw new Error(`leakyRelu: negativeSlope must be a finite number, got ${JSON.stringify(negativeSlope)}`);
  }
  return maybeInplace('leakyRelu', x, (a.inplace as boolean | undefined) ?? false, (v) => leakyReluOp(v, negativeSlope));
}

const leakyReluOp = scoped((x: Tensor, negativeSlope: number): Tensor => {
  const out = wrap(backend().leakyRelu(x.storage, negativeSlope), x.shape);
  return record('leakyRelu', out, [x], (g) => [wrap(backend().leakyReluGrad(g.storage, x.storage, negativeSlope), x.shape)]);
});

// ------------------------------------------------------------------- elu, gelu, silu, mish, hardswish,
// softplus, prelu (issue 14). Each is one autograd node whose forward and backward are composed of the
// elementwise ops (so every backend runs them on its own kernels); the derivative is written out:
//   elu:       y = x > 0 ? x : α·(eˣ − 1)                 dy/dx = x > 0 ? 1 : y + α
//   gelu:      y = x·Φ(x) = ½x·(1 + erf(x/√2))           dy/dx = Φ(x) + x·e^(−x²/2)/√(2π)
//   gelu tanh: y = ½x·(1 + tanh u), u = √(2/π)·(x + 0.044715x³)
//                                                         dy/dx = ½(1 + tanh u) + ½x·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715x²)
//   silu:      y = x·σ(x)                                 dy/dx = σ(x)·(1 + x·(1 − σ(x)))
//   mish:      y = x·tanh(softplus(x))                    dy/dx = t + x·(1 − t²)·σ(x), t = tanh(softplus(x))
//   hardswish: y = x·relu6(x + 3)/6                       dy/dx = x < −3 ? 0 : x < 3 ? x/3 + ½ : 1  (PyTorch's edges)
//   softplus:  y = βx > threshold ? x : log(1 + e^(βx))/β  dy/dx = βx > threshold ? 1 : σ(βx)
// A branch that where() leaves out is computed on clamped values, so nothing overflows into NaN.
// prelu composes where() and mul, which are differentiable themselves (weight gets its gradient).

/** Runs `forward` with autograd off and records one node `name` over `inputs` whose backward is `backward`. */
function composite(name: string, inputs: Tensor[], forward: () => Tensor, backward: (g: Tensor, out: Tensor) => (Tensor | null)[]): Tensor {
  const out = noGrad(forward);
  return record(name, out, inputs, (g) => backward(g, out));
}

/** PyTorch's `inplace=True` of an activation or dropout: the result is written into x and x returned.
 *  Where autograd tracks x, the write is recorded as PyTorch records `relu_` (takeHistory): x's gradFn
 *  becomes the op's node (ReluBackward0, …), and the op's backward reads a copy of x's values from before
 *  the write, so every activation's derivative is exact. A leaf that requires grad is refused, with
 *  PyTorch's error. */
export function maybeInplace(op: string, x: Tensor, inplace: boolean, fn: (x: Tensor) => Tensor): Tensor {
  if (!inplace) return fn(x);
  if (!checkInPlaceLeaf(op, x)) return copy_(x, fn(x));
  takeHistory(x, true, (prev) => toDtype(fn(prev), x.dtype));
  return x;
}

const INPLACE: ParamSpec = { name: 'inplace', kind: 'bool' };

/**
 * The exponential linear unit: x where x > 0, α·(eˣ − 1) elsewhere (α defaults to 1).
 * PyTorch: `torch.nn.functional.elu(input, alpha=1.0, inplace=False)`.
 * @example
 * ```ts
 * F.elu(tensor([-1, 2]));  // tensor([-0.6321,  2.0000])
 * ```
 */
export function elu(input: Tensor, ...args: PyArgs<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>): Tensor {
  const a = bindArgs('elu', args, { positional: [{ name: 'alpha', kind: 'number' }, INPLACE] });
  const alpha = (a.alpha as number | undefined) ?? 1;
  return maybeInplace('elu', floatInput('elu', input), (a.inplace as boolean | undefined) ?? false, (x) => eluOp(x, alpha));
}

const eluOp = scoped((x: Tensor, alpha: number): Tensor => composite('elu', [x],
  () => where(gt(x, 0), x, mul(expm1(minimum(x, 0)), alpha)),
  (g, out) => [where(gt(x, 0), g, mul(g, add(out, alpha)))]));

const GELU_APPROX = ['none', 'tanh'] as const;

/**
 * The Gaussian error linear unit x·Φ(x), Φ the standard normal CDF (exact, through erf), or with
 * `approximate: 'tanh'` its tanh approximation. PyTorch: `torch.nn.functional.gelu(input, *, approximate='none')`.
 * @example
 * ```ts
 * F.gelu(tensor([-1, 0, 1]));                          // tensor([-0.1587,  0.0000,  0.8413])
 * F.gelu(tensor([1]), { approximate: 'tanh' });       // tensor([0.8412])
 * ```
 */
export function gelu(input: Tensor, ...args: PyArgs<[], { approximate?: 'none' | 'tanh' }>): Tensor {
  const a = bindArgs('gelu', args, { positional: [], keywordOnly: [{ name: 'approximate', kind: 'string' }] });
  const approximate = oneOf('gelu', 'approximate', a.approximate, GELU_APPROX, 'none');
  return geluOp(floatInput('gelu', input), approximate);
}

const geluOp = scoped((x: Tensor, approximate: 'none' | 'tanh'): Tensor => {
  if (approximate === 'none') {
    return composite('gelu', [x],
      () => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1)),
      (g) => [mul(g, add(mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5), mul(x, mul(exp(mul(square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI)))))]);
  }
  const k = Math.sqrt(2 / Math.PI), c = 0.044715;
  const th = () => tanh(mul(add(x, mul(pow(x, 3), c)), k));
  return composite('gelu', [x],
    () => mul(mul(x, 0.5), add(th(), 1)),
    (g) => {
      const t = th();
      const left = mul(add(t, 1), 0.5);
      const right = mul(mul(mul(x, 0.5), rsub(1, square(t))), mul(add(mul(square(x), 3 * c), 1), k));
      return [mul(g, add(left, right))];
    });
});

/**
 * The sigmoid linear unit (swish) x·σ(x). PyTorch: `torch.nn.functional.silu(input, inplace=False)`.
 * @example
 * ```ts
 * F.silu(tensor([0, 1]));  // tensor([0.0000, 0.7311])
 * ```
 */
export function silu(input: Tensor, ...args: PyArgs<[inplace: boolean], { inplace?: boolean }>): Tensor {
  const a = bindArgs('silu', args, { positional: [INPLACE] });
  return maybeInplace('silu', floatInput('silu', input), (a.inplace as boolean | undefined) ?? false, siluOp);
}

const siluOp = scoped((x: Tensor): Tensor => composite('silu', [x],
  () => mul(x, sigmoid(x)),
  (g) => {
    const s = sigmoid(x);
    return [mul(g, mul(s, add(mul(x, rsub(1, s)), 1)))];
  }));

/**
 * Mish, x·tanh(softplus(x)). PyTorch: `torch.nn.functional.mish(input, inplace=False)`.
 * @example
 * ```ts
 * F.mish(tensor([0, 1]));  // tensor([0.0000, 0.8651])
 * ```
 */
export function mish(input: Tensor, ...args: PyArgs<[inplace: boolean], { inplace?: boolean }>): Tensor {
  const a = bindArgs('mish', args, { positional: [INPLACE] });
  return maybeInplace('mish', floatInput('mish', input), (a.inplace as boolean | undefined) ?? false, mishOp);
}

/** softplus with β = 1 and PyTorch's threshold 20, no autograd (a part of mish and softplus). */
function softplusRaw(x: Tensor, beta: number, threshold: number): Tensor {
  const z = mul(x, beta);
  return where(gt(z, threshold), x, div(log1p(exp(minimum(z, threshold))), beta));
}

const mishOp = scoped((x: Tensor): Tensor => composite('mish', [x],
  () => mul(x, tanh(softplusRaw(x, 1, 20))),
  (g) => {
    const t = tanh(softplusRaw(x, 1, 20));
    return [mul(g, add(t, mul(mul(x, rsub(1, square(t))), sigmoid(x))))];
  }));

/**
 * The hard swish x·relu6(x + 3)/6 (MobileNetV3). PyTorch: `torch.nn.functional.hardswish(input, inplace=False)`.
 * @example
 * ```ts
 * F.hardswish(tensor([-4, 1, 4]));  // tensor([-0.0000,  0.6667,  4.0000])
 * ```
 */
export function hardswish(input: Tensor, ...args: PyArgs<[inplace: boolean], { inplace?: boolean }>): Tensor {
  const a = bindArgs('hardswish', args, { positional: [INPLACE] });
  return maybeInplace('hardswish', floatInput('hardswish', input), (a.inplace as boolean | undefined) ?? false, hardswishOp);
}

const hardswishOp = scoped((x: Tensor): Tensor => composite('hardswish', [x],
  () => div(mul(x, clamp(add(x, 3), 0, 6)), 6),
  (g) => [mul(g, where(lt(x, -3), 0, where(lt(x, 3), add(div(x, 3), 0.5), 1)))]));

/**
 * log(1 + e^(βx))/β, a smooth ReLU; where βx > `threshold` it is x itself (default β 1, threshold 20).
 * PyTorch: `torch.nn.functional.softplus(input, beta=1, threshold=20)`.
 * @example
 * ```ts
 * F.softplus(tensor([0]));         // tensor([0.6931])
 * F.softplus(tensor([0]), 2, 5);  // tensor([0.3466])
 * ```
 */
export function softplus(input: Tensor, ...args: PyArgs<[beta: number, threshold: number], { beta?: number; threshold?: number }>): Tensor {
  const a = bindArgs('softplus', args, { positional: [{ name: 'beta', kind: 'number' }, { name: 'threshold', kind: 'number' }] });
  const beta = (a.beta as number | undefined) ?? 1, threshold = (a.threshold as number | undefined) ?? 20;
  if (beta === 0 || !Number.isFinite(beta)) throw new Error(`softplus: beta must be a finite non-zero number, got ${beta}`);
  return softplusOp(floatInput('softplus', input), beta, threshold);
}

const softplusOp = scoped((x: Tensor, beta: number, threshold: number): Tensor => composite('softplus', [x],
  () => softplusRaw(x, beta, threshold),
  (g) => {
    const z = mul(x, beta);
    return [where(gt(z, threshold), g, mul(g, sigmoid(minimum(z, threshold))))];
  }));

/**
 * The parametric ReLU: x where x > 0, a·x elsewhere, with `weight` a learnable slope: one value, or one per
 * channel (dim 1 of the input; an input of fewer than 2 dims has one channel). Differentiable in both.
 * PyTorch: `torch.nn.functional.prelu(input, weight)`.
 * @example
 * ```ts
 * F.prelu(tensor([-2, 3]), tensor([0.25]));  // tensor([-0.5000,  3.0000])
 * ```
 */
export const prelu = scoped(function prelu(input: Tensor, ...args: PyArgs<[weight: Tensor], { weight?: Tensor }>): Tensor {
  const a = bindArgs('prelu', args, { positional: [{ name: 'weight', kind: 'tensor', required: true }] });
  const x = floatInput('prelu', input);
  const w = a.weight as Tensor;
  const n = w.numel();
  const channels = x.ndim >= 2 ? x.shape[1] : 1;
  if (w.ndim > 1 || (n !== 1 && n !== channels)) {
    throw new Error(`prelu: weight must have 1 value or one per channel (dim 1 of the input ${shapeStr(x.shape)}: ${channels}), ` +
      `got shape ${shapeStr(w.shape)}`);
  }
  const wb = n === 1 ? reshape(w, []) : reshape(w, [n, ...new Array<number>(Math.max(0, x.ndim - 2)).fill(1)]);
  return where(gt(x, 0), x, mul(wb, x));
});
/**
 * max(x, 0) elementwise, with PyTorch's `inplace` argument (see maybeInplace). PyTorch:
 * `torch.nn.functional.relu`.
 * @example
 * ```ts
 * F.relu(tensor([-1, 2]));  // tensor([0., 2.])
 * ```
 */
export function relu(input: Tensor, ...args: PyArgs<[inplace: boolean], { inplace?: boolean }>): Tensor {
  const inplace = args.length ? bindInput('relu', input, args, [{ name: 'inplace', kind: 'bool' }]).inplace as boolean | undefined : false;
  return maybeInplace('relu', input, inplace ?? false, ew.relu);
}
