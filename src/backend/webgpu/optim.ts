// backend/webgpu/optim.ts — sgdStep and adamStep: one fused dispatch per parameter, in place on the
// parameter and its state buffers.
//
// Semantics are ref's (backend/ref/optim.ts), term for term:
//   SGD:  d = ±g + wd·p;  momentum: buf = first ? d : momentum·buf + (1 − dampening)·d;
//         p −= lr·(nesterov ? d + momentum·buf : buf)   (buf null: p −= lr·d)
//   Adam: AdamW: p *= 1 − lr·wd;  g = ±g (+ wd·p for Adam);  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;
//         amsgrad: v̂ = max(v̂, v) (v̂ kept when v is not larger, NaN included), else v̂ = v;
//         p −= stepSize · m / (√v̂ / √(1 − β2ᵗ) + eps)
// Every factor that does not depend on the element (1 − dampening, 1 − β1, the decay, the step size
// lr / (1 − β1ᵗ), √(1 − β2ᵗ)) is computed on the CPU in doubles, as ref does, and reaches the shader as
// one f32 uniform; the shader then does ref's per-element arithmetic in f32 (ref does it in doubles and
// rounds once per stored value), so results agree to a few ulps per step.
//
// Variants (one pipeline each): SGD without / with a momentum buffer; Adam without / with v̂. The
// flags that do not change the bindings (first, nesterov, decoupled) are uniform fields.

import type { AdamAttrs, Kernels, SgdAttrs } from '../backend.js';
import type { Storage } from '../storage.js';
import { GpuRuntime, Params, groups1d } from './runtime.js';
import { COMMON, MAIN_1D } from './wgsl.js';

const SGD_PLAIN = /* wgsl */ `${COMMON}
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
struct Params { n: u32, lr: f32, sign: f32, wd: f32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let xi = x[i];
  x[i] = xi - p.lr * (p.sign * g[i] + p.wd * xi);
}`;

const SGD_MOMENTUM = /* wgsl */ `${COMMON}
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> buf: array<f32>;
struct Params { n: u32, first: u32, nesterov: u32, lr: f32, sign: f32, wd: f32, momentum: f32, keep: f32 }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let xi = x[i];
  let d = p.sign * g[i] + p.wd * xi;
  var b = d;
  if (p.first == 0u) { b = p.momentum * buf[i] + p.keep * d; }
  buf[i] = b;
  var upd = b;
  if (p.nesterov != 0u) { upd = d + p.momentum * b; }
  x[i] = xi - p.lr * upd;
}`;

const adamSource = (amsgrad: boolean): string => /* wgsl */ `${COMMON}
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
${amsgrad ? '@group(0) @binding(4) var<storage, read_write> vmax: array<f32>;' : ''}
struct Params {
  n: u32, decoupled: u32, sign: f32, l2: f32, decay: f32,
  b1: f32, oneMinusB1: f32, b2: f32, oneMinusB2: f32, stepSize: f32, bc2Sqrt: f32, eps: f32,
}
@group(0) @binding(${amsgrad ? 5 : 4}) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  var xi = x[i];
  if (p.decoupled != 0u) { xi = xi * p.decay; }
  let gi = p.sign * g[i] + p.l2 * xi;
  let mi = p.b1 * m[i] + p.oneMinusB1 * gi;
  let vi = p.b2 * v[i] + p.oneMinusB2 * gi * gi;
  m[i] = mi;
  v[i] = vi;
  var vh = vi;
${amsgrad ? `  let vm = vmax[i];
  if (vh > vm) { vmax[i] = vh; } else { vh = vm; }` : ''}
  x[i] = xi - p.stepSize * mi / (sqrt(vh) / p.bc2Sqrt + p.eps);
}`;

export function optimKernels(rt: GpuRuntime): Pick<Kernels, 'sgdStep' | 'adamStep'> {
  return {
    sgdStep(x: Storage, g: Storage, buf: Storage | null, first: boolean, a: SgdAttrs): void {
      const n = x.size;
      const sign = a.maximize ? -1 : 1;
      if (!buf) {
        const k = rt.kernel('sgdStep', SGD_PLAIN, 2);
        rt.run(k, [x, g], new Params().u(n).f(a.lr, sign, a.weightDecay), groups1d(n), [0]);
        return;
      }
      const k = rt.kernel('sgdStep momentum', SGD_MOMENTUM, 3);
      const params = new Params().u(n, first ? 1 : 0, a.nesterov ? 1 : 0).f(a.lr, sign, a.weightDecay, a.momentum, 1 - a.dampening);
      rt.run(k, [x, g, buf], params, groups1d(n), [0, 2]);
    },

    adamStep(x: Storage, g: Storage, m: Storage, v: Storage, vmax: Storage | null, a: AdamAttrs): void {
      const n = x.size;
      const { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, decoupled, step } = a;
      const params = new Params().u(n, decoupled ? 1 : 0).f(
        a.maximize ? -1 : 1, decoupled ? 0 : wd, decoupled ? 1 - lr * wd : 1,
        b1, 1 - b1, b2, 1 - b2, lr / (1 - b1 ** step), Math.sqrt(1 - b2 ** step), eps);
      if (vmax) {
        const k = rt.kernel('adamStep amsgrad', adamSource(true), 5);
        rt.run(k, [x, g, m, v, vmax], params, groups1d(n), [0, 2, 3, 4]);
      } else {
        const k = rt.kernel('adamStep', adamSource(false), 4);
        rt.run(k, [x, g, m, v], params, groups1d(n), [0, 2, 3]);
      }
    },
  };
}
