// backend/ref/optim.ts — the optimizer updates, one fused pass per parameter, in place.
//
// SGD (torch.optim.SGD): d = ±grad (− when maximize);  d += weightDecay·p
//   momentum: buf = d on the first step, else buf = momentum·buf + (1 − dampening)·d;
//             d = nesterov ? d + momentum·buf : buf
//   p -= lr·d
// Adam / AdamW (torch.optim.Adam / AdamW), at step t:
//   g = ±grad;  Adam: g += weightDecay·p (L2 folded into the gradient);  AdamW: p *= 1 − lr·weightDecay
//   m = β1·m + (1 − β1)·g;   v = β2·v + (1 − β2)·g²;   amsgrad: v̂ = max(v̂, v), else v̂ = v
//   p -= (lr / (1 − β1ᵗ)) · m / (√v̂ / √(1 − β2ᵗ) + eps)

import type { AdamAttrs, SgdAttrs } from '../backend.js';
import type { DataArray } from '../../tensor/dtype.js';

export function sgdStepInto(x: DataArray, gr: DataArray, buf: DataArray | null, first: boolean, a: SgdAttrs): void {
  const { lr, momentum, dampening, weightDecay: wd, nesterov } = a;
  const sign = a.maximize ? -1 : 1;
  const n = x.length;
  if (!buf) {
    for (let i = 0; i < n; i++) x[i] -= lr * (sign * gr[i] + wd * x[i]);
    return;
  }
  const keep = 1 - dampening;
  for (let i = 0; i < n; i++) {
    const d = sign * gr[i] + wd * x[i];
    const b = first ? d : momentum * buf[i] + keep * d;
    buf[i] = b;
    const stored = buf[i]; // as stored (float32 rounds), the value every backend then reads
    x[i] -= lr * (nesterov ? d + momentum * stored : stored);
  }
}

export function adamStepInto(x: DataArray, gr: DataArray, m: DataArray, v: DataArray, vmax: DataArray | null, a: AdamAttrs): void {
  const { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, decoupled, step } = a;
  const sign = a.maximize ? -1 : 1;
  const l2 = decoupled ? 0 : wd;
  const decay = decoupled ? 1 - lr * wd : 1;
  const stepSize = lr / (1 - b1 ** step);
  const bc2Sqrt = Math.sqrt(1 - b2 ** step);
  for (let i = 0; i < x.length; i++) {
    if (decay !== 1) x[i] *= decay;
    const gi = sign * gr[i] + l2 * x[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    let vh = v[i];
    if (vmax) { if (vh > vmax[i]) vmax[i] = vh; else vh = vmax[i]; }
    x[i] -= stepSize * m[i] / (Math.sqrt(vh) / bc2Sqrt + eps);
  }
}
