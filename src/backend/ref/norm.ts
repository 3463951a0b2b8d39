// backend/ref/norm.ts — batch normalisation, forward and backward, as one fused kernel each.
//
// Input [N, C, S]; statistics per channel c over the M = N·S values of that channel.
//   training (batch statistics):  μ = mean, σ² = biased variance,  x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
//     running buffers, when given, are updated in place: r ← (1 − m)·r + m·stat, with the unbiased
//     variance σ²·M/(M − 1) for runningVar (PyTorch's rule).
//     dx = (γ/√(σ² + ε)) / M · (M·g − Σg − x̂·Σ(g·x̂)),   dγ = Σ g·x̂,   dβ = Σ g
//   evaluation (running statistics):  x̂ = (x − r_μ)/√(r_σ² + ε),  dx = g·γ/√(r_σ² + ε)
// Sums run in float64 with a two-pass variance, so float32 inputs lose nothing to cancellation. x̂ is
// not kept: the backward recomputes it from μ and 1/√(σ² + ε) (memory is the expensive part).

import type { BatchNormAttrs } from '../backend.js';
import type { DataArray } from '../../tensor/dtype.js';

export function batchNormInto(x: DataArray, weight: DataArray | null, bias: DataArray | null,
  runningMean: DataArray | null, runningVar: DataArray | null, a: BatchNormAttrs,
  y: DataArray, mean: DataArray, invstd: DataArray): void {
  const { N, C, S, training, momentum, eps } = a;
  const M = N * S;
  for (let c = 0; c < C; c++) {
    let mu: number, v: number;
    if (training) {
      let s = 0;
      for (let n = 0; n < N; n++) { const o = (n * C + c) * S; for (let i = 0; i < S; i++) s += x[o + i]; }
      mu = s / M;
      let q = 0;
      for (let n = 0; n < N; n++) { const o = (n * C + c) * S; for (let i = 0; i < S; i++) { const d = x[o + i] - mu; q += d * d; } }
      v = q / M;
      if (runningMean) runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mu;
      if (runningVar) runningVar[c] = (1 - momentum) * runningVar[c] + momentum * (q / (M - 1));
    } else {
      mu = runningMean![c];
      v = runningVar![c];
    }
    const r = 1 / Math.sqrt(v + eps);
    invstd[c] = r;
    mean[c] = mu;
    const gm = weight ? weight[c] : 1, bt = bias ? bias[c] : 0;
    for (let n = 0; n < N; n++) {
      const o = (n * C + c) * S;
      for (let i = 0; i < S; i++) y[o + i] = (x[o + i] - mu) * r * gm + bt;
    }
  }
}

export function batchNormGradInto(x: DataArray, g: DataArray, mean: DataArray, invstd: DataArray, weight: DataArray | null,
  a: BatchNormAttrs, dx: DataArray | null, dw: DataArray | null, db: DataArray | null): void {
  const { N, C, S, training } = a;
  const M = N * S;
  for (let c = 0; c < C; c++) {
    const mu = mean[c], r = invstd[c];
    let sg = 0, sgh = 0;
    for (let n = 0; n < N; n++) {
      const o = (n * C + c) * S;
      for (let i = 0; i < S; i++) { const gv = g[o + i]; sg += gv; sgh += gv * (x[o + i] - mu) * r; }
    }
    if (dw) dw[c] = sgh;
    if (db) db[c] = sg;
    if (!dx) continue;
    const k = (weight ? weight[c] : 1) * r;
    if (training) {
      const am = sg / M, bm = sgh / M;
      for (let n = 0; n < N; n++) {
        const o = (n * C + c) * S;
        for (let i = 0; i < S; i++) dx[o + i] = k * (g[o + i] - am - (x[o + i] - mu) * r * bm);
      }
    } else {
      for (let n = 0; n < N; n++) {
        const o = (n * C + c) * S;
        for (let i = 0; i < S; i++) dx[o + i] = k * g[o + i];
      }
    }
  }
}
