// ops/activation.ts — softmax, logSoftmax and leakyRelu as single fused ops with hand-written backward.
//
// Along `dim`, a tensor is viewed as [outer, n, inner]; every (outer, inner) pair is one row of n values.
//   softmax:    y = exp(x − max) / Σ exp(x − max)            dx = y ⊙ (g − Σ g⊙y)
//   logSoftmax: y = x − max − log Σ exp(x − max)             dx = g − exp(y) · Σ g
//   leakyRelu:  y = x > 0 ? x : slope·x                       dx = g · (x > 0 ? 1 : slope)
// Shifting by the row maximum keeps exp() from overflowing, so large logits give exact results, not NaN.
// A row whose maximum is −∞ (all −∞) gives NaN, as PyTorch does.

import { backend, type AxisLayout } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { normAxis, splitAt } from '../tensor/shape.js';
import { bindInput, cast, requireTensor, wrap } from './util.js';
import { checkDType, type DType } from '../tensor/dtype.js';
import type { PyArgs } from '../tensor/signature.js';
import { toDtype } from './shape.js';
import * as ew from './elementwise.js';

/** PyTorch's `inplace=True` of an activation or dropout: convnet computes out of place, so it is refused
 *  loudly (the result would otherwise be silently not written into the input). */
export function noInplace(op: string, inplace: unknown): void {
  if (inplace === true) throw new Error(`${op}: inplace=true is not supported; use the returned tensor (x = F.${op}(x, …))`);
}

/** [outer, n, inner] around one axis (n = 1 for a 0-d tensor). */
export function axisLayout(shape: readonly number[], axis: number): AxisLayout {
  const [outer, n, inner] = splitAt(shape, axis, axis);
  return { outer, n, inner };
}

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
export const leakyRelu = scoped(function leakyRelu(input: Tensor, ...args: PyArgs<[negativeSlope: number, inplace: boolean], { negativeSlope?: number; inplace?: boolean }>): Tensor {
  const a = bindInput('leakyRelu', input, args, [{ name: 'negativeSlope' }, { name: 'inplace', kind: 'bool' }]);
  noInplace('leakyRelu', a.inplace);
  const negativeSlope = (a.negativeSlope as number | undefined) ?? 0.01;
  const x = floatInput('leakyRelu', input);
  if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
    throw new Error(`leakyRelu: negativeSlope must be a finite number, got ${JSON.stringify(negativeSlope)}`);
  }
  const out = wrap(backend().leakyRelu(x.storage, negativeSlope), x.shape);
  return record('leakyRelu', out, [x], (g) => [wrap(backend().leakyReluGrad(g.storage, x.storage, negativeSlope), x.shape)]);
});

/**
 * max(x, 0) elementwise, with PyTorch's `inplace` argument (only false: convnet's activations return a new
 * tensor). PyTorch: `torch.nn.functional.relu`.
 * @example
 * ```ts
 * F.relu(tensor([-1, 2]));  // tensor([0., 2.])
 * ```
 */
export function relu(input: Tensor, ...args: PyArgs<[inplace: boolean], { inplace?: boolean }>): Tensor {
  if (args.length) noInplace('relu', bindInput('relu', input, args, [{ name: 'inplace', kind: 'bool' }]).inplace);
  return ew.relu(input);
}
