// backend/webgpu/reduce.ts — reduce, argReduce, cumsum, prodGrad, and the data movers permute, expand, cat,
// flip, indexSelect, indexSelectGrad, oneHot, bincount.
//
// Semantics are ref's (backend/ref/reduce.ts, backend/ref/elementwise.ts): max and min propagate NaN;
// argmax/argmin give the first extreme, a NaN counting as the extreme (the first NaN wins); an empty
// reduction gives the identity (sum 0, prod 1, max −∞, min +∞; 0 in int32, as a typed array stores ±∞).
// prod's gradient is prefix × suffix products, exact where x has zeros, with nothing divided.
//
// Reductions. The shape is collapsed first (size-1 dims dropped, adjacent kept dims merged, adjacent
// reduced dims merged), so any set of axes becomes alternating kept and reduced dims walked by strides,
// with no transposing copy. A workgroup of 128 invocations is C columns (consecutive outputs) × L lanes:
// each lane combines a strided part of one chunk of its column's R values serially (at most SERIAL of
// them), then the lanes combine in a shared-memory tree (shapeGroup picks C and L: short rows get few
// lanes and many columns, so small reductions run one output per invocation with no tree to speak of).
// Adjacent invocations are lanes when the reduced axis is the contiguous one, and columns otherwise, so
// that they read neighbouring elements either way. Rows longer than one chunk (L·SERIAL values) leave
// per-chunk partials [chunks, K], which a second reduction combines the same way: a sum over 10⁶ values
// is a tree of short serial runs, a few 1e-8 relative from ref's float64 sum (a serial float32 sum
// drifts to ~4e-6).
//
// cumsum is one invocation per (outer, inner) line, walking its n values serially in ref's order
// (forwards, or backwards for the reverse sum that is its gradient), rt.serialSteps values per dispatch;
// neighbouring invocations are neighbouring columns, so their reads coalesce when inner > 1. The accumulator is the element type:
// f32 (WGSL has no f64; ref accumulates in float64, as PyTorch's CPU kernel, so long float32 rows
// differ from ref by the float32 rounding of each running sum, as PyTorch's CUDA kernel does from its
// CPU one), and i32 exactly, an overflow setting a fault bit as reduce's does (every running sum is an
// output, so it faults exactly where ref throws).
//
// Data movers. permute, expand and flip are one strided gather (zero strides broadcast, negative ones
// walk backwards), over the shape collapsed the same way. cat writes each input's slice with one
// dispatch. indexSelectGrad is a deterministic gather (WGSL has no float atomics, and atomics would sum
// in an unfixed order): the positions j of the index are grouped by the row they point to (a CSR table,
// built on the CPU when JS wrote the index, else on the GPU with a count, a scan, a fill and a per-row
// sort), and each output row sums its gradient rows in ascending j, ref's order, so the sums agree to
// the bit. bincount counts with atomic<i32> adds (integers, so the order does not matter).

import type { AxisLayout, Kernels, ReduceOp } from '../backend.js';
import type { Storage } from '../storage.js';
import type { DType } from '../../tensor/dtype.js';
import { numel, stridesOf } from '../../tensor/shape.js';
import { GpuRuntime, Params, groups1d } from './runtime.js';
import { cumsumOverflowMessage, overflowMessage, reduceInto } from '../ref/reduce.js';
import { COMMON, MAIN_1D, at, wgslType } from './wgsl.js';

/** Collapsed dims a shader walks (uniform arrays of this length). */
const MAX_DIMS = 8;
/** Invocations per workgroup of the tree reductions (compatibility mode's maximum). */
const WG = 128;
/** Values each lane accumulates serially before the tree takes over. */
const SERIAL = 64;
/** prodGrad: rows up to this length run one per invocation; longer ones one per workgroup. */
const PROD_ROW_SERIAL = 32;

const nextPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(n, 1)));

/**
 * How a workgroup of WG invocations splits into C columns (consecutive outputs) × L lanes (parts of one
 * output's R values), and how the invocation index maps onto them: lid = c·cs + l·ls. Lanes get what a
 * serial run of SERIAL values leaves (a long row gets all WG; a short one a few, or one). When the
 * reduced axis is the contiguous one, lanes are adjacent invocations (they read neighbouring elements);
 * otherwise columns are, up to 32 of them (neighbouring outputs are neighbouring elements).
 */
function shapeGroup(R: number, innerReduced: boolean, innerKept: number): { C: number; L: number; cs: number; ls: number } {
  const lanes = nextPow2(Math.ceil(R / SERIAL));
  if (innerReduced) {
    const L = Math.min(WG, lanes);
    return { C: WG / L, L, cs: L, ls: 1 };
  }
  const L = Math.min(WG / Math.min(32, nextPow2(innerKept)), lanes);
  return { C: WG / L, L, cs: 1, ls: WG / L };
}

/** Workgroup grid for `g` workgroups (x ≤ 65,535); shaders rebuild the index as wg.x + wg.y·nwg.x. */
function grid(g: number): [number, number] {
  return groups1d(g, 1);
}

/** A reduction's dims after collapsing: kept and reduced runs with their sizes and strides (outer first). */
interface Collapsed {
  kept: { size: number; stride: number }[];
  red: { size: number; stride: number }[];
  /** Whether the innermost remaining dim is reduced (the reduction reads contiguous runs). */
  innerReduced: boolean;
}

function collapseReduce(shape: readonly number[], axes: readonly number[]): Collapsed {
  const strides = stridesOf(shape);
  const dims: { size: number; stride: number; red: boolean }[] = [];
  shape.forEach((size, d) => {
    if (size === 1) return;
    const red = axes.includes(d);
    const last = dims[dims.length - 1];
    // Row-major: dim d−1's stride is dim d's stride × size, so two neighbours of one kind are one dim.
    if (last && last.red === red) { last.size *= size; last.stride = strides[d]; } else dims.push({ size, stride: strides[d], red });
  });
  const kept = dims.filter((d) => !d.red).map(({ size, stride }) => ({ size, stride }));
  const red = dims.filter((d) => d.red).map(({ size, stride }) => ({ size, stride }));
  if (kept.length > MAX_DIMS || red.length > MAX_DIMS) throw new Error(`webgpu reduce: shape [${shape}] collapses to more than ${MAX_DIMS} dims`);
  return { kept, red, innerReduced: dims.length > 0 && dims[dims.length - 1].red };
}

/** A strided gather out[i] = x[start + Σ idx_d·strides_d] over outShape, collapsed: size-1 dims dropped
 *  and neighbours merged where the outer one's stride is the inner one's times its size. */
function collapseGather(outShape: readonly number[], strides: readonly number[]): { shape: number[]; strides: number[] } {
  const shape: number[] = [], st: number[] = [];
  outShape.forEach((size, d) => {
    if (size === 1) return;
    const k = shape.length - 1;
    if (k >= 0 && st[k] === strides[d] * size) { shape[k] *= size; st[k] = strides[d]; } else { shape.push(size); st.push(strides[d]); }
  });
  return { shape, strides: st };
}

const COMBINE_F32: Record<ReduceOp, string> = {
  sum: 'a + b', prod: 'a * b',
  // NaN propagates, as in ref (which stops at the first NaN).
  max: 'select(select(b, a, a > b), nanF(), isNan(a) || isNan(b))',
  min: 'select(select(b, a, a < b), nanF(), isNan(a) || isNan(b))',
};
const COMBINE_I32: Record<ReduceOp, string> = { sum: 'a + b', prod: 'a * b', max: 'max(a, b)', min: 'min(a, b)' };
const IDENTITY_F32: Record<ReduceOp, string> = { sum: '0.0', prod: '1.0', max: '-infF()', min: 'infF()' };
const IDENTITY_I32: Record<ReduceOp, string> = { sum: '0', prod: '1', max: 'i32(-2147483647 - 1)', min: '2147483647' };

/** What an empty reduction gives (ref's accumulator start, stored in the output's dtype). */
function emptyValue(op: ReduceOp, dtype: DType): number {
  const v = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
  return dtype === 'int32' && !Number.isFinite(v) ? 0 : v;
}

/** Inputs up to this size with a host copy are reduced on the CPU (see reduce). */
const HOST_REDUCE_LIMIT = 1 << 16;

export function reduceKernels(rt: GpuRuntime): Pick<Kernels, 'reduce' | 'argReduce' | 'cumsum' | 'prodGrad' | 'permute' | 'expand' | 'cat' |
  'flip' | 'indexSelect' | 'indexSelectGrad' | 'oneHot' | 'bincount'> {
  // ------------------------------------------------------------------------------------ helpers

  const fill = (s: Storage, value: number): void => {
    const T = wgslType(s.dtype);
    const k = rt.kernel(`reduce.fill ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read_write> Y: array<${T}>;
struct Params { v: ${T}, n: u32 }
@group(0) @binding(1) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  Y[i] = p.v;
}`, 1);
    const params = T === 'i32' ? new Params().i(value) : new Params().f(value);
    rt.run(k, [s], params.u(s.size), groups1d(s.size), [0]);
  };

  /** out[i] = x[start + Σ_d idx_d(i)·strides[d]] over outShape; strides may be 0 or negative. */
  const gather = (x: Storage, outShape: readonly number[], strides: readonly number[], start: number): Storage => {
    const n = numel(outShape);
    const out = rt.alloc(x.dtype, n);
    if (n === 0) return out;
    const c = collapseGather(outShape, strides);
    if (c.shape.length > MAX_DIMS) throw new Error(`webgpu gather: [${outShape}] collapses to ${c.shape.length} dims (at most ${MAX_DIMS})`);
    const T = wgslType(x.dtype);
    const k = rt.kernel(`gather ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${T}>;
struct Params { n: u32, rank: u32, start: i32, pad: u32, shape: array<vec4u, 2>, strides: array<vec4i, 2> }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  var r = i; var off = p.start;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let dd = u32(d);
    let size = ${at('shape', 'dd')};
    off += i32(r % size) * ${at('strides', 'dd')};
    r = r / size;
  }
  Y[i] = X[u32(off)];
}`, 2);
    const params = new Params().u(n, c.shape.length).i(start).u(0).vec(c.shape, MAX_DIMS).ivec(c.strides, MAX_DIMS);
    rt.run(k, [x, out], params, groups1d(n), [1]);
    return out;
  };

  /** One reduction pass over collapsed dims; returns [chunks, K] partials (chunks = 1: the result). */
  const reducePass = (op: ReduceOp, x: Storage, c: Collapsed, K: number, R: number): { out: Storage; chunks: number } => {
    const T = wgslType(x.dtype);
    const { C, L, cs, ls } = shapeGroup(R, c.innerReduced, c.kept.length ? c.kept[c.kept.length - 1].size : 1);
    const chunk = L * SERIAL;
    const chunks = Math.ceil(R / chunk);
    const colGroups = Math.ceil(K / C);
    const out = rt.alloc(x.dtype, chunks * K);
    // An int32 sum or product that leaves int32 sets a fault bit (GpuRuntime.fault): the next read throws
    // instead of returning a wrapped value. (Partial sums are checked too, so values near ±2^31 of mixed
    // signs can fault where the exact total would fit; ref, which sums in float64, does not.)
    const checked = T === 'i32' && (op === 'sum' || op === 'prod');
    const fault = checked ? rt.fault(overflowMessage(op)) : null;
    const combine = checked ? (op === 'sum' ? 'addChecked(a, b)' : 'mulChecked(a, b)') : (T === 'f32' ? COMBINE_F32 : COMBINE_I32)[op];
    const identity = (T === 'f32' ? IDENTITY_F32 : IDENTITY_I32)[op];
    const k = rt.kernel(`reduce ${op} ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${T}>;
${checked ? `@group(0) @binding(2) var<storage, read_write> FAULT: array<atomic<u32>>;
fn addChecked(a: i32, b: i32) -> i32 {
  let s = a + b; // wraps; the signs tell: both operands' sign differs from the sum's
  if (((a ^ s) & (b ^ s)) < 0) { atomicOr(&FAULT[0], ${fault!.bit}u); }
  return s;
}
fn mulChecked(a: i32, b: i32) -> i32 {
  let m = a * b;
  if (a != 0 && (m / a != b || (a == -1 && b == i32(-2147483647 - 1)))) { atomicOr(&FAULT[0], ${fault!.bit}u); }
  return m;
}` : ''}
struct Params {
  K: u32, R: u32, C: u32, L: u32, cs: u32, ls: u32, chunk: u32, groups: u32, nk: u32, nr: u32, pad0: u32, pad1: u32,
  ks: array<vec4u, 2>, kst: array<vec4u, 2>, rs: array<vec4u, 2>, rst: array<vec4u, 2>,
}
@group(0) @binding(${checked ? 3 : 2}) var<uniform> p: Params;
var<workgroup> sh: array<${T}, ${WG}>;
fn combine(a: ${T}, b: ${T}) -> ${T} { return ${combine}; }
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = wg.x + wg.y * nwg.x;
  let chunk = wid / p.groups;
  let c = (lid / p.cs) % p.C;
  let l = (lid / p.ls) % p.L;
  let k = (wid % p.groups) * p.C + c;
  // Invocations past the end (the grid rounds up) go through the barriers and write nothing.
  let live = chunk < (p.R + p.chunk - 1u) / p.chunk && k < p.K;
  var acc: ${T} = ${identity};
  if (live) {
    var rem = k; var base = 0u;
    for (var d = i32(p.nk) - 1; d >= 0; d--) {
      let dd = u32(d);
      let size = ${at('ks', 'dd')};
      base += (rem % size) * ${at('kst', 'dd')};
      rem = rem / size;
    }
    let r1 = min(p.R, (chunk + 1u) * p.chunk);
    for (var r = chunk * p.chunk + l; r < r1; r += p.L) {
      var off = base;
      if (p.nr == 1u) { off += r * p.rst[0].x; } else {
        var rr = r;
        for (var d = i32(p.nr) - 1; d >= 0; d--) {
          let dd = u32(d);
          let size = ${at('rs', 'dd')};
          off += (rr % size) * ${at('rst', 'dd')};
          rr = rr / size;
        }
      }
      acc = combine(acc, X[off]);
    }
  }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = p.L / 2u; s > 0u; s = s / 2u) {
    if (l < s) { sh[lid] = combine(sh[lid], sh[lid + s * p.ls]); }
    workgroupBarrier();
  }
  if (l == 0u && live) { Y[chunk * p.K + k] = sh[lid]; }
}`, checked ? 3 : 2);
    const params = new Params().u(K, R, C, L, cs, ls, chunk, colGroups, c.kept.length, c.red.length, 0, 0)
      .vec(c.kept.map((d) => d.size), MAX_DIMS).vec(c.kept.map((d) => d.stride), MAX_DIMS)
      .vec(c.red.map((d) => d.size), MAX_DIMS).vec(c.red.map((d) => d.stride), MAX_DIMS);
    if (fault) rt.run(k, [x, out, fault.word], params, grid(colGroups * chunks), [1, 2]);
    else rt.run(k, [x, out], params, grid(colGroups * chunks), [1]);
    return { out, chunks };
  };

  const reduce = (op: ReduceOp, x: Storage, shape: number[], axes: number[]): Storage => {
    const K = numel(shape.map((d, i) => (axes.includes(i) ? 1 : d)));
    const R = numel(axes.map((a) => shape[a]));
    // Small data whose values the CPU still knows (class labels, indices JS wrote) is reduced there,
    // so that the result stays readable synchronously too: oneHot and bincount size their outputs by the
    // largest value, which they must know at once.
    const host = x.size <= HOST_REDUCE_LIMIT ? rt.host(x) : null;
    if (host) {
      const values = x.dtype === 'int32' ? new Int32Array(K) : new Float32Array(K);
      reduceInto(op, host, shape, axes, values);
      const out = rt.alloc(x.dtype, K);
      rt.write(out, values);
      return out;
    }
    if (K === 0 || R === 0) {
      const out = rt.alloc(x.dtype, K);
      if (K) fill(out, emptyValue(op, x.dtype));
      return out;
    }
    const c = collapseReduce(shape, axes);
    const { out, chunks } = reducePass(op, x, c, K, R);
    if (chunks === 1) return out;
    // Per-chunk partials [chunks, K]: reduce them over their first axis (another tree, no long serial run).
    const final = reduce(op, out, [chunks, K], [0]);
    rt.free(out);
    return final;
  };

  // ---------------------------------------------------------------------------------- argReduce

  const argReduce = (op: 'argmax' | 'argmin', x: Storage, shape: number[], axis: number): Storage => {
    const R = shape[axis];
    let outer = 1, inner = 1;
    shape.forEach((d, i) => { if (i < axis) outer *= d; else if (i > axis) inner *= d; });
    const K = outer * inner;
    const out = rt.alloc('int32', K);
    if (K === 0) return out;
    if (R === 0) { fill(out, 0); return out; }
    const T = wgslType(x.dtype);
    // One pass, laid out as reduce's: comparisons are exact, so a long row needs no second pass for
    // precision (each lane walks R / L values).
    const { C, L, cs, ls } = shapeGroup(R, inner === 1, inner);
    const groups = Math.ceil(K / C);
    const cmp = op === 'argmax' ? '>' : '<';
    // Whether (bv, bi) beats (av, ai): a NaN beats any number, an extreme beats a lesser one, and among
    // equals (NaNs included) the lower index wins, so the tree finds ref's first extreme in any order.
    const nanRule = T === 'f32' ? `let an = isNan(av); let bn = isNan(bv);
  if (an || bn) { if (an && bn) { return bi < ai; } return bn; }` : '';
    const k = rt.kernel(`argReduce ${op} ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read_write> Y: array<i32>;
struct Params { K: u32, R: u32, inner: u32, C: u32, L: u32, cs: u32, ls: u32, groups: u32 }
@group(0) @binding(2) var<uniform> p: Params;
var<workgroup> shv: array<${T}, ${WG}>;
var<workgroup> shi: array<u32, ${WG}>;
const NONE = 0xffffffffu;
fn beats(av: ${T}, ai: u32, bv: ${T}, bi: u32) -> bool {
  if (bi == NONE) { return false; }
  if (ai == NONE) { return true; }
  ${nanRule}
  if (bv == av) { return bi < ai; }
  return bv ${cmp} av;
}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let wid = wg.x + wg.y * nwg.x;
  let c = (lid / p.cs) % p.C;
  let l = (lid / p.ls) % p.L;
  let k = wid * p.C + c;
  let live = wid < p.groups && k < p.K;
  var bv: ${T} = ${T}(0);
  var bi = NONE;
  if (live) {
    let base = (k / p.inner) * p.R * p.inner + k % p.inner;
    for (var r = l; r < p.R; r += p.L) {
      let v = X[base + r * p.inner];
      if (beats(bv, bi, v, r)) { bv = v; bi = r; }
    }
  }
  shv[lid] = bv; shi[lid] = bi;
  workgroupBarrier();
  for (var s = p.L / 2u; s > 0u; s = s / 2u) {
    let q = lid + s * p.ls;
    if (l < s && beats(shv[lid], shi[lid], shv[q], shi[q])) { shv[lid] = shv[q]; shi[lid] = shi[q]; }
    workgroupBarrier();
  }
  if (l == 0u && live) { Y[k] = i32(shi[lid]); }
}`, 2);
    rt.run(k, [x, out], new Params().u(K, R, inner, C, L, cs, ls, groups), grid(groups), [1]);
    return out;
  };

  // ------------------------------------------------------------------------------------- cumsum

  const cumsum = (x: Storage, l: AxisLayout, reverse: boolean): Storage => {
    const { outer, n, inner } = l;
    const out = rt.alloc(x.dtype, x.size);
    const lines = outer * inner;
    if (lines === 0 || n === 0) return out;
    const T = wgslType(x.dtype);
    const checked = T === 'i32';
    const fault = checked ? rt.fault(cumsumOverflowMessage()) : null;
    // i32: the sum wraps; an overflow is when both operands' signs differ from the sum's. One atomic per
    // line at most (after its walk), not one per element.
    const step = checked ? `let s = acc + v;
    if (((acc ^ s) & (v ^ s)) < 0) { bad = true; }
    acc = s;` : 'acc = acc + v;';
    // Step r of the walk is row `pos(r)`: r forwards, n − 1 − r in reverse.
    const pos = (r: string): string => (reverse ? `(p.n - 1u - ${r})` : r);
    const k = rt.kernel(`cumsum ${T}${reverse ? ' reverse' : ''}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${T}>;
${checked ? '@group(0) @binding(2) var<storage, read_write> FAULT: array<atomic<u32>>;' : ''}
struct Params { lines: u32, n: u32, inner: u32, r0: u32, r1: u32 }
@group(0) @binding(${checked ? 3 : 2}) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.lines) { return; }
  let base = (i / p.inner) * p.n * p.inner + i % p.inner;
  // Steps [r0, r1) of the walk; a later dispatch resumes from the running sum the previous one stored.
  var acc = ${T}(0);
  if (p.r0 > 0u) { acc = Y[base + ${pos('(p.r0 - 1u)')} * p.inner]; }${checked ? `
  var bad = false;` : ''}
  for (var r = p.r0; r < p.r1; r++) {
    let j = base + ${pos('r')} * p.inner;
    let v = X[j];
    ${step}
    Y[j] = acc;
  }
  ${checked ? `if (bad) { atomicOr(&FAULT[0], ${fault!.bit}u); }` : ''}
}`, checked ? 3 : 2);
    // A long line is walked over several dispatches (see GpuRuntime.serialSteps), each resuming from the
    // running sum the previous one stored: the same sums, in the same order.
    for (const [r0, r1] of rt.chunks(n)) {
      const params = new Params().u(lines, n, inner, r0, r1);
      if (fault) rt.run(k, [x, out, fault.word], params, groups1d(lines), [1, 2]);
      else rt.run(k, [x, out], params, groups1d(lines), [1]);
    }
    return out;
  };

  // ----------------------------------------------------------------------------------- prodGrad

  const prodGrad = (x: Storage, g: Storage, outer: number, R: number): Storage => {
    const out = rt.alloc(x.dtype, x.size);
    if (outer * R === 0) return out;
    const T = wgslType(x.dtype);
    if (R <= PROD_ROW_SERIAL) {
      // Short rows: one invocation per row, ref's two walks.
      const k = rt.kernel(`prodGrad rows ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read> G: array<${T}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${T}>;
struct Params { outer: u32, R: u32 }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.outer) { return; }
  let base = i * p.R;
  var pre = G[i];
  for (var r = 0u; r < p.R; r++) { Y[base + r] = pre; pre *= X[base + r]; }
  var suf = ${T}(1);
  for (var r = i32(p.R) - 1; r >= 0; r--) { let j = base + u32(r); Y[j] *= suf; suf *= X[j]; }
}`, 3);
      rt.run(k, [x, g, out], new Params().u(outer, R), groups1d(outer), [2]);
      return out;
    }
    // Long rows: one workgroup per row; each invocation owns a contiguous segment. The products of the
    // segments before and after its own give each segment its outer prefix and suffix, then the two
    // walks run inside the segment.
    const k = rt.kernel(`prodGrad segments ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read> G: array<${T}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${T}>;
struct Params { outer: u32, R: u32, seg: u32 }
@group(0) @binding(3) var<uniform> p: Params;
var<workgroup> sh: array<${T}, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) t: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= p.outer) { return; }
  let base = row * p.R;
  let r0 = min(p.R, t * p.seg);
  let r1 = min(p.R, r0 + p.seg);
  var prod = ${T}(1);
  for (var r = r0; r < r1; r++) { prod *= X[base + r]; }
  sh[t] = prod;
  workgroupBarrier();
  var pre = G[row];
  for (var j = 0u; j < t; j++) { pre *= sh[j]; }
  var suf = ${T}(1);
  for (var j = ${WG - 1}u; j > t; j--) { suf *= sh[j]; }
  for (var r = r0; r < r1; r++) { Y[base + r] = pre; pre *= X[base + r]; }
  for (var r = i32(r1) - 1; r >= i32(r0); r--) { let j = base + u32(r); Y[j] *= suf; suf *= X[j]; }
}`, 3);
    rt.run(k, [x, g, out], new Params().u(outer, R, Math.ceil(R / WG)), grid(outer), [2]);
    return out;
  };

  // ------------------------------------------------------------------------------ indexSelectGrad

  const indexSelectGrad = (g: Storage, l: AxisLayout, index: Storage): Storage => {
    const { outer, n, inner } = l;
    const m = index.size;
    const out = rt.alloc(g.dtype, outer * n * inner);
    if (out.size === 0) return out;
    // offsets [n + 1]: where each row's positions start in `order`; order [m]: positions j grouped by
    // index[j], ascending within a group.
    const offsets = rt.alloc('int32', n + 1);
    const order = rt.alloc('int32', Math.max(m, 1));
    const host = rt.host(index);
    if (host) {
      const off = new Int32Array(n + 1), ord = new Int32Array(Math.max(m, 1));
      for (let j = 0; j < m; j++) off[host[j] + 1]++;
      for (let t = 0; t < n; t++) off[t + 1] += off[t];
      const cursor = off.slice(0, n);
      for (let j = 0; j < m; j++) ord[cursor[host[j]]++] = j;
      rt.write(offsets, off);
      rt.write(order, ord);
    } else {
      buildGroups(index, n, m, offsets, order);
    }
    const T = wgslType(g.dtype);
    const k = rt.kernel(`indexSelectGrad ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> G: array<${T}>;
@group(0) @binding(1) var<storage, read> offsets: array<i32>;
@group(0) @binding(2) var<storage, read> order: array<i32>;
@group(0) @binding(3) var<storage, read_write> Y: array<${T}>;
struct Params { size: u32, n: u32, m: u32, inner: u32 }
@group(0) @binding(4) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.size) { return; }
  let ii = i % p.inner;
  let t = (i / p.inner) % p.n;
  let o = i / (p.inner * p.n);
  var acc = ${T}(0);
  for (var e = offsets[t]; e < offsets[t + 1u]; e++) {
    acc += G[(o * p.m + u32(order[e])) * p.inner + ii];
  }
  Y[i] = acc;
}`, 4);
    rt.run(k, [g, offsets, order, out], new Params().u(out.size, n, m, inner), groups1d(out.size), [3]);
    rt.free(offsets);
    rt.free(order);
    return out;
  };

  /** The CSR table of indexSelectGrad on the GPU (index data JS cannot see): counts with atomics, an
   *  exclusive scan into offsets, a fill through per-row atomic cursors, then each row's positions
   *  sorted (the fill's order is arbitrary; the sum's must not be). */
  const buildGroups = (index: Storage, n: number, m: number, offsets: Storage, order: Storage): void => {
    const counts = rt.alloc('int32', n);
    fill(counts, 0);
    const count = rt.kernel('indexSelectGrad count', `${COMMON}
@group(0) @binding(0) var<storage, read> index: array<i32>;
@group(0) @binding(1) var<storage, read_write> counts: array<atomic<i32>>;
struct Params { m: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.m) { return; }
  atomicAdd(&counts[index[i]], 1);
}`, 2);
    rt.run(count, [index, counts], new Params().u(m), groups1d(m), [1]);
    // One workgroup: each invocation sums a segment, the segment totals are scanned in shared memory,
    // then each segment is written out from its start.
    const scan = rt.kernel('indexSelectGrad scan', `${COMMON}
@group(0) @binding(0) var<storage, read> counts: array<i32>;
@group(0) @binding(1) var<storage, read_write> offsets: array<i32>;
struct Params { n: u32, seg: u32 }
@group(0) @binding(2) var<uniform> p: Params;
var<workgroup> sh: array<i32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) t: u32) {
  let r0 = min(p.n, t * p.seg);
  let r1 = min(p.n, r0 + p.seg);
  var total = 0;
  for (var r = r0; r < r1; r++) { total += counts[r]; }
  sh[t] = total;
  workgroupBarrier();
  var start = 0;
  for (var j = 0u; j < t; j++) { start += sh[j]; }
  for (var r = r0; r < r1; r++) { offsets[r] = start; start += counts[r]; }
  if (t == ${WG - 1}u) { offsets[p.n] = start; }
}`, 2);
    rt.run(scan, [counts, offsets], new Params().u(n, Math.ceil(n / WG)), [1], [1]);
    const place = rt.kernel('indexSelectGrad place', `${COMMON}
@group(0) @binding(0) var<storage, read> index: array<i32>;
@group(0) @binding(1) var<storage, read> offsets: array<i32>;
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<i32>>;
@group(0) @binding(3) var<storage, read_write> order: array<i32>;
struct Params { m: u32 }
@group(0) @binding(4) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.m) { return; }
  let t = index[i];
  let slot = atomicSub(&counts[t], 1) - 1;
  order[offsets[t] + slot] = i32(i);
}`, 4);
    rt.run(place, [index, offsets, counts, order], new Params().u(m), groups1d(m), [2, 3]);
    const sort = rt.kernel('indexSelectGrad sort', `${COMMON}
@group(0) @binding(0) var<storage, read> offsets: array<i32>;
@group(0) @binding(1) var<storage, read_write> order: array<i32>;
struct Params { n: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  let a = offsets[i];
  let b = offsets[i + 1u];
  // Insertion sort: groups are short (an index's repeats), and nearly sorted already.
  for (var e = a + 1; e < b; e++) {
    let v = order[e];
    var f = e - 1;
    loop {
      if (f < a) { break; }
      let w = order[f];
      if (w <= v) { break; }
      order[f + 1] = w;
      f--;
    }
    order[f + 1] = v;
  }
}`, 2);
    rt.run(sort, [offsets, order], new Params().u(n), groups1d(n), [1]);
    rt.free(counts);
  };

  // ---------------------------------------------------------------------------------------- kernels

  return {
    reduce,
    argReduce,
    cumsum,
    prodGrad,

    permute(x: Storage, shape: number[], perm: number[]): Storage {
      const s = stridesOf(shape);
      return gather(x, perm.map((p) => shape[p]), perm.map((p) => s[p]), 0);
    },

    expand(x: Storage, shape: number[], outShape: number[]): Storage {
      const s = stridesOf(shape), off = outShape.length - shape.length;
      return gather(x, outShape, outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : s[i - off])), 0);
    },

    flip(x: Storage, shape: number[], axes: number[]): Storage {
      const s = stridesOf(shape);
      let start = 0;
      for (const d of new Set(axes)) start += (shape[d] - 1) * s[d];
      return gather(x, shape, s.map((st, d) => (axes.includes(d) ? -st : st)), start);
    },

    cat(xs: Storage[], outer: number, rows: number[]): Storage {
      const rowOut = rows.reduce((a, b) => a + b, 0);
      const out = rt.alloc(xs[0].dtype, outer * rowOut);
      const T = wgslType(out.dtype);
      const k = rt.kernel(`cat ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${T}>;
struct Params { n: u32, row: u32, rowOut: u32, offset: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  Y[(i / p.row) * p.rowOut + p.offset + i % p.row] = X[i];
}`, 2);
      let offset = 0;
      xs.forEach((x, j) => {
        const n = outer * rows[j];
        if (n) rt.run(k, [x, out], new Params().u(n, rows[j], rowOut, offset), groups1d(n), [1]);
        offset += rows[j];
      });
      return out;
    },

    indexSelect(x: Storage, l: AxisLayout, index: Storage): Storage {
      const m = index.size;
      const out = rt.alloc(x.dtype, l.outer * m * l.inner);
      if (out.size === 0) return out;
      const T = wgslType(x.dtype);
      const k = rt.kernel(`indexSelect ${T}`, `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<${T}>;
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> Y: array<${T}>;
struct Params { size: u32, n: u32, m: u32, inner: u32 }
@group(0) @binding(3) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.size) { return; }
  let ii = i % p.inner;
  let j = (i / p.inner) % p.m;
  let o = i / (p.inner * p.m);
  Y[i] = X[(o * p.n + u32(index[j])) * p.inner + ii];
}`, 3);
      rt.run(k, [x, index, out], new Params().u(out.size, l.n, m, l.inner), groups1d(out.size), [2]);
      return out;
    },

    indexSelectGrad,

    oneHot(indices: Storage, numClasses: number): Storage {
      const out = rt.alloc('int32', indices.size * numClasses);
      if (out.size === 0) return out;
      const k = rt.kernel('oneHot', `${COMMON}
@group(0) @binding(0) var<storage, read> index: array<i32>;
@group(0) @binding(1) var<storage, read_write> Y: array<i32>;
struct Params { size: u32, classes: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.size) { return; }
  Y[i] = select(0, 1, index[i / p.classes] == i32(i % p.classes));
}`, 2);
      rt.run(k, [indices, out], new Params().u(out.size, numClasses), groups1d(out.size), [1]);
      return out;
    },

    bincount(x: Storage, length: number): Storage {
      const out = rt.alloc('int32', length);
      if (length === 0) return out;
      fill(out, 0);
      if (x.size === 0) return out;
      const k = rt.kernel('bincount', `${COMMON}
@group(0) @binding(0) var<storage, read> X: array<i32>;
@group(0) @binding(1) var<storage, read_write> counts: array<atomic<i32>>;
struct Params { n: u32 }
@group(0) @binding(2) var<uniform> p: Params;
${MAIN_1D}
  if (i >= p.n) { return; }
  atomicAdd(&counts[X[i]], 1);
}`, 2);
      rt.run(k, [x, out], new Params().u(x.size), groups1d(x.size), [1]);
      return out;
    },
  };
}
