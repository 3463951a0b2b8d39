// ops/norm.ts — F.batchNorm as one fused op with the closed-form backward.
//
// Input [N, C, *]; statistics per channel c over the M = N·(spatial size) values of that channel.
//   training (batch statistics):  μ = mean, σ² = biased variance,  x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
//     running buffers, when given, are updated in place: r ← (1 − m)·r + m·stat, with the unbiased
//     variance σ²·M/(M − 1) for runningVar (PyTorch's rule).
//     dx = (γ/√(σ² + ε)) / M · (M·g − Σg − x̂·Σ(g·x̂)),   dγ = Σ g·x̂,   dβ = Σ g
//   evaluation (running statistics):  x̂ = (x − r_μ)/√(r_σ² + ε),  dx = g·γ/√(r_σ² + ε)
// Sums run in float64 with a two-pass variance, so float32 inputs lose nothing to cancellation.

import { backend } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { scoped } from '../tensor/lifetime.js';
import { shapeStr } from '../tensor/shape.js';
import { bindInput, cast, copiesOf, requireTensor, wrap } from './util.js';
import type { PyArgs } from '../tensor/signature.js';

/**
 * Options of {@link batchNorm}: `training` (use the batch's statistics, default false), `momentum` (default
 * 0.1) and `eps`. PyTorch: the keyword arguments of `F.batch_norm`.
 * @example
 * ```ts
 * F.batchNorm(x, runningMean, runningVar, weight, bias, { training: true, momentum: 0.1, eps: 1e-5 });
 * ```
 */
export interface BatchNormOptions {
  /** Use batch statistics (and update the running buffers if given). Default false, as F.batch_norm. */
  training?: boolean;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
  eps?: number;
}

function checkChannelVector(name: string, t: Tensor | null | undefined, C: number): void {
  if (t === null || t === undefined) return;
  requireTensor('batchNorm', name, t);
  if (t.numel() !== C || t.ndim !== 1) {
    throw new Error(`batchNorm: ${name} must have shape [${C}] (one value per channel), got ${shapeStr(t.shape)}`);
  }
}

/** The tensors of {@link batchNorm}, by name. PyTorch: the tensor arguments of `F.batch_norm`.
 *  @example
 *  ```ts
 *  F.batchNorm(x, { runningMean: rm, runningVar: rv, training: true });
 *  ```
 */
export interface BatchNormTensors {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
}

/**
 * The arguments of {@link batchNorm} after the input, in PyTorch's order `(runningMean, runningVar, weight,
 * bias, training, momentum, eps)`, any of them by name in a trailing options object. PyTorch: the arguments
 * of `F.batch_norm`.
 * @example
 * ```ts
 * const args: BatchNormArgs = [rm, rv, null, null, true, 0.1, 1e-5];
 * ```
 */
export type BatchNormArgs = PyArgs<[runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  training: boolean, momentum: number, eps: number], BatchNormOptions & BatchNormTensors>;

/**
 * Batch normalisation per channel (dim 1) of `input`: with `training`, by the batch's mean and variance
 * (updating `runningMean`/`runningVar` in place when given), otherwise by the running statistics; then
 * scaled by `weight` and shifted by `bias`. PyTorch: `torch.nn.functional.batch_norm`.
 * @example
 * ```ts
 * const y = F.batchNorm(x, null, null, null, null, { training: true });  // zero mean, unit variance per channel
 * F.batchNorm(x, rm, rv, w, b, true, 0.1, 1e-5);                      // PyTorch's order
 * ```
 */
export const batchNorm = scoped(function batchNorm(input: Tensor, ...args: BatchNormArgs): Tensor {
  const t = { test: (v: unknown) => v === null || v instanceof Tensor, what: 'a Tensor or null' };
  const opts = bindInput('batchNorm', input, args, [{ name: 'runningMean', kind: t }, { name: 'runningVar', kind: t }, { name: 'weight', kind: t },
    { name: 'bias', kind: t }, { name: 'training', kind: 'bool' }, { name: 'momentum', kind: 'number' }, { name: 'eps', kind: 'number' }]) as BatchNormOptions & BatchNormTensors;
  const runningMean = opts.runningMean ?? null, runningVar = opts.runningVar ?? null, weight = opts.weight ?? null, bias = opts.bias ?? null;
  if (input.ndim < 2) {
    throw new Error(`batchNorm: expected an input of shape [N, C] or [N, C, *], got ${shapeStr(input.shape)}`);
  }
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (!(eps >= 0)) throw new Error(`batchNorm: eps must be a non-negative number, got ${eps}`);
  const x = input.dtype === 'int32' ? cast(input, 'float32') : input;
  const [N, C] = x.shape;
  const S = x.numel() / Math.max(1, N * C);
  const M = N * S;
  checkChannelVector('runningMean', runningMean, C);
  checkChannelVector('runningVar', runningVar, C);
  checkChannelVector('weight', weight, C);
  checkChannelVector('bias', bias, C);
  if (!training && (!runningMean || !runningVar)) {
    throw new Error('batchNorm: runningMean and runningVar are required when training is false (evaluation uses the running statistics)');
  }
  if (training && M <= 1) {
    throw new Error(`batchNorm: expected more than 1 value per channel when training, got input of shape ${shapeStr(x.shape)}`);
  }
  const a = { N, C, S, training, momentum, eps };
  // The running buffers are updated in place only in training; in evaluation the kernel reads them.
  const { y, mean, invstd } = backend().batchNorm(x.storage, weight ? weight.storage : null, bias ? bias.storage : null,
    runningMean ? runningMean.storage : null, runningVar ? runningVar.storage : null, a);
  const saved = [wrap(mean, [C]), wrap(invstd, [C])];
  const inputs: Tensor[] = [input];
  if (weight) inputs.push(weight);
  if (bias) inputs.push(bias);
  // g comes in x's dtype (the output's).
  return record('batchNorm', wrap(y, x.shape), inputs, (g) => {
    const need = { input: input.requiresGrad, weight: !!weight?.requiresGrad, bias: !!bias?.requiresGrad };
    const { dx, dw, db } = backend().batchNormGrad(x.storage, g.storage, saved[0].storage, saved[1].storage,
      weight ? weight.storage : null, a, need);
    const out: (Tensor | null)[] = [dx ? wrap(dx, x.shape) : null];
    if (weight) out.push(dw ? wrap(dw, [C]) : null);
    if (bias) out.push(db ? wrap(db, [C]) : null);
    return out;
  }, [...saved, ...copiesOf([x, input])]);
});
