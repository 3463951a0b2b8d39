// nn/utils.ts — gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_. Both work on the
// parameters' .grad in place, under noGrad, with backend ops (nothing is read back to JavaScript unless
// errorIfNonfinite asks for the norm's value):
//   clipGradNorm_:  total = ‖(‖g₁‖ₚ, ‖g₂‖ₚ, …)‖ₚ  (p = ∞: the largest |gᵢ|);  every g *= min(1, maxNorm / (total + 1e-6))
//   clipGradValue_: every g = clamp(g, −clipValue, clipValue)
// Parameters without a gradient are skipped.

/**
 * `nn.utils`: gradient clipping. PyTorch: `torch.nn.utils`.
 * @example
 * ```ts
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 * ```
 * @module
 */

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { internalScope } from '../tensor/lifetime.js';
import { bindArgs, describeValue, type PyArgs } from '../tensor/signature.js';
import { noGrad } from '../autograd/tape.js';
import { abs, add, clamp, div, pow, sqrt, square } from '../ops/elementwise.js';
import { amax, sum } from '../ops/reduce.js';
import { stack } from '../ops/shape.js';
import { copy_, mul_ } from '../ops/inplace.js';
import { syncValue } from '../ops/util.js';

function gradsOf(op: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  if (parameters instanceof Tensor) parameters = [parameters];
  if (parameters === null || typeof parameters !== 'object' || typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
    throw new Error(`${op}: parameters must be a Tensor or an iterable of Tensors (e.g. model.parameters()), got ${describeValue(parameters)}`);
  }
  const out: Tensor[] = [];
  let i = 0;
  for (const p of parameters) {
    if (!(p instanceof Tensor)) throw new Error(`${op}: parameters[${i}] must be a Tensor, got ${describeValue(p)}`);
    if (p.grad) out.push(p.grad);
    i++;
  }
  return out;
}

function pNorm(g: Tensor, p: number): Tensor {
  if (p === Infinity) return amax(abs(g));
  if (p === 2) return sqrt(sum(square(g)));
  if (p === 1) return sum(abs(g));
  return pow(sum(pow(abs(g), p)), 1 / p);
}

/**
 * Scales the gradients of `parameters` in place so that their total `normType`-norm (over all of them, as
 * if concatenated; default 2, `Infinity` for the largest magnitude) is at most `maxNorm`; returns the total
 * norm before clipping, as a 0-d tensor. `errorIfNonfinite` throws when that norm is NaN or infinite.
 * PyTorch: `torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False)`.
 * @example
 * ```ts
 * const total = nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * nn.utils.clipGradNorm_(model.parameters(), 0.5, Infinity);
 * ```
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, ...args: PyArgs<[maxNorm: number, normType: number, errorIfNonfinite: boolean],
  { maxNorm?: number; normType?: number; errorIfNonfinite?: boolean }>): Tensor {
  const op = 'clipGradNorm_';
  const a = bindArgs(op, args, {
    positional: [{ name: 'maxNorm', kind: 'number', required: true }, { name: 'normType', kind: 'number' }, { name: 'errorIfNonfinite', kind: 'bool' }],
  });
  const maxNorm = a.maxNorm as number, normType = (a.normType as number | undefined) ?? 2;
  if (!(normType > 0)) throw new Error(`${op}: normType must be a positive number or Infinity, got ${normType}`);
  const grads = gradsOf(op, parameters);
  if (grads.length === 0) return tensor(0);
  return noGrad(() => internalScope(() => {
    const dtype = grads[0].dtype;
    const norms = grads.map((g) => pNorm(g, normType));
    const total = pNorm(stack(norms.map((n) => (n.dtype === dtype ? n : n.to(dtype)))), normType);
    if (a.errorIfNonfinite && !Number.isFinite(syncValue(total, `${op}: errorIfNonfinite reads the total norm, which the ${total.device} backend cannot read synchronously`))) {
      throw new Error(`${op}: the total norm of order ${normType} for gradients from parameters is non-finite, so it cannot be clipped. ` +
        'To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false');
    }
    const coef = clamp(div(maxNorm, add(total, 1e-6)), null, 1);
    for (const g of grads) mul_(g, coef.dtype === g.dtype ? coef : coef.to(g.dtype));
    return total;
  }));
}

/**
 * Clamps every gradient of `parameters` in place to [−clipValue, clipValue]. PyTorch:
 * `torch.nn.utils.clip_grad_value_(parameters, clip_value)`.
 * @example
 * ```ts
 * nn.utils.clipGradValue_(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, ...args: PyArgs<[clipValue: number], { clipValue?: number }>): void {
  const op = 'clipGradValue_';
  const a = bindArgs(op, args, { positional: [{ name: 'clipValue', kind: 'number', required: true }] });
  const v = a.clipValue as number;
  if (!(v >= 0)) throw new Error(`${op}: clipValue must be a number ≥ 0, got ${v}`);
  const grads = gradsOf(op, parameters);
  noGrad(() => internalScope(() => {
    for (const g of grads) copy_(g, clamp(g, -v, v));
  }));
}
