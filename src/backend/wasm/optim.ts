// backend/wasm/optim.ts — SGD and Adam/AdamW steps on the wasm kernels (assembly/optim.ts), float32, in
// place on the parameter and its state: one call per parameter. The step's scalars (bias corrections,
// decay factors) are computed here in float64, as ref computes them.

import type { AdamAttrs, Kernels, SgdAttrs } from '../backend.js';
import type { Storage } from '../storage.js';
import { rt, threadsFor } from './runtime.js';
import { allF32, mem } from './memory.js';


export function optimKernels(js: Kernels): Pick<Kernels, 'sgdStep' | 'adamStep'> {
  return {
    sgdStep(p: Storage, g: Storage, buf: Storage | null, first: boolean, a: SgdAttrs): void {
      if (!allF32(p, g, buf)) { js.sgdStep(p, g, buf, first, a); return; }
      const m = mem();
      rt().run('sgdStep', [m.ptr(p), m.ptr(g), buf ? m.ptr(buf) : 0, p.size, a.lr, a.momentum, 1 - a.dampening,
        a.weightDecay, a.nesterov ? 1 : 0, a.maximize ? -1 : 1, first ? 1 : 0], threadsFor(p.size * 8));
    },

    adamStep(p: Storage, g: Storage, mv: Storage, v: Storage, vmax: Storage | null, a: AdamAttrs): void {
      if (!allF32(p, g, mv, v, vmax)) { js.adamStep(p, g, mv, v, vmax, a); return; }
      const m = mem();
      const stepSize = a.lr / (1 - a.beta1 ** a.step), bc2Sqrt = Math.sqrt(1 - a.beta2 ** a.step);
      rt().run('adamStep', [m.ptr(p), m.ptr(g), m.ptr(mv), m.ptr(v), vmax ? m.ptr(vmax) : 0, p.size,
        a.decoupled ? 1 - a.lr * a.weightDecay : 1, a.decoupled ? 0 : a.weightDecay, a.beta1, a.beta2,
        stepSize, bc2Sqrt, a.eps, a.maximize ? -1 : 1], threadsFor(p.size * 20));
    },
  };
}
