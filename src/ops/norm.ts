// ops/norm.ts — F.batchNorm as one fused op with the closed-form backward.
//
// Input [N, C, *]; statistics per channel c over the M = N·(spatial size) values of that channel.
//   training (batch statistics):  μ = mean, σ² = biased variance,  x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
//     running buffers, when given, are updated in place: r ← (1 − m)·r + m·stat, with the unbiased
//     variance σ²·M/(M − 1) for runningVar (PyTorch's rule).
//     dx = (γ/√(σ² + ε)) / M · (M·g − Σg − x̂·Σ(g·x̂)),   dγ = Σ g·x̂,   dβ = Σ g
//   evaluation (running statistics):  x̂ = (x − r_μ)/√(r_σ² + ε),  dx = g·γ/√(r_σ² + ε)
// Sums run in float64 with a two-pass variance, so float32 inputs lose nothing to cancellation.

import { allocFloat, type FloatArray } from '../backend/backend.js';
import { record } from '../autograd/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { shapeStr } from '../tensor/shape.js';
import { cast, requireTensor, wrap } from './util.js';

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

export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  opts: BatchNormOptions = {},
): Tensor {
  requireTensor('batchNorm', 'input', input);
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

  const xs = x.storage as FloatArray;
  const ys = allocFloat(xs, xs.length);
  // x̂ is not kept (fresh memory is expensive): the backward recomputes it from μ and 1/√(σ² + ε).
  const means = new Float64Array(C), invstd = new Float64Array(C);
  const ws = weight ? weight.storage : null, bs = bias ? bias.storage : null;
  for (let c = 0; c < C; c++) {
    let mu: number, v: number;
    if (training) {
      let s = 0;
      for (let n = 0; n < N; n++) { const o = (n * C + c) * S; for (let i = 0; i < S; i++) s += xs[o + i]; }
      mu = s / M;
      let q = 0;
      for (let n = 0; n < N; n++) { const o = (n * C + c) * S; for (let i = 0; i < S; i++) { const d = xs[o + i] - mu; q += d * d; } }
      v = q / M;
      if (runningMean) runningMean.storage[c] = (1 - momentum) * runningMean.storage[c] + momentum * mu;
      if (runningVar) runningVar.storage[c] = (1 - momentum) * runningVar.storage[c] + momentum * (q / (M - 1));
    } else {
      mu = runningMean!.storage[c];
      v = runningVar!.storage[c];
    }
    const r = 1 / Math.sqrt(v + eps);
    invstd[c] = r;
    means[c] = mu;
    const gm = ws ? ws[c] : 1, bt = bs ? bs[c] : 0;
    for (let n = 0; n < N; n++) {
      const o = (n * C + c) * S;
      for (let i = 0; i < S; i++) ys[o + i] = (xs[o + i] - mu) * r * gm + bt;
    }
  }

  const inputs: Tensor[] = [input];
  if (weight) inputs.push(weight);
  if (bias) inputs.push(bias);
  return record('batchNorm', wrap(ys, x.shape), inputs, (g) => {
    const gs = cast(g, x.dtype).storage as FloatArray;
    const dx = input.requiresGrad ? allocFloat(xs, xs.length) : null;
    const dw = weight && weight.requiresGrad ? allocFloat(weight.storage as FloatArray, C) : null;
    const db = bias && bias.requiresGrad ? allocFloat(bias.storage as FloatArray, C) : null;
    for (let c = 0; c < C; c++) {
      const mu = means[c], r = invstd[c];
      let sg = 0, sgh = 0;
      for (let n = 0; n < N; n++) {
        const o = (n * C + c) * S;
        for (let i = 0; i < S; i++) { const gv = gs[o + i]; sg += gv; sgh += gv * (xs[o + i] - mu) * r; }
      }
      if (dw) dw[c] = sgh;
      if (db) db[c] = sg;
      if (!dx) continue;
      const k = (ws ? ws[c] : 1) * r;
      if (training) {
        const a = sg / M, b = sgh / M;
        for (let n = 0; n < N; n++) {
          const o = (n * C + c) * S;
          for (let i = 0; i < S; i++) dx[o + i] = k * (gs[o + i] - a - (xs[o + i] - mu) * r * b);
        }
      } else {
        for (let n = 0; n < N; n++) {
          const o = (n * C + c) * S;
          for (let i = 0; i < S; i++) dx[o + i] = k * gs[o + i];
        }
      }
    }
    const out: (Tensor | null)[] = [dx ? cast(wrap(dx, x.shape), input.dtype) : null];
    if (weight) out.push(dw ? wrap(dw, [C]) : null);
    if (bias) out.push(db ? wrap(db, [C]) : null);
    return out;
  });
}
