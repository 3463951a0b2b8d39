// backend/webgpu/index-ops.ts — take (a gather by flat position) and put (its in-place adjoint), mirroring
// backend/ref/index-ops.ts. put with accumulate adds with atomics: i32 by atomicAdd, f32 by a
// compare-exchange loop on the value's bits (WGSL has no float atomics), so repeated positions add up
// exactly once each, in an unspecified order (float sums may differ from ref's in the last bits). Without
// accumulate, which write wins at a repeated position is unspecified, as on PyTorch's GPUs.
//
// sort is a bottom-up merge sort by rank, all on the GPU (no readback): every (outer, inner) line of x seen
// as [outer, n, inner] is sorted along n, walked by stride `inner`. A first dispatch sorts runs of RUN (8)
// values with their positions r by insertion (stable), one invocation per run; then each pass merges
// adjacent sorted runs of width w into runs of 2w, one invocation per element: an element at local index
// i of the left run lands at i + (the count of right-run elements that sort strictly before it), one at
// local index j of the right run at j + (the count of left-run elements that sort before it or equal to
// it), each count a binary search (≤ 32 steps) in the other run. Every left element came from an earlier position than every right one,
// so equal values keep their positions' order: the sort is stable, as ref's. The passes ping-pong
// between two (values, positions) pairs, ceil(log2(n / 8)) of them. The order is ref's compareAsc: NaN is
// the largest; descending reverses the order of values (NaN first) but keeps ties in position order.
// nonzero runs on ref through the counted fallback: its output's size needs the count on the CPU.

import type { AxisLayout, Kernels } from '../backend.js';
import type { Storage } from '../storage.js';
import { GpuRuntime, Params, groups1d } from './runtime.js';
import { COMMON, MAIN_1D, wgslType } from './wgsl.js';

/** sort: runs of this many values are sorted by insertion in the first dispatch, before the merges. */
const RUN = 8;

/** WGSL `before(a, b)`: a sorts strictly before b (ascending: NaN largest; descending: reversed). */
function beforeFn(T: 'f32' | 'i32', descending: boolean): string {
  const asc = T === 'f32'
    ? `fn ascBefore(a: f32, b: f32) -> bool {
  if (isNan(a)) { return false; }
  if (isNan(b)) { return true; }
  return a < b;
}`
    : `fn ascBefore(a: i32, b: i32) -> bool { return a < b; }`;
  return `${asc}
fn before(a: ${T}, b: ${T}) -> bool { return ascBefore(${descending ? 'b, a' : 'a, b'}); }`;
}

export function indexKernels(rt: GpuRuntime): Pick<Kernels, 'take' | 'put' | 'sort'> {
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

    sort(x: Storage, layout: AxisLayout, descending: boolean): { values: Storage; indices: Storage } {
      const T = wgslType(x.dtype);
      const { n, inner } = layout;
      const total = layout.outer * n * inner;
      let V = rt.alloc(x.dtype, total), P = rt.alloc('int32', total);
      // The first dispatch sorts runs of RUN values by insertion (stable), one invocation per run: invocation
      // t is run c of line (o, k), t = (o·chunks + c)·inner + k, so neighbouring invocations read
      // neighbouring columns when inner > 1.
      const chunks = Math.ceil(n / RUN);
      const runs = layout.outer * chunks * inner;
      const init = rt.kernel(`sort runs ${T}${descending ? ' descending' : ''}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read_write> V: array<${T}>;
@group(0) @binding(2) var<storage, read_write> P: array<i32>;
struct Params { runs: u32, n: u32, inner: u32, chunks: u32 }
@group(0) @binding(3) var<uniform> p: Params;
${beforeFn(T, descending)}
${MAIN_1D}
  if (i >= p.runs) { return; }
  let k = i % p.inner;
  let c = (i / p.inner) % p.chunks;
  let o = i / (p.inner * p.chunks);
  let base = o * p.n * p.inner + k;
  let start = c * ${RUN}u;
  let len = min(${RUN}u, p.n - start);
  var v: array<${T}, ${RUN}>;
  var q: array<i32, ${RUN}>;
  for (var j = 0u; j < len; j++) {
    let a = X[base + (start + j) * p.inner];
    var m = j;
    while (m > 0u && before(a, v[m - 1u])) { v[m] = v[m - 1u]; q[m] = q[m - 1u]; m--; }
    v[m] = a;
    q[m] = i32(start + j);
  }
  for (var j = 0u; j < len; j++) {
    V[base + (start + j) * p.inner] = v[j];
    P[base + (start + j) * p.inner] = q[j];
  }
}`, 3);
      rt.run(init, [x, V, P], new Params().u(runs, n, inner, chunks), groups1d(runs), [1, 2]);
      if (n <= RUN) return { values: V, indices: P };
      const merge = rt.kernel(`sort merge ${T}${descending ? ' descending' : ''}`, `${COMMON}
@group(0) @binding(0) var<storage, read> V: array<${T}>;
@group(0) @binding(1) var<storage, read> P: array<i32>;
@group(0) @binding(2) var<storage, read_write> V2: array<${T}>;
@group(0) @binding(3) var<storage, read_write> P2: array<i32>;
struct Params { total: u32, n: u32, inner: u32, w: u32 }
@group(0) @binding(4) var<uniform> p: Params;
${beforeFn(T, descending)}
${MAIN_1D}
  if (i >= p.total) { return; }
  let r = (i / p.inner) % p.n;
  let base = i - r * p.inner;
  let start = (r / (2u * p.w)) * (2u * p.w);   // the pair of runs r belongs to
  let mid = min(start + p.w, p.n);
  let end = min(start + 2u * p.w, p.n);
  let a = V[i];
  var dest: u32;
  if (r < mid) {
    // left run: count the right-run elements strictly before a
    var lo = mid;
    var hi = end;
    while (lo < hi) {
      let m = (lo + hi) / 2u;
      if (before(V[base + m * p.inner], a)) { lo = m + 1u; } else { hi = m; }
    }
    dest = r + (lo - mid);
  } else {
    // right run: count the left-run elements before a or equal to it
    var lo = start;
    var hi = mid;
    while (lo < hi) {
      let m = (lo + hi) / 2u;
      if (!before(a, V[base + m * p.inner])) { lo = m + 1u; } else { hi = m; }
    }
    dest = start + (r - mid) + (lo - start);
  }
  let o = base + dest * p.inner;
  V2[o] = a;
  P2[o] = P[i];
}`, 4);
      let V2 = rt.alloc(x.dtype, total), P2 = rt.alloc('int32', total);
      for (let w = RUN; w < n; w *= 2) {
        rt.run(merge, [V, P, V2, P2], new Params().u(total, n, inner, w), groups1d(total), [2, 3]);
        [V, V2] = [V2, V];
        [P, P2] = [P2, P];
      }
      rt.free(V2);
      rt.free(P2);
      return { values: V, indices: P };
    },
  };
}
