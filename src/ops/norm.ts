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
import { sameShape, shapeStr } from '../tensor/shape.js';
import { bindArgs, type PyArgs } from '../tensor/signature.js';
import { noGrad } from '../autograd/tape.js';
import { bindInput, cast, copiesOf, requireTensor, wrap } from './util.js';
import { add, mul } from './elementwise.js';
import { expand, reshape, unsqueeze } from './shape.js';
import { mean } from './reduce.js';

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

// ---------------------------------------------------------------------------------------------------------
// Layer, group and instance normalisation. Each normalises the rows of a [1, R, S] view of its input by
// their own mean and biased variance, x̂ = (x − μ)/√(σ² + ε), which is exactly batchNorm in training on
// that view (R "channels" of S values each): the same kernel, closed-form backward and float64 sums. The
// affine weight and bias are then a broadcast multiply and add.
//   layerNorm     R = the leading elements, S = prod(normalizedShape)
//   groupNorm     R = N · numGroups, S = (C / numGroups) · spatial
//   instanceNorm  R = N · C, S = spatial (running statistics: the mean over the batch of the per-instance
//                 statistics, as PyTorch's instance_norm, which runs batch_norm on the same view)

/** x̂ of the rows of x viewed as [1, R, S]; one value per row normalises to 0 (x − μ = 0); an empty input
 *  (an empty batch) gives an empty output. */
function standardizeRows(x: Tensor, R: number, S: number, eps: number): Tensor {
  if (S === 1 || R === 0) return mul(x, 0);
  const y = batchNorm(reshape(x, [1, R, S]), null, null, null, null, { training: true, eps });
  return reshape(y, x.shape);
}

function checkEps(op: string, eps: unknown): number {
  if (typeof eps !== 'number' || !(eps >= 0)) throw new Error(`${op}: eps must be a non-negative number, got ${JSON.stringify(eps)}`);
  return eps;
}

function checkShape(op: string, name: string, t: Tensor | null | undefined, shape: readonly number[], what: string): void {
  if (t === null || t === undefined) return;
  requireTensor(op, name, t);
  if (!sameShape(t.shape, shape)) throw new Error(`${op}: ${name} must have shape ${shapeStr(shape)} (${what}), got ${shapeStr(t.shape)}`);
}

/** weight and bias [C] applied along dim 1 of x [N, C, *]. */
function affineChannels(x: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  const shape = [x.shape[1], ...new Array<number>(x.ndim - 2).fill(1)];
  let y = x;
  if (weight) y = mul(y, reshape(weight, shape));
  if (bias) y = add(y, reshape(bias, shape));
  return y;
}

const isTensorOrNull = { test: (v: unknown) => v === null || v instanceof Tensor, what: 'a Tensor or null' };

/**
 * Options of {@link layerNorm}: any argument after the input and `normalizedShape`, by name. PyTorch: the
 * keyword arguments of `F.layer_norm`.
 * @example
 * ```ts
 * F.layerNorm(x, [4], { eps: 1e-6 });
 * ```
 */
export interface LayerNormOptions {
  normalizedShape?: number | readonly number[];
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Layer normalisation: normalises each sample over its last dimensions (`normalizedShape`, which they must
 * equal) by their mean and biased variance, then scales by `weight` and shifts by `bias` (both of shape
 * `normalizedShape`, optional). Arguments in PyTorch's order — normalizedShape, weight, bias, eps — by
 * position or by name. PyTorch: `torch.nn.functional.layer_norm`.
 * @example
 * ```ts
 * F.layerNorm(tensor([[1, 2, 3], [2, 4, 6]]), [3]);  // each row: [-1.2247, 0, 1.2247]
 * F.layerNorm(x, [C, H, W], weight, bias, 1e-5);
 * ```
 */
export const layerNorm = scoped(function layerNorm(input: Tensor, ...rest: PyArgs<[normalizedShape: number | readonly number[],
  weight: Tensor | null, bias: Tensor | null, eps: number], LayerNormOptions>): Tensor {
  const op = 'layerNorm';
  const a = bindArgs(op, [input, ...rest], { positional: [
    { name: 'input', kind: 'tensor', required: true }, { name: 'normalizedShape', kind: 'size', required: true },
    { name: 'weight', kind: isTensorOrNull }, { name: 'bias', kind: isTensorOrNull }, { name: 'eps', kind: 'number' }] });
  const ns = typeof a.normalizedShape === 'number' ? [a.normalizedShape] : [...(a.normalizedShape as number[])];
  const weight = (a.weight ?? null) as Tensor | null, bias = (a.bias ?? null) as Tensor | null;
  const eps = checkEps(op, a.eps ?? 1e-5);
  if (ns.length === 0 || ns.some((d) => d < 1)) throw new Error(`${op}: normalizedShape must be a non-empty list of positive integers, got ${JSON.stringify(a.normalizedShape)}`);
  if (input.ndim < ns.length || !sameShape(input.shape.slice(input.ndim - ns.length), ns)) {
    throw new Error(`${op}: normalizedShape=${shapeStr(ns)} expects an input of shape [*, ${ns.join(', ')}], got ${shapeStr(input.shape)}`);
  }
  checkShape(op, 'weight', weight, ns, 'normalizedShape');
  checkShape(op, 'bias', bias, ns, 'normalizedShape');
  const x = input.dtype === 'int32' ? cast(input, 'float32') : input;
  const S = ns.reduce((p, d) => p * d, 1);
  let y = standardizeRows(x, x.numel() / S, S, eps);
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
});

/**
 * Options of {@link groupNorm}: any argument after the input and `numGroups`, by name. PyTorch: the keyword
 * arguments of `F.group_norm`.
 * @example
 * ```ts
 * F.groupNorm(x, 4, { eps: 1e-6 });
 * ```
 */
export interface GroupNormOptions {
  numGroups?: number;
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Group normalisation of `input` (shape [N, C, *]). The C channels are split into `numGroups` groups, and each
 * sample's group is normalised by its own mean and biased variance; then per-channel `weight` and `bias`
 * ([C], optional). Independent of the batch size. Arguments in PyTorch's order — numGroups, weight, bias,
 * eps. PyTorch: `torch.nn.functional.group_norm`.
 * @example
 * ```ts
 * F.groupNorm(randn([8, 32, 16, 16]), 8).shape;  // [8, 32, 16, 16]
 * F.groupNorm(x, 2, weight, bias, 1e-5);
 * ```
 */
export const groupNorm = scoped(function groupNorm(input: Tensor, ...rest: PyArgs<[numGroups: number, weight: Tensor | null,
  bias: Tensor | null, eps: number], GroupNormOptions>): Tensor {
  const op = 'groupNorm';
  const a = bindArgs(op, [input, ...rest], { positional: [
    { name: 'input', kind: 'tensor', required: true }, { name: 'numGroups', kind: 'int', required: true },
    { name: 'weight', kind: isTensorOrNull }, { name: 'bias', kind: isTensorOrNull }, { name: 'eps', kind: 'number' }] });
  const G = a.numGroups as number;
  const weight = (a.weight ?? null) as Tensor | null, bias = (a.bias ?? null) as Tensor | null;
  const eps = checkEps(op, a.eps ?? 1e-5);
  if (input.ndim < 2) throw new Error(`${op}: expected an input of shape [N, C, *], got ${shapeStr(input.shape)}`);
  if (G < 1) throw new Error(`${op}: numGroups must be a positive integer, got ${G}`);
  const [N, C] = input.shape;
  if (C % G !== 0) {
    throw new Error(`${op}: the number of channels must be divisible by numGroups, got input of shape ${shapeStr(input.shape)} and numGroups=${G}`);
  }
  checkShape(op, 'weight', weight, [C], 'one value per channel');
  checkShape(op, 'bias', bias, [C], 'one value per channel');
  const x = input.dtype === 'int32' ? cast(input, 'float32') : input;
  const R = N * G;
  return affineChannels(standardizeRows(x, R, R ? x.numel() / R : 0, eps), weight, bias);
});

/**
 * Options of {@link instanceNorm}: any argument after the input, by name. PyTorch: the keyword arguments
 * of `F.instance_norm` (`use_input_stats` is `useInputStats`).
 * @example
 * ```ts
 * F.instanceNorm(x, { weight, bias, eps: 1e-3 });
 * ```
 */
export interface InstanceNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  useInputStats?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Instance normalisation of `input` (shape [N, C, *]). Each sample's channel is normalised by its own mean and
 * biased variance (useInputStats, the default), or by `runningMean`/`runningVar`; then per-channel `weight`
 * and `bias`. With useInputStats and running buffers given, the buffers move towards the batch average of
 * the instance statistics (unbiased variance), in place, by `momentum`. Arguments in PyTorch's order —
 * runningMean, runningVar, weight, bias, useInputStats, momentum, eps. PyTorch: `torch.nn.functional.instance_norm`.
 * @example
 * ```ts
 * F.instanceNorm(randn([4, 3, 32, 32])).shape;  // [4, 3, 32, 32]: each image's channel zero-mean, unit-variance
 * F.instanceNorm(x, { weight, bias });
 * ```
 */
export const instanceNorm = scoped(function instanceNorm(input: Tensor, ...rest: PyArgs<[runningMean: Tensor | null, runningVar: Tensor | null,
  weight: Tensor | null, bias: Tensor | null, useInputStats: boolean, momentum: number, eps: number], InstanceNormOptions>): Tensor {
  const op = 'instanceNorm';
  const a = bindArgs(op, [input, ...rest], { positional: [
    { name: 'input', kind: 'tensor', required: true }, { name: 'runningMean', kind: isTensorOrNull }, { name: 'runningVar', kind: isTensorOrNull },
    { name: 'weight', kind: isTensorOrNull }, { name: 'bias', kind: isTensorOrNull }, { name: 'useInputStats', kind: 'bool' },
    { name: 'momentum', kind: 'number' }, { name: 'eps', kind: 'number' }] });
  const runningMean = (a.runningMean ?? null) as Tensor | null, runningVar = (a.runningVar ?? null) as Tensor | null;
  const weight = (a.weight ?? null) as Tensor | null, bias = (a.bias ?? null) as Tensor | null;
  const useInputStats = (a.useInputStats ?? true) as boolean;
  const momentum = (a.momentum ?? 0.1) as number;
  const eps = checkEps(op, a.eps ?? 1e-5);
  if (input.ndim < 3) throw new Error(`${op}: expected an input of shape [N, C, *] with spatial dimensions, got ${shapeStr(input.shape)}`);
  const [N, C] = input.shape;
  const S = input.shape.slice(2).reduce((p, d) => p * d, 1);
  if (useInputStats && S <= 1) {
    throw new Error(`${op}: expected more than 1 spatial element when using the input's statistics, got input of shape ${shapeStr(input.shape)}`);
  }
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    checkShape(op, name, t, [C], 'one value per channel');
  }
  if ((runningMean === null) !== (runningVar === null)) throw new Error(`${op}: runningMean and runningVar must be given together`);
  if (!useInputStats && !runningMean) throw new Error(`${op}: runningMean and runningVar are required when useInputStats is false`);
  const x = input.dtype === 'int32' ? cast(input, 'float32') : input;
  if (N === 0) return affineChannels(mul(x, 0), weight, bias);  // an empty batch: nothing to normalise or count
  const x3 = reshape(x, [1, N * C, S]);
  // The running buffers, one copy per sample (batchNorm updates or reads them per row).
  const perSample = (t: Tensor) => reshape(expand(unsqueeze(t.detach(), 0), [N, C]), [N * C]);
  let y: Tensor;
  if (runningMean && runningVar) {
    const rm = perSample(runningMean), rv = perSample(runningVar);
    y = batchNorm(x3, rm, rv, null, null, { training: useInputStats, momentum, eps });
    if (useInputStats) {
      noGrad(() => {
        runningMean.copy_(mean(reshape(rm, [N, C]), 0));
        runningVar.copy_(mean(reshape(rv, [N, C]), 0));
      });
    }
  } else {
    y = batchNorm(x3, null, null, null, null, { training: true, eps });
  }
  return affineChannels(reshape(y, x.shape), weight, bias);
});
