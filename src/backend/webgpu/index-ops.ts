// backend/webgpu/index-ops.ts — take (a gather by flat position) and put (its in-place adjoint), mirroring
// backend/ref/index-ops.ts. put with accumulate adds with atomics: i32 by atomicAdd, f32 by a
// compare-exchange loop on the value's bits (WGSL has no float atomics), so repeated positions add up
// exactly once each, in an unspecified order (float sums may differ from ref's in the last bits). Without
// accumulate, which write wins at a repeated position is unspecified, as on PyTorch's GPUs. sort and
// nonzero run on ref through the counted fallback.

import type { Kernels } from '../backend.js';
import type { Storage } from '../storage.js';
import { GpuRuntime, Params, groups1d } from './runtime.js';
import { COMMON, MAIN_1D, wgslType } from './wgsl.js';

export function indexKernels(rt: GpuRuntime): Pick<Kernels, 'take' | 'put'> {
  return {
    take(x: Storage, index: Storage): Storage {
      const T = wgslType(x.dtype);
      const o = rt.alloc(x.dtype, index.size);
      const k = rt.kernel(`take ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read> I: array<i32>;
@group(0) @binding(2) var<storage, read_write> Y: array<${T}>;
struct Params { n: u32 }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  Y[i] = X[u32(I[i])];
}`, 3);
      rt.run(k, [x, index, o], new Params().u(index.size), groups1d(index.size), [2]);
      return o;
    },

    put(dst: Storage, index: Storage, src: Storage, accumulate: boolean): void {
      const T = wgslType(dst.dtype);
      let decl: string, body: string;
      if (!accumulate) {
        decl = `array<${T}>`;
        body = 'D[j] = S[i];';
      } else if (T === 'i32') {
        decl = 'array<atomic<i32>>';
        body = 'atomicAdd(&D[j], S[i]);';
      } else {
        decl = 'array<atomic<u32>>';
        body = `var old = atomicLoad(&D[j]);
  loop {
    let r = atomicCompareExchangeWeak(&D[j], old, bitcast<u32>(bitcast<f32>(old) + S[i]));
    if (r.exchanged) { break; }
    old = r.old_value;
  }`;
      }
      const k = rt.kernel(`put ${T}${accumulate ? ' accumulate' : ''}`, `${COMMON}
@group(0) @binding(0) var<storage, read_write> D: ${decl};
@group(0) @binding(1) var<storage, read> I: array<i32>;
@group(0) @binding(2) var<storage, read> S: array<${T}>;
struct Params { n: u32 }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let j = u32(I[i]);
  ${body}
}`, 3);
      rt.run(k, [dst, index, src], new Params().u(index.size), groups1d(index.size), [0]);
    },
  };
}
